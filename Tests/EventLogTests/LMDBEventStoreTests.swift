import EventLog
import Foundation
import JSON
import Testing

/// What only the on-disk store has to prove: persistence, tamper evidence, growth, format checks.
@Suite struct LMDBEventStoreTests {
    private func open(_ scratch: ScratchDirectory, create: Bool = true, mapSize: Int? = nil) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.create = create
        if let mapSize { options.initialMapSize = mapSize }
        return try LMDBEventStore(directory: scratch.url, options: options)
    }

    @Test func eventsSurviveClosingAndReopening() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        var head: LogHead
        do {
            let store = try open(scratch)
            for n in 1...20 { _ = try await store.append([Fixture.contactCreated(n)]) }
            head = try store.head()
            store.close()
        }
        let store = try open(scratch, create: false)
        defer { store.close() }
        #expect(try store.head() == head)
        #expect(try store.streamVersion("customer-7") == StreamVersion(1))
        let more = try await store.append([Fixture.orderPlaced(7, amount: "1.00")])
        #expect(more.events[0].position == LogPosition(21))
        #expect(more.events[0].version == StreamVersion(2))
    }

    /// A process that opens the store after `lock.mdb` was deleted makes a new lock
    /// file and would write alongside this one, so this one stops writing: its next
    /// commit is refused whole, saying why and what to do. A store opened afterwards
    /// (on the new lock file) writes as usual, and nothing refused was kept.
    @Test(arguments: [false, true]) func aStoreWhoseLockFileIsDeletedOrReplacedWritesNoMore(replaced: Bool) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let lock = scratch.url.appendingPathComponent("lock.mdb")
        let first = try open(scratch)
        _ = try await first.append([Fixture.contactCreated(1)])
        try FileManager.default.removeItem(at: lock)
        if replaced { try Data(count: 8192).write(to: lock) }
        let refused = await #expect(throws: EventLogError.self) { try await first.append([Fixture.contactCreated(2)]) }
        let message = refused?.message ?? ""
        #expect(message.contains(replaced ? "lock.mdb was replaced by another file" : "lock.mdb was deleted"))
        #expect(message.contains("nothing of this commit was kept") && message.contains("ledgerline verify"))
        // Reads go on; the refused event is not there.
        #expect(try first.head().position == LogPosition(1))
        first.close()
        if replaced { try FileManager.default.removeItem(at: lock) }

        let second = try open(scratch, create: false)
        defer { second.close() }
        _ = try await second.append([Fixture.contactCreated(3)])
        let streams = try second.read(from: .start, direction: .forward, limit: 10).map(\.stream.rawValue)
        #expect(streams == ["customer-1", "customer-3"])
        #expect(try second.verify(progress: nil).isIntact)
    }

    @Test func aClosedStoreLetsGoOfTheFolderWhileStillReferenced() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let first = try open(scratch)
        _ = try await first.append([Fixture.contactCreated(1)])
        _ = try first.read(from: .start, direction: .forward, limit: 10)  // a pooled read transaction
        first.close()
        // `first` is still referenced: the folder must open again in this process, and
        // reads of both stores must work (LMDB refuses a second live handle's readers).
        let second = try open(scratch, create: false)
        defer { second.close() }
        for _ in 0..<3 { #expect(try second.read(from: .start, direction: .forward, limit: 10).count == 1) }
        _ = try await second.append([Fixture.contactCreated(2)])
        #expect(try second.head().position == LogPosition(2))
        #expect(throws: EventLogError.self) { try first.read(from: .start, direction: .forward, limit: 10) }
        let refused = await #expect(throws: EventLogError.self) { try await first.append([Fixture.contactCreated(3)]) }
        #expect(refused?.code == .closed)
    }

    /// A store nobody references any more (never closed) deinitializes: its writer and
    /// stager threads do not keep it alive, it stops them, and its folder can be opened
    /// again. In some rounds the last reference is the writer's own, held just after it
    /// acknowledged the append, so the store deinitializes on the writer thread, which
    /// must then not wait for itself. The time limit catches such a hang; it is generous
    /// because under AddressSanitizer on a loaded 2-core machine the 20 rounds once took
    /// over a minute.
    @Test(.timeLimit(.minutes(3))) func aStoreNobodyReferencesStopsItsThreadsAndLetsGoOfItsFolder() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        for round in 1...20 {
            weak var released: LMDBEventStore?
            do {
                let store = try open(scratch, create: round == 1)
                released = store
                _ = try await store.append([Fixture.contactCreated(round)])
            }
            let deadline = Date().addingTimeInterval(10)
            while released != nil && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
            #expect(released == nil, "round \(round): the store is still alive")
        }
        let store = try open(scratch, create: false)
        defer { store.close() }
        #expect(try store.head().position == LogPosition(20))
        #expect(try store.verify(progress: nil).firstBadPosition == nil)
    }

    @Test func aChangedByteOnDiskMakesVerifyNameThatEventsPosition() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        do {
            let store = try open(scratch)
            for n in 1...40 {
                _ = try await store.append([Fixture.event(StreamName("customer-\(n)")!, "Note", ["marker": .string("tamper-marker-\(String(format: "%04d", n))")])])
            }
            #expect(try store.verify(progress: nil).isIntact)
            store.close()
        }
        let file = scratch.url.appendingPathComponent("data.mdb")
        var bytes = try Data(contentsOf: file)
        let marker = Data("tamper-marker-0023".utf8)
        let range = try #require(bytes.range(of: marker))
        bytes[range.upperBound - 1] = UInt8(ascii: "4")  // 0023 -> 0024: same length, different content
        try bytes.write(to: file)

        let store = try open(scratch, create: false)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == LogPosition(23))
        #expect(report.verifiedEvents == 22)
        #expect(report.problem?.contains("the hash does not match") == true)
    }

    @Test func aLargeReadDecodesOnEveryCoreAndNamesTheFirstDamagedRecord() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let count = 3_000
        var pageByPage: [RecordedEvent] = []
        do {
            let store = try open(scratch)
            let events = (1...count).map { n in
                Fixture.event(StreamName("customer-\(n % 97)")!, "Note", ["marker": .string("damage-marker-\(String(format: "%05d", n))")])
            }
            _ = try await store.append(events)
            // Reads of 1,024 events or more decode in parts on every core; small reads
            // decode on the caller's thread. Both give the same events in the same order.
            let whole = try store.read(from: .start, direction: .forward, limit: count)
            var position = LogPosition.start
            while true {
                let page = try store.read(from: position.next, direction: .forward, limit: 100)
                guard let last = page.last else { break }
                pageByPage += page
                position = last.position
            }
            #expect(whole.count == count)
            // Compared whole, without listing 3,000 events when they differ.
            let samePages = whole == pageByPage
            #expect(samePages, "a read of \(count) events differs from reading them 100 at a time")
            let backward = try store.read(from: nil, direction: .backward, limit: count)
            let sameBackward = backward == whole.reversed()
            #expect(sameBackward, "a backward read differs from the forward read reversed")
            // A long read from part-way through that asks for more than there is stops at the head.
            let tail = try store.read(from: LogPosition(1_500), direction: .forward, limit: 2_000)
            #expect(tail.first?.position == LogPosition(1_500) && tail.count == 1_501)
            let sameTail = tail == Array(whole[1_499...])
            #expect(sameTail, "a long read from position 1,500 differs from the whole read's tail")
            store.close()
        }

        // Damage the format byte of the record at position 2,345: the record starts 20
        // bytes before its position field, which precedes its payload.
        let file = scratch.url.appendingPathComponent("data.mdb")
        var bytes = try Data(contentsOf: file)
        let marker = try #require(bytes.range(of: Data("damage-marker-02345".utf8)))
        var positionField = Data(count: 8)
        positionField.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(2_345).littleEndian, as: UInt64.self) }
        let field = try #require(bytes.range(of: positionField, options: .backwards, in: (marker.lowerBound - 400)..<marker.lowerBound))
        bytes[field.lowerBound - 20] = 0xEE
        try bytes.write(to: file)

        let store = try open(scratch, create: false)
        defer { store.close() }
        let error = #expect(throws: EventLogError.self) { try store.read(from: .start, direction: .forward, limit: count) }
        #expect(error?.code == .corrupted)
        #expect(error?.position == LogPosition(2_345))
        #expect(error?.message.contains("run `ledgerline verify`") == true)
        let small = #expect(throws: EventLogError.self) { try store.read(from: LogPosition(2_300), direction: .forward, limit: 100) }
        #expect(small?.position == LogPosition(2_345))
        // A type's 3,000 positions are looked up in parts, one per core: the same answer.
        let byType = #expect(throws: EventLogError.self) { try store.readType("Note", from: .start, limit: count) }
        #expect(byType?.code == .corrupted && byType?.position == LogPosition(2_345))
        // Reads that stop short of it still answer.
        #expect(try store.read(from: .start, direction: .forward, limit: 2_344).count == 2_344)
    }

    /// Long forward reads walk one part per core, each in a transaction of its own; all
    /// of them must see one snapshot even while appends commit.
    @Test func longReadsWhileAppendsCommitSeeOneSnapshotWithoutGaps() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let store = try open(scratch)
        defer { store.close() }
        _ = try await store.append((1...2_000).map { n in Fixture.event(StreamName("customer-\(n % 3)")!, "Note", ["n": .string("\(n)")]) })
        let appender = Task {
            for n in 0..<300 {
                _ = try await store.append([Fixture.event(n % 2 == 0 ? "customer-live" : "customer-0", "Note", ["n": .string("\(n)")])])
            }
        }
        var largest = 0
        for reads in 0..<200 {
            let from = reads % 2 == 0 ? 1 : 700
            let events = try store.read(from: LogPosition(UInt64(from)), direction: .forward, limit: 10_000)
            let contiguous = events.enumerated().allSatisfy { $0.element.position.rawValue == UInt64(from + $0.offset) }
            #expect(contiguous, "read \(reads) from \(from) skipped or repeated a position")
            let head = try store.head().position.rawValue
            #expect(events.count >= 2_001 - from && UInt64(from + events.count - 1) <= head)
            largest = max(largest, events.count)
            // A stream of 512 events or more is looked up in parts, one per core, too.
            let stream = try store.readStream("customer-0", from: nil, direction: .forward, limit: 1_000)
            let inOrder = stream.enumerated().allSatisfy { $0.element.version.rawValue == UInt64($0.offset + 1) && $0.element.stream == "customer-0" }
            #expect(inOrder && stream.count >= 666, "read \(reads) of customer-0 skipped or repeated a version")
        }
        try await appender.value
        #expect(largest > 1_000)
        #expect(try store.read(from: .start, direction: .forward, limit: 10_000).count == 2_300)
        let whole = try store.readStream("customer-0", from: nil, direction: .forward, limit: 1_000)
        var pieces: [RecordedEvent] = []
        while true {
            let next = StreamVersion((pieces.last?.version.rawValue ?? 0) + 1)
            let piece = try store.readStream("customer-0", from: next, direction: .forward, limit: 10)
            if piece.isEmpty { break }
            pieces += piece
        }
        #expect(whole.count == 666 + 150)
        let samePieces = whole == pieces
        #expect(samePieces, "a stream read whole differs from reading it 10 events at a time")
    }

    @Test func theMapGrowsWhenItFillsUp() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let store = try open(scratch, mapSize: 1 << 20)
        defer { store.close() }
        let text = String(repeating: "lorem ipsum ", count: 100)
        for round in 0..<30 {
            _ = try await store.append((0..<100).map { n in
                Fixture.event(StreamName("customer-\(n)")!, "Note", ["text": .string(text), "round": .number(JSONNumber(round))])
            })
        }
        #expect(try store.head().position == LogPosition(3000))
        #expect(try store.verify(progress: nil).isIntact)
        #expect(try store.statistics().fileBytes > 1 << 20)
    }

    @Test func aStoreWrittenInANewerFormatIsRefused() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        do {
            let store = try open(scratch)
            _ = try await store.append([Fixture.contactCreated(1)])
            store.close()
        }
        let file = scratch.url.appendingPathComponent("data.mdb")
        var bytes = try Data(contentsOf: file)
        // The meta entry: the key "format" followed by its little-endian u64 value 2.
        let entry = Data("format".utf8) + Data([2, 0, 0, 0, 0, 0, 0, 0])
        // Every copy of the meta page in the file (LMDB keeps older ones until reused).
        var searchFrom = bytes.startIndex
        var patched = 0
        while let range = bytes.range(of: entry, in: searchFrom..<bytes.endIndex) {
            bytes[range.lowerBound + 6] = 3
            searchFrom = range.upperBound
            patched += 1
        }
        #expect(patched > 0)
        try bytes.write(to: file)
        #expect {
            try open(scratch, create: false)
        } throws: { error in
            let error = error as? EventLogError
            return error?.code == .unsupportedFormat
                && error?.message == "the store in \(scratch.url.path) uses log format 3, newer than this build reads (format 2); upgrade ledgerline"
        }
    }

    /// An import whose append fails for a reason none of its lines caused (here, the
    /// store was closed) says which lines it was appending, blames none of them, and
    /// does not ask for the file to be fixed.
    @Test func anImportThatFailsForNoLinesReasonSaysSo() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let store = try open(scratch)
        store.close()
        let file = scratch.url.appendingPathComponent("events.jsonl")
        let lines = (1...3).map { #"{"stream":"customer-\#($0)","type":"PageVisited","data":{"url":"/"}}"# }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        var options = EventImporter.Options()
        options.scratchDirectory = scratch.url
        let failure = await #expect(throws: ImportFailure.self) {
            try await EventImporter(store: store, validator: nil, options: options).importFile(at: file, displayName: "events.jsonl")
        }
        #expect(failure?.problems.map(\.line) == [0])
        #expect(failure?.problems.first?.reason.hasPrefix("appending lines 1–3 failed: ") == true, "\(failure?.problems ?? [])")
        #expect(failure?.description.hasSuffix("events.jsonl: nothing was appended; run the import again once that is fixed") == true)
        #expect(failure?.description.contains("fix the lines") == false)
    }

    /// A data file shorter than its last commit (a copy that stopped early) is refused
    /// at open with a message, and left as it is. LMDB itself would open it and the
    /// first read past the end would kill the process with `SIGBUS`.
    @Test func aDataFileCutShortIsRefusedNotReadUntilItCrashes() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        do {
            let store = try open(scratch)
            for n in 1...300 { _ = try await store.append([Fixture.contactCreated(n)]) }
            store.close()
        }
        let dataFile = scratch.url.appendingPathComponent("data.mdb")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dataFile.path)[.size] as? NSNumber).intValue
        #expect(truncate(dataFile.path, off_t(size / 2)) == 0)
        for create in [false, true] {
            let error = #expect(throws: EventLogError.self) { try open(scratch, create: create) }
            #expect(error?.code == .corrupted)
            #expect(
                error?.message.hasPrefix("\(dataFile.path) is cut short: it is \((size / 2).formatted()) bytes, but its last commit uses ") == true,
                "\(error?.message ?? "")")
        }
        let after = try #require(try FileManager.default.attributesOfItem(atPath: dataFile.path)[.size] as? NSNumber).intValue
        #expect(after == size / 2)
    }

    /// A `data.mdb` that is not an LMDB file is refused with LMDB's reason. (The
    /// environment used to be closed twice on this path: once when opening failed, once
    /// more when the failed initializer's `deinit` ran.)
    @Test func aDataFileThatIsNotLMDBIsRefused() throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        try Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &rng) }).write(to: scratch.url.appendingPathComponent("data.mdb"))
        for create in [false, true] {
            let error = #expect(throws: EventLogError.self) { try open(scratch, create: create) }
            #expect(error?.message.contains("MDB_INVALID") == true, "\(error?.message ?? "")")
        }
    }

    /// An empty `data.mdb` (a copy that never started) is not a new store, for
    /// commands that read nor for those that may create one (an append, an import):
    /// LMDB would write a fresh environment over it, `verify` would call the empty
    /// result intact, and an appender would quietly begin a new log where a restore
    /// failed. Only a store opened to start over it (`init`) does.
    @Test func anEmptyDataFileIsNotTakenForANewStore() throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let dataFile = scratch.url.appendingPathComponent("data.mdb")
        #expect(FileManager.default.createFile(atPath: dataFile.path, contents: nil))
        for create in [false, true] {
            let error = #expect(throws: EventLogError.self) { try open(scratch, create: create) }
            #expect(error?.code == .storeNotFound)
            #expect(error?.message.hasPrefix("\(dataFile.path) is empty, so there is no event store in \(scratch.url.path)") == true, "\(error?.message ?? "")")
            #expect((try FileManager.default.attributesOfItem(atPath: dataFile.path)[.size] as? NSNumber)?.intValue == 0)
        }
        var options = LMDBEventStore.Options()
        options.sync = false
        options.startsOverAnEmptyFile = true
        let store = try LMDBEventStore(directory: scratch.url, options: options)
        #expect(try store.head().position == .start)
        store.close()
    }

    /// A store asked for under a file, or in place of one, says which path is the file.
    @Test func aStoreUnderAFileSaysWhichPathIsTheFile() throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let file = scratch.url.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: file)
        for target in [file, file.appendingPathComponent("store"), file.appendingPathComponent("a/b")] {
            let error = #expect(throws: EventLogError.self) { try LMDBEventStore(directory: target) }
            #expect(error?.message == "cannot create \(target.path): \(file.path) is a file, not a folder; pass another --data", "\(error?.message ?? "")")
        }
    }

    @Test func openingWithoutCreateOnAnEmptyFolderSaysWhatToDo() {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        #expect {
            try open(scratch, create: false)
        } throws: { error in
            (error as? EventLogError)?.code == .storeNotFound
        }
    }
}
