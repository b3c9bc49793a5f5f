import Testing

@testable import JSON

@Suite struct JSONObjectWithMembersTests {
    @Test func membersAreLentInCanonicalOrder() throws {
        guard case .object(let object) = try JSONParser.parse(#"{"b": 2, "a": [1], "é": null}"#) else {
            Issue.record("expected an object")
            return
        }
        let keys = object.withMembers { buffer in buffer.map(\.key) }
        #expect(keys == ["a", "b", "é"])
        #expect(object.withMembers { $0[1].value } == 2)
        #expect(JSONObject().withMembers(\.count) == 0)
    }
}
