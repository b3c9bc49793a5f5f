import Foundation
import Testing

@testable import EventLog

/// The import's scratch file: blocks written by the check pass are read back, straight
/// into the batch being filled, exactly as they were built; a damaged or cut-short file
/// is refused with a message, never read as events.
@Suite("Import spool")
struct ImportSpoolTests {
    /// Two blocks (the second with an export line's claims) in a fresh spool file.
    private func writeSpool(_ url: URL) throws -> [ImportSpool.Builder] {
        var first = ImportSpool.Builder()
        first.add(try ImportLine.parse(#"{"stream":"customer-1","type":"PageVisited","data":{"url":"/pricing"}}"#, lineNumber: 1), line: 1)
        first.add(try ImportLine.parse(#"{"stream":"customer-2","type":"PageVisited","data":{"url":"/"},"expectedVersion":"no-stream","actor":"web"}"#, lineNumber: 2), line: 2)
        var second = ImportSpool.Builder()
        second.reserve(lines: 1, bytes: 200)
        let hash = String(repeating: "ab", count: 32)
        second.add(
            try ImportLine.parse(#"{"stream":"customer-1","type":"EmailOpened","data":{"n":1},"expectedVersion":1,"seq":3,"version":2,"hash":"\#(hash)"}"#, lineNumber: 7),
            line: 7)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try first.write(to: handle)
        try second.write(to: handle)
        try handle.close()
        return [first, second]
    }

    private func scratchFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-test-\(UUID().uuidString)")
    }

    @Test("blocks read back into one batch keep every template, line, expectation and claim")
    func roundTrip() throws {
        let url = scratchFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let builders = try writeSpool(url)
        var reader = try ImportSpool.Reader(url: url)
        defer { reader.close() }
        var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        #expect(try reader.next(appendingTo: &block))
        #expect(try reader.next(appendingTo: &block))
        #expect(try reader.next(appendingTo: &block) == false)

        let expected = builders.flatMap { builder in builder.batch.events.indices.map { builder.batch.withTemplate($0) { Array($0) } } }
        #expect(block.batch.count == 3)
        #expect(block.batch.events.indices.map { block.batch.withTemplate($0) { Array($0) } } == expected)
        #expect(block.lines == [1, 2, 7])
        #expect(block.batch.events.map(\.stream.rawValue) == ["customer-1", "customer-2", "customer-1"])
        #expect(block.batch.events.map(\.type.rawValue) == ["PageVisited", "PageVisited", "EmailOpened"])
        #expect(block.batch.events.map(\.expectedVersion) == [.any, .noStream, .exact(StreamVersion(1))])
        #expect(block.batch.events.map(\.id) == builders.flatMap { $0.batch.events.map(\.id) })
        #expect(block.batch.events.map(\.claimedPosition) == [0, 0, 3])
        #expect(block.batch.events.map(\.claimedVersion) == [0, 0, 2])
        #expect(block.batch.events.map(\.claimedHash) == [nil, nil, EventHash(hex: String(repeating: "ab", count: 32))])
    }

    @Test("a spool cut short is refused, not read as fewer events")
    func truncatedSpool() throws {
        let url = scratchFile()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try writeSpool(url)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(size - 10))
        try handle.close()

        var reader = try ImportSpool.Reader(url: url)
        defer { reader.close() }
        var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        #expect(try reader.next(appendingTo: &block))
        let bytesRead = block.batch.bytes.count
        let error = #expect(throws: EventLogError.self) { try reader.next(appendingTo: &block) }
        #expect(error?.message.contains("ends early") == true)
        #expect(error?.message.contains("run the import again") == true)
        // Nothing of the cut block is left in the batch.
        #expect(block.batch.bytes.count == bytesRead)
        #expect(block.batch.count == 2)
    }

    @Test("a spool whose block header is damaged is refused")
    func damagedSpool() throws {
        let url = scratchFile()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try writeSpool(url)
        var bytes = try Data(contentsOf: url)
        bytes[0] ^= 0xFF
        try bytes.write(to: url)

        var reader = try ImportSpool.Reader(url: url)
        defer { reader.close() }
        var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        let error = #expect(throws: EventLogError.self) { try reader.next(appendingTo: &block) }
        #expect(error?.message.contains("damaged") == true)
        #expect(block.batch.isEmpty)
    }
}
