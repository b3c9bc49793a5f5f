import EventLog
import Testing

/// The command-line and JSON Lines spellings of an expected version.
@Suite struct ExpectedVersionTests {
    @Test func theSpellingsOfAnExpectedVersionParse() {
        #expect(ExpectedVersion(parsing: "any") == .any)
        #expect(ExpectedVersion(parsing: "no-stream") == .noStream)
        #expect(ExpectedVersion(parsing: "noStream") == .noStream)
        #expect(ExpectedVersion(parsing: "0") == .noStream)
        #expect(ExpectedVersion(parsing: "12") == .exact(StreamVersion(12)))
    }

    /// `UInt64("+1")` is 1: a sign, a space or anything but digits is refused here.
    @Test(arguments: ["+1", "-1", "+0", " 1", "1 ", "", "1.0", "0x1", "１"])
    func aVersionWithASignOrAnythingButDigitsIsRefused(text: String) {
        #expect(ExpectedVersion(parsing: text) == nil)
    }
}
