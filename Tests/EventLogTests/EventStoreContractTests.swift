import EventLog
import Foundation
import JSON
import Testing

/// The contract every ``EventStore`` keeps, run against the LMDB store and the
/// in-memory store alike.
@Suite struct EventStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func appendAssignsGaplessPositionsAndPerStreamVersions(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await store.append([Fixture.contactCreated(1), Fixture.contactCreated(2), Fixture.orderPlaced(1, amount: "11.77")])
            #expect(first.events.map(\.position.rawValue) == [1, 2, 3])
            #expect(first.events.map(\.version.rawValue) == [1, 1, 2])
            #expect(first.head == LogPosition(3))
            let second = try await store.append([Fixture.orderPlaced(2, amount: "5.00")])
            #expect(second.events[0].position == LogPosition(4))
            #expect(second.events[0].version == StreamVersion(2))
            #expect(try store.head().position == LogPosition(4))
            #expect(try store.streamVersion("customer-1") == StreamVersion(2))
            #expect(try store.streamVersion("customer-9") == StreamVersion.none)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func appendWithStaleExpectedVersionRejectsTheWholeBatch(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append([Fixture.contactCreated(1)])
            let batch = [
                Fixture.contactCreated(2, expected: .noStream),
                Fixture.event("customer-1", "ContactUpdated", ["name": "Renamed"], expected: .exact(StreamVersion(5))),
            ]
            await #expect {
                try await store.append(batch)
            } throws: { error in
                guard let error = error as? EventLogError else { return false }
                return error.code == .wrongExpectedVersion && error.stream == "customer-1" && error.actual == StreamVersion(1)
                    && error.expected == .exact(StreamVersion(5)) && error.batchIndex == 1
                    && error.message == "stream customer-1 is at version 1 but the append expected version 5; nothing was appended — read the stream and retry"
            }
            #expect(try store.head().position == LogPosition(1))
            #expect(try store.streamVersion("customer-2") == StreamVersion.none)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func noStreamAndExactExpectationsAreChecked(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append([Fixture.contactCreated(1, expected: .noStream)])
            await #expect(throws: EventLogError.self) { try await store.append([Fixture.contactCreated(1, expected: .noStream)]) }
            let ok = try await store.append([Fixture.event("customer-1", "ContactUpdated", expected: .exact(StreamVersion(1)))])
            #expect(ok.events[0].version == StreamVersion(2))
            // Expectations inside one batch see the batch's earlier events.
            let chained = try await store.append([
                Fixture.event("customer-1", "ContactUpdated", expected: .exact(StreamVersion(2))),
                Fixture.event("customer-1", "ContactUpdated", expected: .exact(StreamVersion(3))),
            ])
            #expect(chained.events.map(\.version.rawValue) == [3, 4])
        }
    }

    /// The LMDB store finds stored ids by walking its id index beside the batch's ids in
    /// key order; new ids below, between and above the stored ones must all be told apart.
    @Test(arguments: StoreKind.allCases)
    func aBatchMixingStoredAndNewIdsFindsExactlyTheStoredOnes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            func event(_ rank: UInt64) -> ProposedEvent {
                Fixture.event(StreamName("deal-\(rank)")!, "DealCreated", ["dealId": .string("\(rank)")], id: EventID(high: rank << 16 | 0x4000, low: 0x8000_0000_0000_0000 | rank))
            }
            let first = try await store.append([30, 10, 20].map(event))
            let again = try await store.append([35, 10, 5, 30, 15, 20, 25, 40].map(event))
            #expect(again.events.map(\.isDuplicate) == [false, true, false, true, false, true, false, false])
            #expect(again.events[1].position == first.events[1].position)
            #expect(again.events[3].position == first.events[0].position)
            #expect(again.events[5].position == first.events[2].position)
            #expect(again.appendedCount == 5)
            #expect(try store.head().position == LogPosition(8))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func reappendingAStoredIdReturnsItsOriginalPosition(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = EventID.generate()
            let event = Fixture.event("deal-7", "DealCreated", ["dealId": "7"], id: id)
            let first = try await store.append([event, Fixture.contactCreated(1)])
            let again = try await store.append([event])
            #expect(again.events[0].isDuplicate)
            #expect(again.events[0].position == first.events[0].position)
            #expect(again.appendedCount == 0)
            #expect(try store.head().position == LogPosition(2))
            // The same id twice in one batch is stored once.
            let twice = try await store.append([Fixture.event("deal-8", "DealCreated", id: EventID.generate()), event, event])
            #expect(twice.appendedCount == 1)
            #expect(try store.head().position == LogPosition(3))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sameIdWithDifferentContentIsAConflict(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = EventID.generate()
            _ = try await store.append([Fixture.event("deal-7", "DealCreated", ["dealId": "7"], id: id)])
            await #expect {
                try await store.append([Fixture.contactCreated(3), Fixture.event("deal-7", "DealCreated", ["dealId": "8"], id: id)])
            } throws: { error in
                guard let error = error as? EventLogError else { return false }
                return error.code == .idConflict && error.eventID == id && error.position == LogPosition(1)
                    && error.message.contains("stored already at position 1 with different content")
            }
            #expect(try store.head().position == LogPosition(1))
            // One batch giving an id twice with different content: nothing is stored, so
            // the error names the two events of the batch, not a position.
            let twice = EventID.generate()
            await #expect {
                try await store.append([
                    Fixture.event("deal-9", "DealCreated", ["dealId": "9"], id: twice), Fixture.contactCreated(4),
                    Fixture.event("deal-9", "DealCreated", ["dealId": "10"], id: twice),
                ])
            } throws: { error in
                guard let error = error as? EventLogError else { return false }
                return error.code == .idConflict && error.eventID == twice && error.position == nil
                    && error.batchIndex == 2 && error.earlierBatchIndex == 0
                    && error.message
                        == "event \(twice) is given twice in this append, with different content (events 1 and 3 of 3); nothing was appended — give each event its own id"
            }
            #expect(try store.head().position == LogPosition(1))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readsGoForwardBackwardByStreamAndByType(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for n in 1...5 { _ = try await store.append([Fixture.contactCreated(n), Fixture.orderPlaced(n, amount: "\(n).00")]) }
            #expect(try store.read(from: .start, direction: .forward, limit: 3).map(\.position.rawValue) == [1, 2, 3])
            #expect(try store.read(from: LogPosition(9), direction: .forward, limit: 10).map(\.position.rawValue) == [9, 10])
            #expect(try store.read(from: nil, direction: .backward, limit: 3).map(\.position.rawValue) == [10, 9, 8])
            #expect(try store.read(from: LogPosition(2), direction: .backward, limit: 5).map(\.position.rawValue) == [2, 1])
            #expect(try store.read(from: LogPosition(11), direction: .forward, limit: 5).isEmpty)
            #expect(try store.read(from: LogPosition(99), direction: .backward, limit: 1).map(\.position.rawValue) == [10])

            _ = try await store.append((1...20).map { Fixture.event("deal-7", "DealAmountChanged", ["amount": .string("\($0).00")]) })
            let stream = try store.readStream("deal-7", from: StreamVersion(5), direction: .forward, limit: 3)
            #expect(stream.map(\.version.rawValue) == [5, 6, 7])
            let expectedData: [JSONValue] = [["amount": "5.00"], ["amount": "6.00"], ["amount": "7.00"]]
            #expect(stream.map { JSONValue.object($0.data) } == expectedData)
            #expect(try store.readStream("deal-7", from: nil, direction: .backward, limit: 2).map(\.version.rawValue) == [20, 19])
            #expect(try store.readStream("deal-7", from: StreamVersion(3), direction: .backward, limit: 5).map(\.version.rawValue) == [3, 2, 1])
            #expect(try store.readStream("deal-7", from: StreamVersion(21), direction: .forward, limit: 5).isEmpty)
            #expect(try store.readStream("nobody", from: nil, direction: .forward, limit: 5).isEmpty)
            // A stream of one event (stored inline rather than as a duplicate set in LMDB).
            _ = try await store.append([Fixture.event("deal-solo", "DealCreated", ["dealId": "solo"])])
            #expect(try store.readStream("deal-solo", from: nil, direction: .forward, limit: 5).map(\.version.rawValue) == [1])
            #expect(try store.readStream("deal-solo", from: StreamVersion(1), direction: .forward, limit: 5).count == 1)
            #expect(try store.readStream("deal-solo", from: StreamVersion(2), direction: .forward, limit: 5).isEmpty)
            #expect(try store.readStream("deal-solo", from: nil, direction: .backward, limit: 5).map(\.version.rawValue) == [1])
            #expect(try store.readStream("deal-solo", from: StreamVersion(1), direction: .backward, limit: 5).count == 1)
            #expect(try store.readStream("deal-solo", from: StreamVersion(0), direction: .backward, limit: 5).isEmpty)
            #expect(try store.readStream("deal-7", from: StreamVersion(0), direction: .backward, limit: 5).isEmpty)

            let orders = try store.readType("OrderPlaced", from: LogPosition(5), limit: 10)
            #expect(orders.map(\.position.rawValue) == [6, 8, 10])
            #expect(orders.allSatisfy { $0.type == "OrderPlaced" })
            func typePositions(_ type: EventType, from position: LogPosition?, _ direction: ReadDirection, limit: Int = 10) throws -> [UInt64] {
                try store.readType(type, from: position, direction: direction, limit: limit).map(\.position.rawValue)
            }
            #expect(try typePositions("OrderPlaced", from: nil, .forward) == [2, 4, 6, 8, 10])
            #expect(try typePositions("OrderPlaced", from: nil, .backward, limit: 2) == [10, 8])
            #expect(try typePositions("OrderPlaced", from: LogPosition(7), .backward) == [6, 4, 2])
            #expect(try typePositions("OrderPlaced", from: LogPosition(6), .backward, limit: 2) == [6, 4])
            #expect(try typePositions("OrderPlaced", from: LogPosition(99), .backward, limit: 1) == [10])
            #expect(try typePositions("OrderPlaced", from: LogPosition(.max), .backward, limit: 1) == [10])
            #expect(try typePositions("OrderPlaced", from: LogPosition(1), .backward).isEmpty)
            #expect(try typePositions("OrderPlaced", from: .start, .backward).isEmpty)
            #expect(try typePositions("OrderPlaced", from: nil, .backward, limit: 0).isEmpty)
            #expect(try typePositions("Nothing", from: nil, .backward).isEmpty)
            // A type with one event (stored inline rather than as a duplicate set in LMDB).
            let solo = try #require(try store.readStream("deal-solo", from: nil, direction: .forward, limit: 1).first).position.rawValue
            #expect(try typePositions("DealCreated", from: nil, .backward) == [solo])
            #expect(try typePositions("DealCreated", from: LogPosition(solo), .backward) == [solo])
            #expect(try typePositions("DealCreated", from: LogPosition(solo - 1), .backward).isEmpty)
            #expect(try typePositions("DealCreated", from: LogPosition(solo + 1), .forward).isEmpty)
        }
    }

    /// Enough events of one type that LMDB keeps their positions in a tree of several
    /// pages: a backward read must cross from page to page, from any start.
    @Test(arguments: StoreKind.allCases)
    func readsOfATypeBackwardMatchForwardReadsReversed(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append((1...3_000).map { n in
                n % 3 == 0 ? Fixture.orderPlaced(n, amount: "1.00") : Fixture.event(StreamName("note-\(n)")!, "NoteTaken", ["n": .number(JSONNumber(n))])
            })
            let forward = try store.readType("OrderPlaced", from: nil, direction: .forward, limit: 5_000).map(\.position.rawValue)
            #expect(forward.count == 1_000)
            #expect(try store.readType("OrderPlaced", from: nil, direction: .backward, limit: 5_000).map(\.position.rawValue) == forward.reversed())
            for start: UInt64 in [2_999, 1_500, 1_001, 700, 3] {
                let expected = Array(forward.reversed().filter { $0 <= start }.prefix(400))
                #expect(try store.readType("OrderPlaced", from: LogPosition(start), direction: .backward, limit: 400).map(\.position.rawValue) == expected)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func streamsAreListedInByteOrderByPrefixAndPage(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try store.streams(prefix: "", after: nil, limit: 10).isEmpty)
            _ = try await store.append([
                Fixture.contactCreated(1), Fixture.contactCreated(2), Fixture.event("deal-7", "DealCreated"), Fixture.orderPlaced(1, amount: "1.00"),
                Fixture.contactCreated(10), Fixture.event("deal-ä", "DealCreated"), Fixture.event("a", "NoteTaken"),
            ])
            _ = try await store.append([Fixture.orderPlaced(2, amount: "2.00"), Fixture.event("customer-1", "ContactUpdated")])
            func names(_ prefix: String, after: StreamName? = nil, limit: Int = 10) throws -> [String] {
                try store.streams(prefix: prefix, after: after, limit: limit).map(\.stream.rawValue)
            }
            // The order of the names' bytes: "customer-10" before "customer-2", "deal-7" before "deal-ä".
            #expect(try names("") == ["a", "customer-1", "customer-10", "customer-2", "deal-7", "deal-ä"])
            #expect(try names("customer-") == ["customer-1", "customer-10", "customer-2"])
            #expect(try names("customer-1") == ["customer-1", "customer-10"])
            #expect(try names("deal-ä") == ["deal-ä"])
            #expect(try names("customer-3").isEmpty)
            #expect(try names("zzz").isEmpty)
            #expect(try names(String(repeating: "c", count: 300)).isEmpty)
            #expect(try names("", limit: 0).isEmpty)
            #expect(try names("customer-", limit: 2) == ["customer-1", "customer-10"])
            // Paging: strictly after the name given, whether or not it is a stream.
            #expect(try names("customer-", after: "customer-1") == ["customer-10", "customer-2"])
            #expect(try names("customer-", after: "customer-0") == ["customer-1", "customer-10", "customer-2"])
            #expect(try names("customer-", after: "b") == ["customer-1", "customer-10", "customer-2"])
            #expect(try names("customer-", after: "customer-2").isEmpty)
            #expect(try names("customer-", after: "customer-3").isEmpty)
            #expect(try names("", after: "deal-7") == ["deal-ä"])
            var paged: [String] = []
            var last: StreamName?
            while let next = try store.streams(prefix: "", after: last, limit: 1).first {
                paged.append(next.stream.rawValue)
                last = next.stream
            }
            #expect(paged == (try names("")))

            let customers = try store.streams(prefix: "customer-", after: nil, limit: 10)
            #expect(customers.map(\.version.rawValue) == [3, 1, 2])
            #expect(customers.map(\.firstPosition.rawValue) == [1, 5, 2])
            #expect(customers.map(\.lastPosition.rawValue) == [9, 5, 8])
            #expect(customers.map(\.lastType.rawValue) == ["ContactUpdated", "ContactCreated", "OrderPlaced"])
            for summary in customers {
                let events = try store.readStream(summary.stream, from: nil, direction: .forward, limit: 10)
                #expect(summary.firstRecordedAt == events.first?.recordedAt)
                #expect(summary.lastRecordedAt == events.last?.recordedAt)
            }
        }
    }

    /// A name's bytes are the stream: the same letters encoded differently (precomposed
    /// é, or e and a combining accent) are two streams, even within one batch.
    @Test(arguments: StoreKind.allCases)
    func namesThatDifferOnlyInUnicodeNormalizationAreTwoStreams(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let texts = ["caf\u{E9}-1", "cafe\u{301}-1"]
            let (composed, decomposed) = (StreamName(texts[0])!, StreamName(texts[1])!)
            #expect(composed != decomposed)
            let appended = try await store.append([
                Fixture.event(composed, "NoteTaken"), Fixture.event(decomposed, "NoteTaken"), Fixture.event(composed, "NoteTaken"),
            ])
            #expect(appended.events.map(\.version.rawValue) == [1, 1, 2])
            _ = try await store.append([Fixture.event(decomposed, "NoteTaken", expected: .exact(StreamVersion(1)))])
            #expect(try store.streamVersion(composed) == StreamVersion(2))
            #expect(try store.streamVersion(decomposed) == StreamVersion(2))
            #expect(try store.readStream(composed, from: nil, direction: .forward, limit: 10).map(\.position.rawValue) == [1, 3])
            #expect(try store.readStream(decomposed, from: nil, direction: .forward, limit: 10).map(\.position.rawValue) == [2, 4])
            // "cafe" + U+0301 sorts before "caf" + U+00E9 by bytes (0x65 < 0xC3).
            #expect(try store.streams(prefix: "caf", after: nil, limit: 10).map(\.stream) == [decomposed, composed])
            let report = try store.verify(progress: nil)
            #expect(report.isIntact, "\(report.indexProblem ?? report.problem ?? "")")
        }
    }

    /// A stream long enough that LMDB keeps its positions in a tree of several pages.
    @Test(arguments: StoreKind.allCases)
    func aLongStreamIsListedWithItsVersionAndEnds(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append((1...1_500).map { n in
                n % 2 == 0 ? Fixture.event("deal-long", "NoteTaken", ["n": .number(JSONNumber(n))]) : Fixture.event(StreamName("note-\(n)")!, "NoteTaken")
            })
            let summary = try #require(try store.streams(prefix: "deal-", after: nil, limit: 5).first)
            #expect(summary.stream == "deal-long")
            #expect(summary.version == StreamVersion(750))
            #expect(summary.firstPosition == LogPosition(2))
            #expect(summary.lastPosition == LogPosition(1_500))
            #expect(try store.streams(prefix: "note-", after: nil, limit: 1_000).count == 750)
        }
    }

    /// An actor is printed in audit trails one event per line, so like a stream name it
    /// may hold no control characters; spaces are fine.
    @Test(arguments: StoreKind.allCases)
    func anActorWithAControlCharacterIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for actor in ["user:ana\nrule:forged@1", "user:ana\u{7F}", "user:ana\u{85}"] {
                var proposal = Fixture.contactCreated(1)
                proposal.actor = actor
                await #expect {
                    try await store.append([Fixture.contactCreated(2), proposal])
                } throws: { error in
                    guard let error = error as? EventLogError else { return false }
                    return error.code == .invalidEvent && error.batchIndex == 1
                        && error.message == "event 2 of the batch (stream customer-1, ContactCreated): an actor may not contain control characters"
                }
            }
            var spaced = Fixture.contactCreated(1)
            spaced.actor = "user:Ana Lopez"
            _ = try await store.append([spaced])
            #expect(try store.head().position == LogPosition(1))
        }
    }

    /// The nil UUID is no event's id: as an id it used to be stored (and would make every
    /// client that sends it collide on one event), and as a correlation or causation id
    /// it links to nothing. Both stores refuse it, the whole batch with it.
    @Test(arguments: StoreKind.allCases)
    func theNilUUIDIsNoEventsIdNorALink(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let said = "is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id"
            var withID = Fixture.contactCreated(1)
            withID.id = .nilUUID
            var correlated = Fixture.contactCreated(1)
            correlated.correlationId = .nilUUID
            var caused = Fixture.contactCreated(1)
            caused.causationId = .nilUUID
            let refusals = [
                (withID, "the id \(said); give a real UUID, or leave the id out and one is made"),
                (
                    correlated,
                    "the correlationId \(said) and links this event to nothing; give the id the events of one request or chain share, or leave the correlationId out"
                ),
                (caused, "the causationId \(said) and links this event to nothing; give the id of the event that caused this one, or leave the causationId out"),
            ]
            for (proposal, problem) in refusals {
                await #expect {
                    try await store.append([Fixture.contactCreated(2), proposal])
                } throws: { error in
                    guard let error = error as? EventLogError else { return false }
                    return error.code == .invalidEvent && error.batchIndex == 1
                        && error.message == "event 2 of the batch (stream customer-1, ContactCreated): \(problem)"
                }
            }
            let head = try store.head().position
            #expect(head == LogPosition.start)
            let stored = try store.event(id: EventID.nilUUID)
            #expect(stored == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordedEventsCarryTheWholeEnvelope(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let cause = EventID.generate()
            let correlation = EventID.generate()
            let occurred = Timestamp(rfc3339: "2025-03-01T09:30:00.5Z")!
            var proposal = Fixture.event("customer-1", "EmailQueued", ["template": "welcome", "subject": "Hi é 😀"], occurredAt: occurred)
            proposal.actor = "rule:welcome@3"
            proposal.causationId = cause
            proposal.correlationId = correlation
            proposal.metadata = ["source": "test", "ip": "10.0.0.1"]
            proposal.schemaVersion = 1
            let appended = try await store.append([proposal])
            let event = try #require(try store.event(id: appended.events[0].id))
            #expect(event.position == LogPosition(1))
            #expect(event.stream == "customer-1")
            #expect(event.type == "EmailQueued")
            #expect(event.version == StreamVersion(1))
            #expect(event.occurredAt == occurred)
            #expect(event.actor == "rule:welcome@3")
            #expect(event.causationId == cause)
            #expect(event.correlationId == correlation)
            #expect(event.metadata == ["source": "test", "ip": "10.0.0.1"])
            // The same event read twice is equal and hashes alike, however its metadata
            // is held; a different metadata map makes it a different event.
            let again = try #require(try store.read(from: .start, direction: .forward, limit: 1).first)
            #expect(again == event)
            #expect(Set([event, again]).count == 1)
            var rebuilt = again
            rebuilt.metadata = ["ip": "10.0.0.1", "source": "test"]
            #expect(rebuilt == event)
            rebuilt.metadata["source"] = "other"
            #expect(rebuilt != event)
            #expect(event.data["subject"] == "Hi é 😀")
            #expect(event.hash == (try store.head().hash))
            #expect(event.recordedAt >= occurred)
        }
    }

    @Test func bothStoresChainToTheSameHead() async throws {
        var heads: [LogHead] = []
        for kind in StoreKind.allCases {
            try await kind.withStore(clock: StepClock()) { store in
                let id = EventID("0190a8d2-0000-7000-8000-000000000001")!
                _ = try await store.append([Fixture.event("customer-1", "ContactCreated", ["a": 1], id: id)])
                _ = try await store.append([Fixture.event("customer-2", "ContactCreated", ["b": [1, 2]], id: EventID("0190a8d2-0000-7000-8000-000000000002")!)])
                heads.append(try store.head())
            }
        }
        #expect(heads.count == 2)
        #expect(heads[0] == heads[1])
        #expect(heads[0].position == LogPosition(2))
    }

    @Test(arguments: StoreKind.allCases)
    func verifyPassesOnAnIntactLog(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for n in 1...50 { _ = try await store.append([Fixture.contactCreated(n)]) }
            let report = try store.verify(progress: nil)
            #expect(report.isIntact)
            #expect(report.verifiedEvents == 50)
            #expect(report.head == (try store.head()))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oversizedEventsAreRefusedAndNothingIsAppended(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let big = String(repeating: "x", count: 2 << 20)
            let batch = [Fixture.contactCreated(1), Fixture.event("customer-2", "Note", ["text": .string(big)])]
            await #expect {
                try await store.append(batch)
            } throws: { error in
                let error = error as? EventLogError
                return error?.code == .eventTooLarge && error?.batchIndex == 1 && error?.message.contains("over the 1048576-byte limit") == true
            }
            let head = try store.head()
            #expect(head.position == .start)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func statisticsCountEventsStreamsAndTypes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append([Fixture.contactCreated(1), Fixture.contactCreated(2), Fixture.orderPlaced(1, amount: "3.00")])
            let stats = try store.statistics()
            #expect(stats.events == 3)
            #expect(stats.streams == 2)
            #expect(stats.types == ["ContactCreated": 2, "OrderPlaced": 1])
            #expect(stats.head.position == LogPosition(3))
            #expect(stats.recordBytes > 300)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentExactAppendersWinEachVersionOnce(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let contenders = 16
            let rounds = 20
            for round in 0..<rounds {
                let outcomes = await withTaskGroup(of: Bool.self) { group in
                    for c in 0..<contenders {
                        group.addTask {
                            let event = Fixture.event("deal-race", "DealAmountChanged", ["amount": .string("\(round).\(c)")], expected: round == 0 ? .noStream : .exact(StreamVersion(UInt64(round))))
                            do {
                                _ = try await store.append([event])
                                return true
                            } catch let error as EventLogError {
                                #expect(error.code == .wrongExpectedVersion)
                                #expect(error.actual == StreamVersion(UInt64(round + 1)))
                                return false
                            } catch {
                                Issue.record("unexpected error \(error)")
                                return false
                            }
                        }
                    }
                    var wins = 0
                    for await won in group where won { wins += 1 }
                    return wins
                }
                #expect(outcomes == 1, "round \(round): \(outcomes) winners")
            }
            let version = try store.streamVersion("deal-race")
            #expect(version == StreamVersion(UInt64(rounds)))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func subscriptionCatchesUpThenFollowsLiveAppendsWithoutGapsOrRepeats(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for n in 1...700 { _ = try await store.append([Fixture.contactCreated(n)]) }
            let total = 1_500
            let reader = Task { () -> [UInt64] in
                var seen: [UInt64] = []
                for try await event in store.subscribe(after: LogPosition(100)) {
                    seen.append(event.position.rawValue)
                    if seen.count == total - 100 { break }
                }
                return seen
            }
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for n in 0..<200 { _ = try? await store.append([Fixture.contactCreated(10_000 + writer * 1000 + n)]) }
                    }
                }
            }
            let seen = try await reader.value
            #expect(seen == Array(101...UInt64(total)))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledSubscriptionEnds(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append([Fixture.contactCreated(1)])
            let task = Task { () -> Int in
                var count = 0
                for try await _ in store.subscribe(after: .start) { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            #expect(try await task.value == 1)
        }
    }

    /// `recordedAt` never goes backward along the log, whatever the clock does: an
    /// append after the clock was set back is stamped with the last event's time. So
    /// the first event recorded at or after a time is found by a binary search.
    @Test(arguments: StoreKind.allCases)
    func recordedAtNeverGoesBackwardSoTimesAreFoundBySearch(kind: StoreKind) async throws {
        let clock = StepClock()
        try await kind.withStore(clock: clock) { store in
            #expect(try store.firstPosition(recordedAtOrAfter: Timestamp(rawValue: .min)) == nil)
            #expect(try store.lastPosition(recordedAtOrBefore: Timestamp(rawValue: .max)) == .start)
            _ = try await store.append([Fixture.contactCreated(1)])
            _ = try await store.append([Fixture.contactCreated(2), Fixture.contactCreated(3)])
            clock.set(Timestamp(rawValue: 1_000_000))  // back to 1970
            _ = try await store.append([Fixture.contactCreated(4)])
            clock.set(Timestamp(rfc3339: "2030-01-01T00:00:00Z")!)
            _ = try await store.append([Fixture.contactCreated(5)])

            let times = try store.read(from: .start, direction: .forward, limit: 10).map(\.recordedAt)
            #expect(times.count == 5)
            #expect(times == times.sorted())
            #expect(times[0] < times[1])
            #expect(times[1] == times[2], "one batch, one time")
            #expect(times[3] == times[2], "the clock was behind the log")
            #expect(times[4] == Timestamp(rfc3339: "2030-01-01T00:00:00Z"))

            func first(_ time: Timestamp) throws -> UInt64? { try store.firstPosition(recordedAtOrAfter: time)?.rawValue }
            func plus(_ time: Timestamp, _ micros: Int64) -> Timestamp { Timestamp(rawValue: time.rawValue + micros) }
            #expect(try first(Timestamp(rawValue: .min)) == 1)
            #expect(try first(times[0]) == 1)
            #expect(try first(plus(times[0], 1)) == 2)
            #expect(try first(times[1]) == 2, "the first of the events recorded at that time")
            #expect(try first(plus(times[1], 1)) == 5)
            #expect(try first(times[4]) == 5)
            #expect(try first(plus(times[4], 1)) == nil)

            func last(_ time: Timestamp) throws -> UInt64 { try store.lastPosition(recordedAtOrBefore: time).rawValue }
            #expect(try last(plus(times[0], -1)) == 0)
            #expect(try last(times[0]) == 1)
            #expect(try last(times[1]) == 4, "the last of the events recorded at that time")
            #expect(try last(plus(times[4], -1)) == 4)
            #expect(try last(Timestamp(rawValue: .max)) == 5)
        }
    }

    /// A restored event keeps the `recordedAt` it gives, which must not be earlier than
    /// the event before it; an event after it that gives none is stamped no earlier.
    @Test(arguments: StoreKind.allCases)
    func aGivenRecordedAtMustNotGoBackward(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.append([Fixture.contactCreated(1)])
            let first = try #require(try store.read(from: .start, direction: .forward, limit: 1).first)
            func restored(_ n: Int, at time: Timestamp) -> ProposedEvent {
                var event = Fixture.contactCreated(n)
                event.recordedAt = time
                return event
            }

            let earlier = restored(2, at: Timestamp(rawValue: first.recordedAt.rawValue - 1))
            let refused = await #expect(throws: EventLogError.self) { try await store.append([Fixture.contactCreated(3), earlier]) }
            #expect(refused?.code == .invalidEvent)
            #expect(refused?.batchIndex == 1)
            #expect(refused?.stream == earlier.stream)
            #expect(
                refused?.message.contains("gives recordedAt \(Timestamp(rawValue: first.recordedAt.rawValue - 1)), but the event before it (position 2) was recorded at ") == true,
                "\(refused?.message ?? "")")
            #expect(refused?.message.contains("recordedAt never goes backward in the log") == true)

            // Out of order within one batch: refused at the second.
            let later = Timestamp(rawValue: first.recordedAt.rawValue + 60_000_000)
            let unordered = await #expect(throws: EventLogError.self) {
                try await store.append([restored(4, at: later), restored(5, at: Timestamp(rawValue: later.rawValue - 1))])
            }
            #expect(unordered?.batchIndex == 1)
            // Nor may it be later than the clock, beyond the skew allowed between machines.
            let future = Timestamp(rawValue: first.recordedAt.rawValue + 3_600_000_000)
            let ahead = await #expect(throws: EventLogError.self) { try await store.append([restored(9, at: future)]) }
            #expect(ahead?.code == .invalidEvent)
            #expect(ahead?.message.contains("gives recordedAt \(future), later than this machine's clock (") == true, "\(ahead?.message ?? "")")
            #expect(try store.head().position == LogPosition(1), "nothing of these batches was appended")

            // Equal times are in order; an event that gives none follows the last one.
            _ = try await store.append([restored(6, at: later), restored(7, at: later), Fixture.contactCreated(8)])
            let times = try store.read(from: LogPosition(2), direction: .forward, limit: 10).map(\.recordedAt)
            #expect(times == [later, later, later])
            #expect(try store.verify(progress: nil).isIntact)
        }
    }
}
