import Foundation
import Testing

@testable import EventLog

/// The reader: RFC 4180 quoting, line ends, a BOM, other delimiters, physical line
/// numbers, and the same records whatever the chunk size.
@Suite struct CSVReaderTests {
    /// Every record of `text` as (line, fields), read `chunkSize` bytes at a time.
    private func records(
        _ text: String, dialect: CSVDialect = CSVDialect(), chunkSize: Int = 1 << 20
    ) throws -> [(line: Int, fields: [String], problem: String?)] {
        try records(Array(text.utf8), dialect: dialect, chunkSize: chunkSize)
    }

    private func records(
        _ bytes: [UInt8], dialect: CSVDialect = CSVDialect(), chunkSize: Int = 1 << 20, maxRecordBytes: Int = 8 << 20
    ) throws -> [(line: Int, fields: [String], problem: String?)] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = try CSVReader(url: url, dialect: dialect, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        defer { reader.close() }
        var out: [(line: Int, fields: [String], problem: String?)] = []
        while let chunk = try reader.next() {
            for (i, record) in chunk.records.enumerated() {
                out.append((record.line, chunk.texts(record).map { $0 ?? "<invalid>" }, chunk.problems[i]))
            }
        }
        return out
    }

    @Test func quotedFieldsHoldDelimitersLineBreaksAndDoubledQuotes() throws {
        let text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n3,,\"\"\n"
        let got = try records(text)
        #expect(got.map(\.line) == [1, 2, 3, 5])
        #expect(
            got.map(\.fields) == [
                ["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""], ["3", "", ""],
            ])
        #expect(got.allSatisfy { $0.problem == nil })
    }

    @Test func crlfLineEndsAByteOrderMarkAndAMissingFinalNewlineReadAlike() throws {
        let unix = try records("id,name\n1,Ana\n2,\"B\nC\"\n3,Cy\n")
        let windows = try records([0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,Ana\r\n2,\"B\nC\"\r\n3,Cy".utf8))
        #expect(windows.map(\.fields) == unix.map(\.fields))
        #expect(windows.map(\.line) == unix.map(\.line))
        #expect(windows[0].fields == ["id", "name"])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let got = try records("a,b\n\n1,2\n   \n\r\n3,4\n\n")
        #expect(got.map(\.line) == [1, 3, 6])
        #expect(got.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test func semicolonsAndTabsDelimitWhenAsked() throws {
        var dialect = CSVDialect()
        dialect.delimiter = .character(UInt8(ascii: ";"))
        #expect(
            try records("age;\"job\"\n56;\"house;maid\"\n", dialect: dialect).map(\.fields) == [
                ["age", "job"], ["56", "house;maid"],
            ])
        dialect.delimiter = .character(0x09)
        #expect(try records("a\tb\n1,5\t2\n", dialect: dialect).map(\.fields) == [["a", "b"], ["1,5", "2"]])
    }

    @Test func runsOfWhitespaceDelimitWhenAsked() throws {
        var dialect = CSVDialect()
        dialect.delimiter = .whitespace
        let got = try records(
            " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n\t00002 19970112 1 \"12.00\"  \r\n",
            dialect: dialect)
        #expect(
            got.map(\.fields) == [
                ["customer_id", "date", "number_of_cds", "dollar_value"], ["00001", "19970101", "1", "11.77"],
                ["00002", "19970112", "1", "12.00"],
            ])
    }

    @Test func badQuotingIsReportedOnTheRecordAndReadingGoesOn() throws {
        let got = try records("a,b\n\"x\"y,2\n3,4\n5,\"never closed\n6,7\n")
        #expect(got.count == 4)
        #expect(got[1].problem?.contains("text after the closing quote") == true)
        #expect(got[2].problem == nil)
        #expect(got[2].fields == ["3", "4"])
        #expect(got[3].line == 4)
        #expect(got[3].problem?.contains("never closed") == true)
    }

    /// A quote never closed turns the rest of the file into one field. Once that record
    /// passes the limit it is reported at the line it started on and reading stops,
    /// instead of the whole file being held (and re-scanned at every read).
    @Test(arguments: [1, 5, 64])
    func aRecordThatNeverEndsIsReportedAtItsFirstLineAndReadingStops(chunkSize: Int) throws {
        let text = "id,name\n1,Ana\n2,\"Bo\n" + (3..<200).map { "\($0),Name \($0)\n" }.joined()
        let got = try records(Array(text.utf8), chunkSize: chunkSize, maxRecordBytes: 256)
        #expect(got.map(\.line) == [1, 2, 3])
        #expect(got.prefix(2).allSatisfy { $0.problem == nil })
        #expect(
            got.last?.problem
                == "the record starting on this line runs past 256 bytes without ending: most likely a quoted field opened on it is never closed (a quote inside a quoted field is written twice, \"\"); the rest of the file was not read")
        #expect(got.last?.fields == [])
        // A long record that does end is read whole.
        let long = "id,note\n1,\"" + String(repeating: "x\n", count: 100) + "\"\n2,y\n"
        let whole = try records(Array(long.utf8), chunkSize: chunkSize, maxRecordBytes: 256)
        #expect(whole.map(\.line) == [1, 2, 103])
        #expect(whole.allSatisfy { $0.problem == nil })
    }

    /// Without a quote left open, the reason is not a quote: old Mac line ends, or a
    /// field longer than any event.
    @Test(arguments: [
        ("id,name\r1,Ana\r" + String(repeating: "2,Bo\r", count: 100), "its lines end in a carriage return alone"),
        ("id,name\n1," + String(repeating: "x", count: 600) + "\n", "no line break ends it, and no event could hold a record this long"),
    ])
    func aRecordThatNeverEndsWithoutAnOpenQuoteSaysWhy(text: String, cause: String) throws {
        let got = try records(Array(text.utf8), chunkSize: 64, maxRecordBytes: 256)
        let problem = try #require(got.last?.problem)
        #expect(problem.hasPrefix("the record starting on this line runs past 256 bytes without ending: \(cause)"), "\(problem)")
        #expect(!problem.contains("quote"), "\(problem)")
        #expect(problem.hasSuffix("; the rest of the file was not read"))
    }

    @Test func aQuoteInsideAnUnquotedFieldIsKept() throws {
        #expect(try records("a,b\n5\" disk,2\n").last?.fields == ["5\" disk", "2"])
    }

    @Test func invalidUTF8IsReportedAsNoText() throws {
        let got = try records(Array("a,b\n".utf8) + [0x63, 0xE9, 0x2C, 0x31, 0x0A])
        #expect(got[1].fields == ["<invalid>", "1"])
    }

    /// Seeded random files with every kind of field, read with chunks from 1 byte up:
    /// the records and their lines never depend on where a chunk ends.
    @Test func recordsDoNotDependOnTheChunkSize() throws {
        var rng = SeededGenerator(seed: 42)
        let pieces = [
            "plain", "", "with space", "\"quoted, comma\"", "\"two\nlines\"", "\"a \"\"quote\"\"\"", "\"\"", "ümlaut",
            "x\r",
        ]
        for _ in 0..<20 {
            var text = rng.next() % 2 == 0 ? "\u{FEFF}" : ""
            for _ in 0..<(Int(rng.next() % 12) + 1) {
                let fields = (0..<3).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }
                text += fields.joined(separator: ",") + (rng.next() % 3 == 0 ? "\r\n" : "\n")
                if rng.next() % 5 == 0 { text += "\n" }
            }
            let whole = try records(text)
            for size in [1, 2, 3, 5, 8, 13, 64] {
                let chunked = try records(text, chunkSize: size)
                #expect(chunked.map(\.line) == whole.map(\.line), "chunk size \(size): \(text.debugDescription)")
                #expect(chunked.map(\.fields) == whole.map(\.fields), "chunk size \(size): \(text.debugDescription)")
            }
        }
    }
}
