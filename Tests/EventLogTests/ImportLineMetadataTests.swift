import Foundation
import JSON
import Testing

@testable import EventLog

/// An import line's metadata is encoded once, from the object on the line, into the
/// same bytes the map would give; two keys a map would take for one are refused.
@Suite("Import line metadata")
struct ImportLineMetadataTests {
    @Test("a line's metadata object gives the record the bytes its map would")
    func objectAndMapEncodeAlike() throws {
        let parsed = try ImportLine.parse(
            #"{"stream":"customer-1","type":"EmailOpened","data":{"n":1},"metadata":{"ip":"203.0.113.34","client":"Apple \"Mail\"","z":"\u00e9"}}"#,
            lineNumber: 1)
        let event = parsed.event
        #expect(event.metadata == ["ip": "203.0.113.34", "client": #"Apple "Mail""#, "z": "é"])
        let fromMap = EventRecord.encodeMetadata(event.metadata)
        #expect(event.encodedMetadata == fromMap)
        #expect(EventRecord.encodeMetadata(of: event) == Array(#"{"client":"Apple \"Mail\"","ip":"203.0.113.34","z":"é"}"#.utf8))

        // An empty object and none at all both encode as nothing.
        let empty = try ImportLine.parse(#"{"stream":"customer-1","type":"EmailOpened","data":{},"metadata":{}}"#, lineNumber: 2).event
        #expect(EventRecord.encodeMetadata(of: empty).isEmpty)
        let none = try ImportLine.parse(#"{"stream":"customer-1","type":"EmailOpened","data":{}}"#, lineNumber: 3).event
        #expect(none.encodedMetadata == nil)
        #expect(EventRecord.encodeMetadata(of: none).isEmpty)
    }

    @Test("changing the metadata drops what the line encoded")
    func changedMetadataIsEncodedFromTheMap() throws {
        var event = try ImportLine.parse(#"{"stream":"customer-1","type":"EmailOpened","data":{},"metadata":{"a":"1"}}"#, lineNumber: 1).event
        event.metadata["b"] = "2"
        #expect(event.encodedMetadata == nil)
        #expect(EventRecord.encodeMetadata(of: event) == Array(#"{"a":"1","b":"2"}"#.utf8))
    }

    /// "é" precomposed and decomposed are two keys to JSON and one to a Swift
    /// dictionary, which kept one key with the other's value: such a line is refused,
    /// naming both keys' code points.
    @Test("keys a map would take for one are refused, not merged")
    func canonicallyEquivalentKeysAreRefused() throws {
        #expect {
            try ImportLine.parse(#"{"stream":"customer-1","type":"EmailOpened","data":{},"metadata":{"\u00e9":"1","e\u0301":"2"}}"#, lineNumber: 1)
        } throws: { error in
            (error as? ImportLineError)?.reason
                == #""metadata" has the keys "e\#u{301}" (U+0065 U+0301) and "\#u{e9}" (U+00E9), one text in two Unicode forms; write both in one form (NFC) and merge them"#
        }
    }

    @Test("an imported event's record is the record of the same event appended")
    func importedRecordMatchesAppended() async throws {
        let line = #"{"stream":"customer-9","type":"EmailOpened","data":{"n":1},"id":"0190a8d2-4c1e-7b3a-9f00-1234567890ab","metadata":{"ip":"203.0.113.34","client":"Mail"}}"#
        let parsed = try ImportLine.parse(line, lineNumber: 1)
        let appended = ProposedEvent(
            id: parsed.event.id, stream: "customer-9", type: "EmailOpened", data: ["n": .number(JSONNumber(1))],
            metadata: ["client": "Mail", "ip": "203.0.113.34"])
        let fromLine = try ProposedEvent.prepare([parsed.event], validator: nil, maxRecordBytes: 1 << 20)
        let fromAppend = try ProposedEvent.prepare([appended], validator: nil, maxRecordBytes: 1 << 20)
        #expect(fromLine.bytes == fromAppend.bytes)
    }
}
