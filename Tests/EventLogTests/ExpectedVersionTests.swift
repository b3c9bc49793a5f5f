import Testing

@testable import EventLog

/// The command-line and JSON Lines spellings of an expected version.
@Suite struct ExpectedVersionTests {
    @Test func theSpellingsOfAnExpectedVersionParse() {
        #expect(ExpectedVersion(parsing: "any") == .any)
        #expect(ExpectedVersion(parsing: "no-stream") == .noStream)
        #expect(ExpectedVersion(parsing: "noStream") == .noStream)
        #expect(ExpectedVersion(parsing: "0") == .noStream)
        #expect(ExpectedVersion(parsing: "12") == .exact(StreamVersion(12)))
    }

    /// An import line's number is a version when it is a whole number, written as
    /// serialisers that write floats write it (`3.0`, `3e0`), up to 2^64 - 1.
    @Test func anImportLinesWholeNumberIsAVersion() throws {
        for (text, expected) in [("3", 3), ("3.0", 3), ("3e0", 3), ("1e2", 100)] as [(String, UInt64)] {
            let line = #"{"stream":"customer-1","type":"ContactCreated","data":{},"expectedVersion":"# + text + "}"
            #expect(try ImportLine.parse(line, lineNumber: 1).event.expectedVersion == .exact(StreamVersion(expected)), "\(text)")
        }
        let largest = #"{"stream":"customer-1","type":"ContactCreated","data":{},"expectedVersion":18446744073709551615}"#
        #expect(try ImportLine.parse(largest, lineNumber: 1).event.expectedVersion == .exact(StreamVersion(UInt64.max)))
    }

    /// `UInt64("+1")` is 1: a sign, a space or anything but digits is refused here.
    @Test(arguments: ["+1", "-1", "+0", " 1", "1 ", "", "1.0", "0x1", "１"])
    func aVersionWithASignOrAnythingButDigitsIsRefused(text: String) {
        #expect(ExpectedVersion(parsing: text) == nil)
    }
}
