import Foundation
import JSON
import Synchronization
import Testing

@testable import EventLog

/// An import's batches are cut by bytes as well as by events, so large events neither
/// make the append pass reserve room for 50,000 of them (tens of gigabytes, a crash
/// after earlier batches committed) nor hold more than the byte cap in memory.
@Suite("Import batches by bytes")
struct ImportBatchBytesTests {
    /// A line of `lead-(n % 3)` whose data holds `fields` strings of `size` bytes.
    static func line(_ n: Int, fields: Int, size: Int, _ extra: String = "") -> String {
        let data = (0..<fields).map { "\"f\(String(format: "%03d", $0))\": \"\(String(repeating: "x", count: size))\"" }.joined(separator: ", ")
        return "{\"stream\": \"lead-\(n % 3)\", \"type\": \"FormSubmitted\"\(extra), \"data\": {\"n\": \(n), \(data)}}"
    }

    /// An import target that appends to `store` and notes each batch's events and bytes.
    private final class RecordingTarget: ImportTarget, @unchecked Sendable {
        let store: any PreparedAppending
        let batches = Mutex<[(events: Int, bytes: Int)]>([])

        init(_ store: any PreparedAppending) { self.store = store }

        func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult {
            let size = (batch.count, batch.bytes.count)
            batches.withLock { $0.append(size) }
            return try await store.append(prepared: batch)
        }

        func head() throws(EventLogError) -> LogHead { try store.head() }
    }

    @Test("events of several hundred kilobytes import with the default options, and their export restores")
    func largeEventsImportAndRestoreWithDefaultOptions() async throws {
        // A first event of 600 KB: room for 50,000 like it would be 34 GB.
        let lines = [Self.line(0, fields: 60, size: 10_000), Self.line(1, fields: 2, size: 100)]
        let scratch = ScratchDirectory("large")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(to: scratch.file("large.jsonl"), atomically: true, encoding: .utf8)
        var options = EventImporter.Options()
        options.scratchDirectory = scratch.url
        #expect(options.batchSize == 50_000)
        var exported: [String] = []
        var sourceHead = LogHead(position: .start, hash: .genesis)
        try await withLMDBStore { source in
            let importer = EventImporter(store: source, validator: nil, options: options)
            let preview = try await importer.preview(url: scratch.file("large.jsonl"), displayName: "large.jsonl")
            #expect(preview.appended == 2)
            let summary = try await importer.importFile(at: scratch.file("large.jsonl"), displayName: "large.jsonl")
            #expect(summary.appended == 2)
            for event in try source.read(from: .start, direction: .forward, limit: 10) {
                var writer = JSONWriter()
                event.writeJSONLine(to: &writer)
                exported.append(String(decoding: writer.bytes, as: UTF8.self))
            }
            sourceHead = try source.head()
        }
        #expect(exported.count == 2)
        try exported.joined(separator: "\n").write(to: scratch.file("export.jsonl"), atomically: true, encoding: .utf8)
        try await withLMDBStore { target in
            let summary = try await EventImporter(store: target, validator: nil, options: options).importFile(at: scratch.file("export.jsonl"), displayName: "export.jsonl")
            #expect(summary.appended == 2)
            #expect(try target.head() == sourceHead)
        }
        #expect(try scratch.leftovers().isEmpty)
    }

    @Test("the room a batch reserves never passes the byte cap, however large its first block's events")
    func theReservationStaysWithinTheByteCap() {
        let options = EventImporter.Options()
        let importer = EventImporter(checkingWith: nil, options: options)
        // A first block of 6 events of 1 MB each (the largest an event can be).
        var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        importer.reserveBatch(&block, first: (events: 6, bytes: 6 << 20))
        #expect(block.batch.bytes.capacity >= 6 << 20)
        #expect(block.batch.bytes.capacity <= options.batchBytes + (64 << 10))
        // Small events, as the benchmark's: room for a whole batch of 50,000 and a block.
        var small = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        importer.reserveBatch(&small, first: (events: 900, bytes: 900 * 400))
        #expect(small.batch.bytes.capacity >= 50_900 * 400)
        #expect(small.batch.events.capacity >= 50_900)
        // A batch size no file reaches reserves no more.
        var huge = EventImporter.Options()
        huge.batchSize = .max
        var unbounded = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        EventImporter(checkingWith: nil, options: huge).reserveBatch(&unbounded, first: (events: 900, bytes: 900 * 400))
        #expect(unbounded.batch.bytes.capacity <= huge.batchBytes + (64 << 10))
    }

    @Test("a file whose records pass the byte cap is appended in more batches, each within the cap, and whole")
    func aFilePastTheByteCapIsCutIntoMoreBatches() async throws {
        // 40 events of about 10 KB (400 KB) against a cap of 64 KB; 50,000 events a batch.
        let lines = (0..<40).map { Self.line($0, fields: 1, size: 10_000) }
        var (scratch, options) = try ScratchDirectory.forImports("bytes", files: ["events.jsonl": lines], batchSize: 50_000)
        defer { scratch.cleanup() }
        options.batchBytes = 64 << 10
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let preview = try await importer.preview(url: scratch.file("events.jsonl"), displayName: "events.jsonl")
            let phases = PhaseLog()
            let summary = try await importer.importFile(at: scratch.file("events.jsonl"), displayName: "events.jsonl", progress: phases.record)
            #expect(summary.appended == 40)
            #expect(preview.appended == 40)
            #expect(preview.head == summary.head)
            #expect(try store.head().position == LogPosition(40))
            // Lines without ids into an empty store: nothing to plan.
            #expect(!phases.seen.contains(.planning))
            #expect(phases.reports(of: .appending) - 1 > 5, "\(phases.seen)")
            #expect(try scratch.leftovers().isEmpty)
        }
        // Through the append pass itself, to see each batch.
        try await withLMDBStore { store in
            let target = RecordingTarget(store as any PreparedAppending)
            let spool = scratch.file("events.spool")
            try Self.writeSpool(spool, lines: lines)
            let summary = try await EventImporter(store: store, validator: nil, options: options).appendSpool(
                spool, to: target, lines: 40, displayName: "events.jsonl", fileSize: 0, progress: nil)
            #expect(summary.appended == 40)
            let batches = target.batches.withLock { $0 }
            #expect(batches.count > 5, "\(batches)")
            #expect(batches.allSatisfy { $0.bytes <= options.batchBytes }, "\(batches)")
            #expect(batches.reduce(0) { $0 + $1.events } == 40)
            #expect(try store.head().position == LogPosition(40))
        }
    }

    @Test("a line the store would refuse, in a later batch cut by bytes, is found by the plan and appends nothing")
    func aRefusedLineInALaterBatchCutByBytesAppendsNothing() async throws {
        // Line 35 is on lead-1, which holds 11 events by then, not 3.
        var lines = (0..<40).map { Self.line($0, fields: 1, size: 10_000) }
        lines[34] = Self.line(34, fields: 1, size: 10_000, ", \"expectedVersion\": 3")
        var (scratch, options) = try ScratchDirectory.forImports("bytes", files: ["events.jsonl": lines], batchSize: 50_000)
        defer { scratch.cleanup() }
        options.batchBytes = 64 << 10
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let phases = PhaseLog()
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.importFile(at: scratch.file("events.jsonl"), displayName: "events.jsonl", progress: phases.record)
            }
            #expect(phases.seen == [.checking, .planning])
            #expect(failure?.problems.map(\.line) == [35])
            #expect(failure?.appended == 0)
            let head = try store.head().position
            #expect(head == .start)
        }
    }

    @Test("a CSV file whose records pass the byte cap is appended in more batches, as a JSON Lines file is")
    func aCSVFilePastTheByteCapIsCutIntoMoreBatches() async throws {
        // 40 rows of about 10 KB (400 KB) against a cap of 64 KB; 50,000 events a batch.
        // Chunks of 16 KB make spool blocks of a row or two, between which a batch ends.
        let mapping = try CSVMapping(
            yaml: """
                events:
                  - type: NoteAdded
                    stream: "customer-{Id}"
                    id: "note-{Id}"
                    data: { text: "{Text}" }
                """, file: "notes.yaml")
        let rows = ["Id,Text"] + (0..<40).map { "\($0),\(String(repeating: "x", count: 10_000))" }
        let (scratch, _) = try ScratchDirectory.forImports("csv-bytes", files: ["notes.csv": rows])
        defer { scratch.cleanup() }
        var options = CSVImporter.Options()
        options.scratchDirectory = scratch.url
        options.chunkSize = 16 << 10
        #expect(options.batchBytes == EventImporter.Options().batchBytes)
        /// Imports the file into an empty store; the batches it committed.
        func batches(_ options: CSVImporter.Options) async throws -> Int {
            var committed = 0
            try await withLMDBStore { store in
                let importer = CSVImporter(mapping: mapping, store: store, validator: nil, options: options)
                let preview = try await importer.preview(url: scratch.file("notes.csv"), displayName: "notes.csv")
                let phases = PhaseLog()
                let summary = try await importer.importFile(at: scratch.file("notes.csv"), displayName: "notes.csv", progress: phases.record)
                #expect(summary.appended == 40)
                #expect(preview.appended == 40)
                #expect(preview.head == summary.head)
                #expect(try store.head().position == LogPosition(40))
                // Ids from id keys into an empty store: nothing to plan.
                #expect(!phases.seen.contains(.planning))
                committed = phases.reports(of: .appending) - 1
            }
            #expect(try scratch.leftovers().isEmpty)
            return committed
        }
        #expect(try await batches(options) == 1)
        options.batchBytes = 64 << 10
        let cut = try await batches(options)
        #expect(cut > 5, "\(cut) batches")
    }

    /// A spool as a check pass writes it, a block of two lines at a time.
    private static func writeSpool(_ spool: URL, lines: [String]) throws {
        _ = FileManager.default.createFile(atPath: spool.path, contents: nil)
        let handle = try FileHandle(forWritingTo: spool)
        defer { try? handle.close() }
        for start in stride(from: 0, to: lines.count, by: 2) {
            var builder = ImportSpool.Builder()
            for n in start..<min(lines.count, start + 2) {
                builder.add(try ImportLine.parse(lines[n], lineNumber: n + 1), line: n + 1)
            }
            try builder.write(to: handle)
        }
    }
}
