import Foundation
import JSON
import Testing

@testable import EventLog

/// `recordedAt` never goes backward along the log: reads by time and `--as-of` find
/// where a time falls by a binary search, so `verify` checks the order and an import
/// refuses lines that give it out of order before appending anything.
@Suite struct RecordedTimeTests {
    /// A log whose chain holds but whose third event was recorded before the second
    /// (only builds that let an import give `recordedAt` out of order wrote these) fails
    /// `verify` at that event.
    @Test func verifyNamesAnEventRecordedBeforeTheOneBeforeIt() throws {
        let batch = try ProposedEvent.prepare((1...4).map { Fixture.contactCreated($0) }, validator: nil, maxRecordBytes: 1 << 20)
        let times: [Int64] = [2_000, 3_000, 1_000, 4_000]
        var previous = EventHash.genesis
        var records: [[UInt8]] = []
        for (index, event) in batch.events.enumerated() {
            var record = Array(batch.bytes[event.offset..<(event.offset + event.length)])
            previous = record.withUnsafeMutableBytes { bytes in
                EventRecord.seal(
                    bytes, position: LogPosition(UInt64(index + 1)), version: StreamVersion(1), recordedAt: Timestamp(rawValue: times[index]),
                    given: event.given, previous: previous)
            }
            records.append(record)
        }
        let report = try LMDBEventStore.verifyChain(head: LogHead(position: LogPosition(4), hash: previous), progress: nil) { visit in
            for (index, record) in records.enumerated() {
                guard record.withUnsafeBytes({ visit(UInt64(index + 1), $0) }) else { return }
            }
        }
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == LogPosition(3))
        #expect(report.verifiedEvents == 2)
        #expect(
            report.problem?.hasPrefix(
                "the event was recorded at 1970-01-01T00:00:00.001Z, before the event at position 2 (1970-01-01T00:00:00.003Z); recordedAt never goes backward") == true,
            "\(report.problem ?? "")")
    }

    /// Lines that give `recordedAt` (an export's do) must give it in order, and not
    /// after the clock: each line that goes back is named with the line it goes back
    /// from, across the check pass's parallel parts and chunks, and nothing is appended.
    @Test func anImportRefusesLinesWhoseRecordedAtGoesBackward() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        // 3,000 lines a second apart, but for two that go back: one among its
        // neighbours, and one by more than an hour to before a line far earlier.
        let start = Timestamp(rfc3339: "2026-11-01T00:00:00Z")!.rawValue
        var lines: [String] = []
        for n in 1...3_000 {
            var seconds = Int64(n)
            if n == 1_200 { seconds = 1_198 }
            if n == 2_900 { seconds = 100 }
            let time = Timestamp(rawValue: start + seconds * 1_000_000)
            lines.append(#"{"stream":"customer-\#(n % 7)","type":"ContactCreated","data":{"customerId":"\#(n % 7)"},"recordedAt":"\#(time)"}"#)
        }
        lines.insert(#"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1"}}"#, at: 10)  // gives none: not compared
        lines.append(#"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1"},"recordedAt":"2100-01-01T00:00:00Z"}"#)  // after the clock
        let file = scratch.url.appendingPathComponent("restore.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)

        var options = EventImporter.Options()
        options.scratchDirectory = scratch.url
        var storeOptions = LMDBEventStore.Options()
        storeOptions.sync = false
        let store = try LMDBEventStore(directory: scratch.url.appendingPathComponent("store"), options: storeOptions)
        defer { store.close() }
        let failure = await #expect(throws: ImportFailure.self) {
            try await EventImporter(store: store, validator: nil, options: options).importFile(at: file, displayName: "restore.jsonl")
        }
        // Line numbers count the inserted line 11.
        #expect(failure?.problems.map(\.line) == [1_201, 2_901, 3_002])
        #expect(
            failure?.problems.first?.reason
                == "recordedAt 2026-11-01T00:19:58Z is earlier than line 1200's (2026-11-01T00:19:59Z): recordedAt never goes backward in the log, "
                + "so lines that give it must give it in order, as an export does; give when an event happened as occurredAt instead")
        #expect(failure?.problems[1].reason.hasPrefix("recordedAt 2026-11-01T00:01:40Z is earlier than line 2900's (2026-11-01T00:48:19Z)") == true)
        #expect(failure?.problems[2].reason.hasPrefix("recordedAt 2100-01-01T00:00:00Z is later than this machine's clock (") == true)
        #expect(failure?.appended == 0)
        #expect(try store.head().position == .start)
    }
}
