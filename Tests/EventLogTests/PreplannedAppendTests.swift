import Foundation
import JSON
import Testing

@testable import EventLog

/// Batches planned ahead of the writer (`PreplannedBatch`): an import plans its next
/// batch while the writer writes the current one. A plan is only written in the state
/// it was made for; in any other state the writer plans the batch again, so planning
/// ahead never changes what the log holds.
@Suite("Planning batches ahead of the writer")
struct PreplannedAppendTests {
    private func prepared(_ events: [ProposedEvent]) throws -> PreparedBatch {
        try ProposedEvent.prepare(events, validator: nil, maxRecordBytes: 1 << 20)
    }

    private func customer(_ n: Int, _ type: EventType = "ContactUpdated", id: EventID? = nil, expected: ExpectedVersion = .any) -> ProposedEvent {
        Fixture.event(StreamName("customer-\(n)")!, type, ["customerId": .string("\(n)")], id: id, expected: expected)
    }

    @Test("an import whose batches are planned ahead lands exactly as the in-memory store places it")
    func importPlannedAheadMatchesTheInMemoryStore() async throws {
        // 1,000 lines in batches of 100 or more (the check pass hands over blocks of
        // lines, and a batch goes once it holds 100); from the third on, each is read
        // into the buffer of one the writer committed (see `writerHandsCommittedBuffersBack`). Streams recur across batches, some lines expect
        // the version an earlier batch left, and some lines repeat an earlier batch's
        // line (same id, same content): planning ahead must see the batch in flight.
        let scratch = ScratchDirectory("import")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let lines = Fixture.recurringImportLines
        let file = scratch.url.appendingPathComponent("events.jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        var options = EventImporter.Options()
        options.batchSize = 100
        options.scratchDirectory = scratch.url

        let memory = InMemoryEventStore(clock: StepClock().closure)
        let expected = try await EventImporter(store: memory, validator: nil, options: options).importFile(at: file, displayName: "events.jsonl")
        try await withLMDBStore { store in
            let summary = try await EventImporter(store: store, validator: nil, options: options).importFile(at: file, displayName: "events.jsonl")
            #expect(summary.appended == expected.appended)
            #expect(summary.duplicates == expected.duplicates)
            #expect(summary.duplicates == 8)
            // Every batch was planned off the writer thread, each after the one before
            // it, and written as planned.
            #expect(store.writer.plannedAheadCount >= 2)
            #expect(store.writer.plannedAheadCount == store.writer.statistics.commits)
            #expect(try store.head() == memory.head())
            let stored = try store.read(from: .start, direction: .forward, limit: 2_000)
            let reference = try memory.read(from: .start, direction: .forward, limit: 2_000)
            #expect(stored.count == reference.count)
            let firstDifference = zip(stored, reference).first { $0 != $1 }
            #expect(firstDifference == nil)
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
    }

    @Test("a plan overtaken by another append is planned again, and refused if its expectation no longer holds")
    func overtakenPlanIsPlannedAgain() async throws {
        try await withLMDBStore { store in
            var first = try prepared([customer(1), customer(2)])
            let plan = try #require(store.preplan(&first, after: nil))
            #expect(first.isEmpty)
            #expect(plan.result.events.map(\.position) == [LogPosition(1), LogPosition(2)])

            _ = try await store.append([customer(9)])
            let result = try await store.append(preplanned: plan)
            #expect(result.events.map(\.position) == [LogPosition(2), LogPosition(3)])
            #expect(store.writer.plannedAheadCount == 0)
            #expect(try store.verify(progress: nil).firstBadPosition == nil)

            var strict = try prepared([customer(3, expected: .noStream)])
            let strictPlan = try #require(store.preplan(&strict, after: nil))
            _ = try await store.append([customer(3)])
            await #expect(throws: EventLogError.self) { try await store.append(preplanned: strictPlan) }
            #expect(try store.head().position == LogPosition(4))
            #expect(try store.streamVersion("customer-3") == StreamVersion(1))
        }
    }

    @Test("a batch that cannot be planned ahead stays with the caller, whole, and the writer refuses it")
    func refusedPlanLeavesTheBatch() async throws {
        try await withLMDBStore { store in
            _ = try await store.append([customer(1)])
            var batch = try prepared([customer(2), customer(1, expected: .noStream)])
            #expect(store.preplan(&batch, after: nil) == nil)
            #expect(batch.count == 2)
            do {
                _ = try await store.append(prepared: batch)
                Issue.record("the writer appended a batch whose expectation fails")
            } catch let error as EventLogError {
                #expect(error.code == .wrongExpectedVersion)
                #expect(error.batchIndex == 1)
            }
            #expect(try store.head().position == LogPosition(1))
        }
    }

    @Test("a plan made after another sees that plan's streams and ids, and is planned again if that plan was never written")
    func planAfterPlanSeesItsStreamsAndIds() async throws {
        let repeated = customer(1, "ContactCreated", id: EventID("0190f0a0-0000-7000-8000-000000000001")!)
        try await withLMDBStore { store in
            var a = try prepared([repeated, customer(2)])
            let planA = try #require(store.preplan(&a, after: nil))
            var b = try prepared([repeated, customer(1, expected: .exact(StreamVersion(1))), customer(3)])
            let planB = try #require(store.preplan(&b, after: planA))
            #expect(planB.result.events.map(\.isDuplicate) == [true, false, false])
            #expect(planB.result.events.map(\.position) == [LogPosition(1), LogPosition(3), LogPosition(4)])
            #expect(planB.result.events.map(\.version) == [StreamVersion(1), StreamVersion(2), StreamVersion(1)])

            _ = try await store.append(preplanned: planA)
            let result = try await store.append(preplanned: planB)
            #expect(result == planB.result)
            #expect(store.writer.plannedAheadCount == 2)
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
        try await withLMDBStore { store in
            var a = try prepared([repeated, customer(2)])
            let planA = try #require(store.preplan(&a, after: nil))
            var b = try prepared([repeated, customer(1, expected: .exact(StreamVersion(1))), customer(3)])
            let planB = try #require(store.preplan(&b, after: planA))
            // A is never written: B meets an empty log and is planned again there, so
            // its first event is new, not a repeat, and the rest move up by one.
            let result = try await store.append(preplanned: planB)
            #expect(result.events.map(\.isDuplicate) == [false, false, false])
            #expect(result.events.map(\.position) == [LogPosition(1), LogPosition(2), LogPosition(3)])
            #expect(try store.head().position == LogPosition(3))
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
            #expect(store.writer.plannedAheadCount == 0)
        }
    }

    @Test("no plan is made after a plan when the log holds other appends than that plan's")
    func noPlanAfterAPlanOvertakenInTheSnapshot() async throws {
        try await withLMDBStore { store in
            var a = try prepared([customer(1)])
            let planA = try #require(store.preplan(&a, after: nil))
            // Something else commits before A: the snapshot is neither just before A nor
            // just after it, so an overlay of A alone would miss this event's stream.
            _ = try await store.append([customer(2)])
            var b = try prepared([customer(2, expected: .exact(StreamVersion(1)))])
            #expect(store.preplan(&b, after: planA) == nil)
            #expect(b.count == 1)
            _ = try await store.append(preplanned: planA)
            let result = try await store.append(prepared: b)
            #expect(result.events.map(\.version) == [StreamVersion(2)])
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
    }

    /// An export line's `seq` and `version` are checked as its batch is planned, for a
    /// new event and for one stored already, so a restore into the wrong store is
    /// refused before anything is written.
    @Test("a restored event's seq and version are checked as its batch is planned", arguments: StoreKind.allCases)
    func restoreClaimsAreCheckedWhenPlanned(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let store = try #require(store as? any PreparedAppending)
            let first = customer(1, id: EventID("0190f0a0-0000-7000-8000-000000000001")!)
            _ = try await store.append([first])
            func restore(_ event: ProposedEvent, seq: UInt64, version: UInt64) throws -> PreparedBatch {
                var batch = try prepared([event])
                batch.events[0].claimedPosition = seq
                batch.events[0].claimedVersion = version
                return batch
            }
            // Stored already, where it says: a duplicate, as a re-run restore finds it.
            let again = try await store.append(prepared: try restore(first, seq: 1, version: 1))
            #expect(again.events.map(\.isDuplicate) == [true])

            let cases: [(ProposedEvent, UInt64, UInt64, String)] = [
                (first, 7, 1, "says it is seq 7, but this log holds it at 1: restore an export into an empty store"),
                (first, 1, 4, "says it is version 4 of customer-1, but in this log it is version 1: the export was altered"),
                (customer(2), 5, 1, "says it is seq 5, but this log would place it at 2: restore an export into an empty store"),
                (customer(1), 2, 3, "says it is version 3 of customer-1, but in this log it would be version 2: the export was altered"),
            ]
            for (event, seq, version, expected) in cases {
                let error = await #expect(throws: EventLogError.self) { try await store.append(prepared: try restore(event, seq: seq, version: version)) }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
            }
            #expect(try store.head().position == LogPosition(1))
        }
    }

    // An import reads each batch into the buffer of one the writer has committed, so
    // the pages are not mapped in afresh for every batch.
    @Test("the writer hands a committed batch's buffer back, a refused one's not")
    func writerHandsCommittedBuffersBack() async throws {
        try await withLMDBStore { store in
            let recycler = ByteRecycler()
            var batch = try prepared((1...50).map { customer($0) })
            let size = batch.bytes.count
            batch.recycler = recycler
            _ = try await store.append(prepared: batch)
            let returned = recycler.take()
            #expect(returned.isEmpty)
            #expect(returned.capacity >= size)
            // Taken: none is kept until the next batch commits.
            #expect(recycler.take().capacity == 0)

            var refused = try prepared([customer(1, expected: .noStream)])
            refused.recycler = recycler
            await #expect(throws: EventLogError.self) { _ = try await store.append(prepared: refused) }
            #expect(recycler.take().capacity == 0)
        }
    }

    @Test("a recycler keeps one buffer, emptied, with its capacity")
    func recyclerKeepsOneBuffer() {
        let recycler = ByteRecycler()
        #expect(recycler.take().capacity == 0)
        var small = [UInt8](repeating: 1, count: 10)
        small.reserveCapacity(100)
        recycler.put(small)
        recycler.put([UInt8](repeating: 2, count: 5_000))
        let kept = recycler.take()
        #expect(kept.isEmpty)
        #expect(kept.capacity >= 5_000)
        #expect(recycler.take().capacity == 0)
    }
}
