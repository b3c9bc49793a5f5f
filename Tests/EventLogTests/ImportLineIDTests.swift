import Foundation
import Testing

@testable import EventLog

/// A line without an id gets one derived from its line number and bytes. Re-running an
/// import relies on the same line always getting the same id, in every release, so the
/// ids are pinned here to values computed outside Swift (Python's hashlib):
/// SHA-256 of `ledgerline-import-line:N:` followed by the line, as a version 8 UUID whose
/// first 48 bits are N.
@Suite("Import line ids")
struct ImportLineIDTests {
    let line = #"{"stream":"customer-1","type":"PageVisited","data":{"url":"https://example.com/"}}"#

    @Test("a line's derived id is the pinned one, for short and long line numbers", arguments: [
        (1, "00000000-0001-8947-a467-4865017edf6d"),
        (10, "00000000-000a-8da8-9404-d625a77c5759"),
        (123_456_789, "0000075b-cd15-8058-8286-43fbe1832ad1"),
    ])
    func derivedIDIsStable(lineNumber: Int, expected: String) {
        var bytes = Array(line.utf8)
        let id = bytes.withUnsafeMutableBufferPointer { ImportLine.derivedID(UnsafeBufferPointer($0), lineNumber: lineNumber) }
        #expect(id.description == expected)
        // The same name given whole, not in parts, gives the same id.
        #expect(EventID.derived(ordinal: UInt64(lineNumber), from: Array("ledgerline-import-line:\(lineNumber):".utf8) + bytes) == id)
    }

    @Test("the parsed line carries the derived id, and a given id wins")
    func parsedLineUsesDerivedID() throws {
        let parsed = try ImportLine.parse(line, lineNumber: 10)
        #expect(parsed.event.id?.description == "00000000-000a-8da8-9404-d625a77c5759")
        let withID = try ImportLine.parse(#"{"id":"0190a8d2-4c1e-7b3a-9f00-1234567890ab","stream":"customer-1","type":"PageVisited","data":{}}"#, lineNumber: 10)
        #expect(withID.event.id?.description == "0190a8d2-4c1e-7b3a-9f00-1234567890ab")
    }
}
