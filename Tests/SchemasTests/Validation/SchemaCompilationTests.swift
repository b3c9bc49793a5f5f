import JSON
import Testing

@testable import Schemas

/// Malformed schemas are refused when compiled, with the keyword's location.
@Suite struct SchemaCompilationTests {
    @Test(arguments: [
        (#"{"type": "strnig"}"#, "urn:ledgerline:schema#/type: must be a type name or an array of them"),
        (#"{"minLength": -1}"#, "urn:ledgerline:schema#/minLength: must be a non-negative integer"),
        (#"{"maxItems": 1.5}"#, "urn:ledgerline:schema#/maxItems: must be a non-negative integer"),
        (#"{"multipleOf": 0}"#, "urn:ledgerline:schema#/multipleOf: must be greater than 0"),
        (#"{"enum": "a"}"#, "urn:ledgerline:schema#/enum: must be an array"),
        (#"{"required": ["a", 1]}"#, "urn:ledgerline:schema#/required: must be an array of property names"),
        (#"{"allOf": []}"#, "urn:ledgerline:schema#/allOf: must be a non-empty array of schemas"),
        (#"{"items": [{"type": "string"}]}"#, "urn:ledgerline:schema#/items: must be a schema; use prefixItems for a tuple"),
        (#"{"properties": {"a": 1}}"#, "urn:ledgerline:schema#/properties/a: a schema must be an object or a boolean, found integer"),
        (#"{"$id": "https://x.test/a.json#frag"}"#, #"urn:ledgerline:schema#/$id: "https://x.test/a.json#frag" has a fragment; use $anchor to name a subschema"#),
    ])
    func malformedKeywordsAreRefusedWithTheirLocation(schema: String, message: String) throws {
        #expect {
            try Schema(parsing: schema)
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .invalidSchema && error.message == message
        }
    }

    @Test func anInvalidPatternNamesTheRegexProblem() {
        #expect {
            try Schema(parsing: #"{"properties": {"a": {"pattern": "^[a-z+$"}}}"#)
        } throws: { error in
            (error as! SchemaError).message
                == #"urn:ledgerline:schema#/properties/a/pattern: "^[a-z+$" is not a supported ECMA-262 regular expression: unterminated character class at offset 7"#
        }
    }

    @Test func unknownKeywordsAreIgnored() throws {
        let schema = try Schema(parsing: #"{"x-owner": "ops", "exclusiveMinimum": 0, "definitions": {"a": {"type": "string"}}}"#)
        #expect(schema.isValid(1))
        #expect(!schema.isValid(0))
    }

    @Test func aSchemaIsUsableFromManyThreadsAtOnce() async throws {
        let schema = try EventCatalog.embedded.schema(type: "OrderPlaced", version: 1)
        let good: JSONValue = ["customerId": "1", "quantity": 1, "amount": "1.00", "currency": "USD"]
        let bad: JSONValue = ["customerId": "1", "quantity": 1, "amount": "1,00", "currency": "USD"]
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    (0..<500).allSatisfy { _ in schema.isValid(good) && !schema.isValid(bad) && schema.violations(of: bad).count == 1 } || i < 0
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
