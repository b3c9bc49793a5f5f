import Foundation
import Testing

@testable import EventLog

/// The import's line reader: whole lines with their numbers, whatever the chunk
/// boundaries; lines too long to be an event are skipped unread and reported by number.
@Suite("Line reader")
struct LineReaderTests {
    /// Every line of `text` read with `chunkSize`-byte reads and lines capped at
    /// `maxLine` bytes: (number, text) of each kept line, and the overlong line numbers.
    private func read(_ text: [UInt8], chunkSize: Int, maxLine: Int) throws -> (lines: [(Int, String)], overlong: [Int], offset: Int) {
        let scratch = ScratchDirectory("lines")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let file = scratch.url.appendingPathComponent("in.jsonl")
        try Data(text).write(to: file)
        var reader = try LineReader(url: file, chunkSize: chunkSize, maxLineBytes: maxLine)
        defer { reader.close() }
        var lines: [(Int, String)] = []
        var overlong: [Int] = []
        var offset = 0
        while let chunk = try reader.next() {
            for line in chunk.lines { lines.append((line.number, String(decoding: chunk.bytes[line.start..<line.end], as: UTF8.self))) }
            overlong += chunk.overlongLines
            offset = chunk.fileOffset
        }
        return (lines, overlong, offset)
    }

    @Test(arguments: [1, 3, 7, 16, 64, 4096])
    func longLinesAreSkippedAndNumberedAtEveryChunkSize(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 100)
        let text = "a\n\(long)\nbb\r\n\n\(long)\(long)\nccc\n\(long)"
        let (lines, overlong, offset) = try read(Array(text.utf8), chunkSize: chunkSize, maxLine: 40)
        #expect(lines.map(\.0) == [1, 3, 4, 6])
        #expect(lines.map(\.1) == ["a", "bb", "", "ccc"])
        #expect(overlong == [2, 5, 7])
        #expect(offset == text.utf8.count)
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() throws {
        let (lines, overlong, _) = try read([0xEF, 0xBB, 0xBF] + Array("{}\r\n{\"a\":1}".utf8), chunkSize: 2, maxLine: 40)
        #expect(lines.map(\.1) == ["{}", "{\"a\":1}"])
        #expect(overlong.isEmpty)
    }
}
