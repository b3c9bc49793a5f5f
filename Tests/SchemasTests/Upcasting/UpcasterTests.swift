import JSON
import Testing

@testable import Schemas

@Suite struct UpcasterTests {
    @Test func storedV1EventsAreReadAsV2() throws {
        let catalog = EventCatalog.embedded
        let stored: [JSONValue] = [
            ["dealId": "d-7", "from": "qualified", "to": "demo_done", "pipeline": "default", "reasonCode": "ADV", "changedBy": "user:u-jane"],
            ["dealId": "d-8", "from": "negotiation", "to": "closed_lost", "reasonCode": "OTH", "changedBy": "rule:stale-deals@2"],
            ["dealId": "d-9", "from": "new", "to": "qualified"],
        ]
        let expected: [JSONValue] = [
            ["dealId": "d-7", "fromStage": "qualified", "toStage": "demo_done", "pipeline": "default", "reason": "advanced", "changedBy": ["type": "user", "id": "u-jane"]],
            ["dealId": "d-8", "fromStage": "negotiation", "toStage": "closed_lost", "pipeline": "default", "reason": "other", "changedBy": ["type": "rule", "id": "stale-deals@2"]],
            ["dealId": "d-9", "fromStage": "new", "toStage": "qualified", "pipeline": "default"],
        ]
        for (event, want) in zip(stored, expected) {
            try catalog.validate(type: "DealStageChanged", version: 1, data: event)
            let (version, data) = try catalog.upcast(type: "DealStageChanged", from: 1, data: event)
            #expect(version == 2)
            #expect(data == want)
            try catalog.validate(type: "DealStageChanged", version: 2, data: data)
        }
    }

    @Test func anEventAtTheLatestVersionIsReturnedUnchanged() throws {
        let event: JSONValue = ["dealId": "d-1", "fromStage": "a", "toStage": "b", "pipeline": "p"]
        let (version, data) = try EventCatalog.embedded.upcast(type: "DealStageChanged", from: 2, data: event)
        #expect(version == 2 && data == event)
    }

    @Test func upcastersChainAcrossVersions() throws {
        let catalog = try EventCatalog(files: [
            ("Note.v1.json", #"{"$id": "https://x.test/Note.v1.json", "title": "Note v1", "description": "d", "examples": [{"text": "hi", "by": "Ada Lovelace"}]}"#),
            ("Note.v2.json", #"{"$id": "https://x.test/Note.v2.json", "title": "Note v2", "description": "d", "examples": [{"body": "hi"}], "required": ["body"]}"#),
            ("Note.v3.json", #"{"$id": "https://x.test/Note.v3.json", "title": "Note v3", "description": "d", "examples": [{"body": "hi", "author": {"first": "A", "last": "L"}, "lang": "en"}], "required": ["body", "lang"]}"#),
            ("Note.v1-to-v2.json", #"{"type": "Note", "from": 1, "to": 2, "operations": [{"op": "rename", "from": "/text", "to": "/body"}]}"#),
            ("Note.v2-to-v3.json", #"{"type": "Note", "from": 2, "to": 3, "operations": [{"op": "split", "from": "/by", "pattern": "^(\\S+)\\s+(.*)$", "into": ["/author/first", "/author/last"]}, {"op": "default", "path": "/lang", "value": "en"}]}"#),
        ])
        let (version, data) = try catalog.upcast(type: "Note", from: 1, data: ["text": "hello", "by": "Ada King Lovelace"])
        #expect(version == 3)
        #expect(data == ["body": "hello", "author": ["first": "Ada", "last": "King Lovelace"], "lang": "en"])
        #expect(catalog.check().isEmpty)
    }

    @Test func joinAndDropAndMapWithoutOtherwise() throws {
        let upcaster = try Upcaster(parsing: try JSONParser.parse(#"""
            {"type": "Contact", "from": 1, "to": 2, "operations": [
              {"op": "join", "from": ["/first", "/middle", "/last"], "separator": " ", "to": "/name"},
              {"op": "drop", "path": "/legacyFlag"},
              {"op": "map", "from": "/tier", "values": {"1": "gold", "2": "silver"}}]}
            """#), file: "Contact.v1-to-v2.json")
        #expect(try upcaster.apply(to: ["first": "Ada", "last": "Lovelace", "legacyFlag": true, "tier": 1]) == ["name": "Ada Lovelace", "tier": "gold"])
        #expect(try upcaster.apply(to: ["tier": 3]) == ["tier": 3])
    }

    @Test func aSplitThatDoesNotFitFailsNamingFileOperationAndPointer() throws {
        let upcaster = try #require(EventCatalog.embedded.upcaster(type: "DealStageChanged", from: 1))
        #expect {
            try upcaster.apply(to: ["dealId": "d", "from": "a", "to": "b", "changedBy": "system"])
        } throws: { error in
            (error as! SchemaError).message == "DealStageChanged.v1-to-v2.json: operation 4 (split) at /changedBy: expected 2 parts, found 1"
        }
    }

    @Test func checkRefusesAnUpcasterWhoseOutputDoesNotFitTheNewerSchema() throws {
        var files = try Repository.schemaFiles()
        let index = try #require(files.firstIndex { $0.name == "DealStageChanged.v1-to-v2.json" })
        // A broken upcaster: maps reason codes to values v2's enum does not allow.
        files[index].text = files[index].text.replacingOccurrences(of: #""ADV": "advanced""#, with: #""ADV": "moved_on""#)
        let problems = try EventCatalog(files: files).check()
        #expect(problems.map(\.description) == [
            #"DealStageChanged.v1-to-v2.json: example 0 of DealStageChanged.v1.json upcast to v2: /reason: expected one of "price", "timing", "competitor", "no_budget", "no_fit", "won", "advanced", "other""#
        ])
    }

    @Test func checkRefusesAnOlderVersionWithoutAnUpcaster() throws {
        let files = try Repository.schemaFiles().filter { $0.name != "DealStageChanged.v1-to-v2.json" }
        let problems = try EventCatalog(files: files).check().map(\.description)
        #expect(problems == ["DealStageChanged.v1.json: v1 cannot be upcast to v2: add DealStageChanged.v1-to-v2.json"])
        #expect {
            try EventCatalog(files: files).upcast(type: "DealStageChanged", from: 1, data: [:])
        } throws: { error in
            (error as! SchemaError).code == .upcastFailed
        }
    }

    @Test(arguments: [
        (#"{"type": "T", "from": 1, "to": 2, "operations": [{"op": "renam", "from": "/a", "to": "/b"}]}"#,
         #"T.v1-to-v2.json: /operations/0/op: unknown operation "renam"; did you mean "rename"?; use rename, default, map, split, join or drop"#),
        (#"{"type": "T", "from": 1, "to": 2, "operations": [{"op": "rename", "from": "a", "to": "/b"}]}"#,
         #"T.v1-to-v2.json: /operations/0/from: expected a JSON pointer such as "/field""#),
        (#"{"type": "T", "from": 2, "to": 1, "operations": []}"#,
         #"T.v1-to-v2.json: /to: expected the version it produces, greater than "from""#),
        (#"{"type": "T", "from": 1, "to": 2, "operations": [{"op": "split", "from": "/a", "pattern": "(x)", "into": ["/b", "/c"]}]}"#,
         #"T.v1-to-v2.json: /operations/0/pattern: has 1 capture groups but "into" names 2 fields"#),
    ])
    func malformedUpcastersAreRefusedWithFileAndPointer(text: String, message: String) throws {
        #expect {
            try Upcaster(parsing: try JSONParser.parse(text), file: "T.v1-to-v2.json")
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .invalidUpcaster && error.message == message
        }
    }
}
