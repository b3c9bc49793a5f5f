import Foundation
import Synchronization
import Testing

@testable import EventLog

/// An import's planning phase: when a batch after the first holds a line the store
/// could refuse for what it holds, every batch is planned before anything is appended,
/// so such a line appends nothing.
@Suite("Import plans")
struct ImportPlanTests {
    static let id = Fixture.importLineID

    /// A line of `customer-(n % 7)`; `extra` goes after its data.
    static func line(_ n: Int, givesID: Bool = false, _ extra: String = "") -> String {
        "{\"stream\": \"customer-\(n % 7)\", \"type\": \"ContactUpdated\"\(givesID ? ", \"id\": \"\(id(n))\"" : ""), \"data\": {\"n\": \(n)}\(extra)}"
    }

    /// Lines already in the store for the cases that need some: another stream, other ids.
    static let stored = (0..<5).map { "{\"stream\": \"customer-99\", \"type\": \"ContactUpdated\", \"id\": \"\(id(5_000 + $0))\", \"data\": {\"n\": \($0)}}" }

    /// Files imported in batches of 100, whether the import plans them first, and what
    /// it appends.
    static let cases: [(name: String, stored: Bool, file: [String], plans: Bool, appended: Int)] = {
        let derived = (0..<300).map { line($0) }
        let given = (0..<300).map { line($0, givesID: true) }
        var repeated = given
        repeated[250] = given[10]
        var expecting = derived
        // customer-3 holds lines 3, 10, …, 248 by then: 36 events.
        expecting[255] = line(255, ", \"expectedVersion\": 36")
        // Of lines 200–299 alone, customer-3 holds lines 206, 213, …, 248 by then.
        var single = Array(derived[200...])
        single[55] = line(255, ", \"expectedVersion\": 7")
        let recorded = (0..<300).map { line($0, ", \"recordedAt\": \"2024-01-01T00:00:\(String(format: "%02d", $0 / 10))Z\"") }
        return [
            ("lines without ids into a store holding events", true, derived, false, 300),
            ("lines giving ids into an empty store", false, given, false, 300),
            ("lines giving ids into a store holding events", true, given, true, 300),
            ("an id given twice, unchanged, into an empty store", false, repeated, true, 299),
            ("an expected version in the only batch", false, single, false, 100),
            ("an expected version in a later batch", false, expecting, true, 300),
            ("lines giving recordedAt, as a restore's do", false, recorded, true, 300),
        ]
    }()

    @Test("an import plans first only when a later batch holds a line the store could refuse", arguments: 0..<cases.count)
    func anImportPlansFirstOnlyWhenNeeded(index: Int) async throws {
        let example = Self.cases[index]
        let (scratch, options) = try ScratchDirectory.forImports("plan", files: ["events.jsonl": example.file, "stored.jsonl": Self.stored])
        defer { scratch.cleanup() }
        let file = scratch.file("events.jsonl")
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            if example.stored { _ = try await importer.importFile(at: scratch.file("stored.jsonl"), displayName: "stored.jsonl") }
            let before = try store.head().position
            let preview = try await importer.preview(url: file, displayName: "events.jsonl")
            let phases = PhaseLog()
            let summary = try await importer.importFile(at: file, displayName: "events.jsonl", progress: phases.record)
            let seen = phases.seen
            #expect(seen == (example.plans ? [.checking, .planning, .appending] : [.checking, .appending]), "\(example.name)")
            #expect((summary.planSeconds > 0) == example.plans, "\(example.name)")
            #expect(summary.planSeconds < summary.seconds - summary.checkSeconds, "\(example.name)")
            #expect(summary.appended == example.appended, "\(example.name)")
            #expect(summary.duplicates == example.file.count - example.appended, "\(example.name)")
            #expect(try store.head().position.rawValue == before.rawValue + UInt64(example.appended), "\(example.name)")
            // The dry run, which keeps planned ids only when some may repeat, agrees.
            #expect(preview.appended == summary.appended, "\(example.name)")
            #expect(preview.duplicates == summary.duplicates, "\(example.name)")
            #expect(preview.head == summary.head, "\(example.name)")
            #expect(try scratch.leftovers().isEmpty)
        }
    }

    @Test("a plan finding every line stored appends nothing and skips the append pass")
    func aPlanFindingEveryLineStoredSkipsTheAppendPass() async throws {
        let (scratch, options) = try ScratchDirectory.forImports("plan", files: ["events.jsonl": (0..<300).map { Self.line($0, givesID: true) }])
        defer { scratch.cleanup() }
        let file = scratch.file("events.jsonl")
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let first = try await importer.importFile(at: file, displayName: "events.jsonl")
            #expect(first.appended == 300)
            let phases = PhaseLog()
            let again = try await importer.importFile(at: file, displayName: "events.jsonl", progress: phases.record)
            #expect(phases.seen == [.checking, .planning])
            #expect(again.appended == 0)
            #expect(again.duplicates == 300)
            #expect(again.head == first.head)
            #expect(try store.head().position == first.head)
        }
    }

    /// An import target over `store` that runs `beforeSecondBatch` just before it
    /// appends the importer's second batch; the batch fails with the error it returns.
    private final class SecondBatchTarget: ImportTarget, @unchecked Sendable {
        let store: any PreparedAppending
        let beforeSecondBatch: @Sendable (any PreparedAppending) async -> EventLogError?
        private let batches = Mutex(0)

        init(_ store: any PreparedAppending, beforeSecondBatch: @escaping @Sendable (any PreparedAppending) async -> EventLogError?) {
            self.store = store
            self.beforeSecondBatch = beforeSecondBatch
        }

        func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult {
            if batches.withLock({ $0 += 1; return $0 }) == 2, let error = await beforeSecondBatch(store) { throw error }
            return try await store.append(prepared: batch)
        }

        func head() throws(EventLogError) -> LogHead { try store.head() }
    }

    /// A spool as a check pass writes it: 300 lines in three blocks of 100, line `n + 1`
    /// (from 0) being `line(n)`.
    private static func writeSpool(_ spool: URL, line: (Int) -> String) throws {
        _ = FileManager.default.createFile(atPath: spool.path, contents: nil)
        let handle = try FileHandle(forWritingTo: spool)
        defer { try? handle.close() }
        for block in 0..<3 {
            var builder = ImportSpool.Builder()
            for n in (block * 100)..<(block * 100 + 100) {
                builder.add(try ImportLine.parse(line(n), lineNumber: n + 1), line: n + 1)
            }
            try builder.write(to: handle)
        }
    }

    @Test("a batch overtaken by an append from elsewhere after the plan is refused, and the message says what was appended")
    func aBatchOvertakenAfterThePlanIsRefused() async throws {
        let (scratch, options) = try ScratchDirectory.forImports("plan")
        defer { scratch.cleanup() }
        // Line 252 expects customer-1 to hold the 125 events of the odd lines before it.
        let spool = scratch.file("events.spool")
        try Self.writeSpool(spool) { n in
            "{\"stream\": \"customer-\(n % 2)\", \"type\": \"ContactUpdated\", \"data\": {\"n\": \(n)}\(n == 251 ? ", \"expectedVersion\": 125" : "")}"
        }
        try await withLMDBStore { store in
            let interloper = Fixture.event("customer-1", "ContactUpdated", ["n": -1])
            let target = SecondBatchTarget(store as any PreparedAppending) { store in
                do throws(EventLogError) {
                    _ = try await store.append([interloper])
                    return nil
                } catch {
                    return error
                }
            }
            let importer = EventImporter(store: store, validator: nil, options: options)
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.appendSpool(spool, to: target, lines: 300, displayName: "events.jsonl", fileSize: 0, progress: nil)
            }
            #expect(failure?.problems.map(\.line) == [252])
            #expect(failure?.problems.first?.reason.contains("expected version 125") == true, "\(String(describing: failure))")
            #expect(failure?.appended == 200)
            #expect(failure?.isConflict == true, "a conflict (exit 75), as for `append`, not a bad file")
            // The line's reason is said of the line: not the store's "nothing was appended" for one append.
            #expect(failure?.problems.first?.reason == "stream customer-1 is at version 126 but the line expected version 125")
            #expect(
                failure?.description.hasSuffix(
                    "events.jsonl: 200 events were appended before this: the store changed after the import planned its batches (another writer appended meanwhile); "
                        + "fix the line and run the same import again — lines already stored are skipped") == true, "\(String(describing: failure))")
            // The first two batches and the interloper.
            let head = try store.head().position
            #expect(head == LogPosition(201))
        }
    }

    @Test(
        "a batch that fails for no line's reason names the lines it held, and says what was appended",
        arguments: [(EventImporter.Phase.appending, 100), (.planning, 0)])
    func aBatchFailingForNoLinesReason(phase: EventImporter.Phase, appended: Int) async throws {
        let (scratch, options) = try ScratchDirectory.forImports("failing")
        defer { scratch.cleanup() }
        let spool = scratch.file("events.spool")
        try Self.writeSpool(spool) { n in "{\"stream\": \"customer-\(n % 7)\", \"type\": \"ContactUpdated\", \"data\": {\"n\": \(n)}}" }
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.appendSpool(
                    spool, to: SecondBatchTarget(store as any PreparedAppending) { _ in EventLogError(.storage, "the disk went away") }, lines: 300, displayName: "events.jsonl", fileSize: 0, phase: phase, progress: nil)
            }
            let doing = phase == .appending ? "appending" : "planning"
            #expect(failure?.lines == ["events.jsonl: \(doing) lines 101–200 failed: the disk went away"])
            #expect(failure?.appended == appended)
            let ending = appended > 0
                ? "events.jsonl: 100 events were appended before this; run the same import again once that is fixed — lines already stored are skipped"
                : "events.jsonl: nothing was appended; run the import again once that is fixed"
            #expect(failure?.description.hasSuffix(ending) == true, "\(String(describing: failure))")
        }
    }
}
