import JSON
import Testing

@testable import Schemas

/// What a rejected payload's message says, for each class of error: the pointer into
/// the instance, the keyword and its schema location, and what was expected.
@Suite struct ViolationMessageTests {
    static let catalog = EventCatalog.embedded
    static let common = "https://ledgerline.dev/schemas/common.json#/$defs"

    func violations(_ type: String, _ json: String, version: Int = 1) throws -> [SchemaViolation] {
        let data = try JSONParser.parse(json)
        do {
            try Self.catalog.validate(type: type, version: version, data: data)
            return []
        } catch {
            #expect(error.code == .invalidPayload)
            #expect(error.message == SchemaError.invalidPayload(error.violations).message)
            return error.violations
        }
    }

    @Test func aBadMoneyAmountNamesThePointerAndThePattern() throws {
        let found = try violations("OrderPlaced", #"{"customerId": "00001", "quantity": 1, "amount": 11.77, "currency": "USD"}"#)
        #expect(found.map(\.description) == ["/data/amount: expected string, found number"])
        let pattern = try violations("OrderPlaced", #"{"customerId": "00001", "quantity": 1, "amount": "11,77", "currency": "USD"}"#)
        #expect(pattern.map(\.description) == [#"/data/amount: expected string matching ^[0-9]+(\.[0-9]+)?$"#])
        #expect(pattern.first?.keyword == "pattern")
        #expect(pattern.first?.schemaLocation == "\(Self.common)/nonNegativeMoney/pattern")
        #expect(pattern.first?.instanceLocation == "/data/amount")
    }

    @Test func missingRequiredPropertiesAreEachNamed() throws {
        let found = try violations("OrderPlaced", #"{"customerId": "00001", "quantity": 1}"#)
        #expect(found.map(\.description) == [#"/data: missing required property "amount""#, #"/data: missing required property "currency""#])
        #expect(found.first?.schemaLocation == "https://ledgerline.dev/schemas/OrderPlaced.v1.json#/required")
    }

    @Test func anUnknownPropertySuggestsTheClosestKnownOne() throws {
        let found = try violations("DealWon", #"{"dealId": "d-1", "ammount": "10.00", "amount": "10.00", "currency": "EUR"}"#)
        #expect(found.map(\.description) == [#"/data/ammount: unexpected property; did you mean "amount"?"#])
        #expect(found.first?.keyword == "additionalProperties")
        let plain = try violations("DealWon", #"{"dealId": "d-1", "amount": "10.00", "currency": "EUR", "zzz": 1}"#)
        #expect(plain.map(\.description) == ["/data/zzz: unexpected property (additionalProperties is false)"])
    }

    @Test func formatsAreAssertedInTheCatalog() throws {
        let found = try violations("EmailSent", #"{"emailId": "e-1", "customerId": "c-1", "messageId": "<a@b>", "to": "not-an-address"}"#)
        #expect(found.map(\.description) == [#"/data/to: expected an email address (format "email")"#])
        let time = try violations("TimerFired", #"{"timerId": "t", "ruleName": "r", "ruleVersion": 1, "enrollmentId": "e", "step": 0, "scheduledFor": "2024-05-07 09:00", "firedAt": "2024-05-07T07:00:02Z"}"#)
        #expect(time.map(\.description) == [#"/data/scheduledFor: expected an RFC 3339 date-time such as 2024-05-01T09:30:00Z (format "date-time")"#])
    }

    @Test func enumConstAndBounds() throws {
        let found = try violations("TaskCancelled", #"{"taskId": "t-1", "reason": "bored"}"#)
        #expect(found.map(\.description) == [#"/data/reason: expected one of "obsolete", "duplicate", "rule_exited", "rule_disabled", "deal_closed", "unsubscribed", "manual", "other""#])
        let bound = try violations("OrderPlaced", #"{"customerId": "1", "quantity": 0, "amount": "1", "currency": "USD"}"#)
        #expect(bound.map(\.description) == ["/data/quantity: expected a number at least 1"])
        #expect(bound.first?.keyword == "minimum")
        let integer = try violations("OrderPlaced", #"{"customerId": "1", "quantity": 1.5, "amount": "1", "currency": "USD"}"#)
        #expect(integer.map(\.description) == ["/data/quantity: expected integer, found number"])
    }

    @Test func nestedArraysReportTheIndex() throws {
        let found = try violations("OrderPlaced", #"{"customerId": "1", "quantity": 1, "amount": "1", "currency": "USD", "items": [{"sku": "a", "quantity": 1, "unitPrice": "1"}, {"sku": "b", "quantity": 1}]}"#)
        #expect(found.map(\.description) == [#"/data/items/1: missing required property "unitPrice""#])
    }

    @Test func dependentRequiredSaysWhichPropertyNeedsWhich() throws {
        let found = try violations("DealCreated", #"{"dealId": "d", "name": "n", "pipeline": "p", "stage": "s", "ownerId": "u", "amount": "5"}"#)
        #expect(found.map(\.description) == [#"/data: property "currency" is required when "amount" is present"#])
    }

    @Test func nullableFieldsExplainBothAlternatives() throws {
        let found = try violations("ContactUpdated", #"{"customerId": "c", "changes": {"email": 42}}"#)
        #expect(found.map(\.description) == ["/data/changes/email: expected string or null, found integer"])
        let relevant = try violations("ContactUpdated", #"{"customerId": "c", "changes": {"email": "nope"}}"#)
        #expect(relevant.map(\.description) == [#"/data/changes/email: expected an email address (format "email")"#])
    }

    @Test func severalViolationsAreAllCollectedAndTheMessageSummarisesThem() throws {
        do throws(SchemaError) {
            try Self.catalog.validate(type: "OrderPlaced", version: 1, data: ["quantity": "1", "amount": 1, "currency": "usd", "x": 1])
            Issue.record("expected an error")
        } catch {
            #expect(error.violations.count == 5)
            // In member order, as one pass over the sorted members finds them.
            #expect(error.message == #"/data/amount: expected string, found integer; /data/currency: expected string matching ^[A-Z]{3}$; /data: missing required property "customerId"; and 2 more"#)
        }
    }

    @Test(arguments: [
        (#"{"multipleOf": 0.01}"#, "0.333", "expected a multiple of 0.01", "multipleOf"),
        (#"{"maxLength": 3}"#, #""abcd""#, "expected at most 3 characters, found 4", "maxLength"),
        (#"{"minLength": 2}"#, #""é""#, "expected at least 2 characters, found 1", "minLength"),
        (#"{"minItems": 2}"#, "[1]", "expected at least 2 items, found 1", "minItems"),
        (#"{"uniqueItems": true}"#, "[1, 2, 1.0]", "expected unique items, but items 0 and 2 are equal", "uniqueItems"),
        (#"{"contains": {"type": "string"}, "minContains": 2}"#, #"["a", 1]"#, "expected at least 2 items matching contains, found 1", "minContains"),
        (#"{"not": {"type": "string"}}"#, #""a""#, "expected a value that does not match the schema in not", "not"),
        (#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "1", "expected exactly one schema of oneOf to match, but schemas 0 and 1 both match", "oneOf"),
        (#"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, #"{"Bad": 1}"#, #"property name "Bad": expected string matching ^[a-z]+$"#, "propertyNames"),
        (#"{"const": {"a": 1}}"#, #"{"a": 2}"#, #"expected {"a":1}"#, "const"),
        (#"{"properties": {"a": false}}"#, #"{"a": 1}"#, "/a: no value is allowed here (the schema is false)", "false"),
        (#"{"unevaluatedProperties": false, "properties": {"a": true}}"#, #"{"a": 1, "b": 2}"#, "/b: unexpected property (unevaluatedProperties is false)", "unevaluatedProperties"),
        (#"{"maxProperties": 1}"#, #"{"a": 1, "b": 2}"#, "expected at most 1 properties, found 2", "maxProperties"),
        (#"{"exclusiveMaximum": 10}"#, "10", "expected a number less than 10", "exclusiveMaximum"),
    ])
    func eachKeywordExplainsItself(schema: String, instance: String, message: String, keyword: String) throws {
        let compiled = try Schema(parsing: schema)
        let found = compiled.violations(of: try JSONParser.parse(instance))
        #expect(found.map(\.description) == [message])
        #expect(found.first?.keyword == keyword)
        #expect(!compiled.isValid(try JSONParser.parse(instance)))
    }

    @Test func aStringValueNeverAppearsInAMessage() throws {
        let secret = "maria.gonzalez@acme-logistics"
        let found = try violations("ContactCreated", #"{"customerId": "c", "email": "\#(secret)", "lifecycleStage": ""}"#)
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { !$0.message.contains(secret) })
    }
}
