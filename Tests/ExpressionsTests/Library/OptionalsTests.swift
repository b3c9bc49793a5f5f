import Testing

@testable import Expressions

@Suite("Optionals")
struct OptionalsTests {
    @Test(
        "optional syntax and functions",
        arguments: [
            ("{'a': 1}.?a", Value.optional(.int(1))),
            ("{'a': 1}.?b", .optional(nil)),
            ("{'a': {'b': 2}}.?a.b", .optional(.int(2))),
            ("{'a': {}}.?a.b.c", .optional(nil)),
            ("[1, 2][?5].orValue(0)", .int(0)),
            ("optional.ofNonZeroValue('').hasValue()", .bool(false)),
            ("optional.none().or(optional.of(3)).value()", .int(3)),
            ("optional.of(2).optMap(x, x * 10)", .optional(.int(20))),
            ("optional.of(2).optFlatMap(x, optional.none())", .optional(nil)),
            ("[?optional.none(), ?optional.of(1), 2]", .list([.int(1), .int(2)])),
            ("{?'a': optional.none(), ?'b': optional.of(1)}", .map(MapValue(["b": .int(1)]))),
            ("optional.unwrap([optional.of(1), optional.none()])", .list([.int(1)])),
            ("type(optional.none()) == optional_type", .bool(true)),
        ])
    func optionals(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("value() of an empty optional is an error that points to the alternatives")
    func emptyValue() {
        #expect(
            evaluationError("optional.none().value()")?.message
                == "value() called on optional.none(); test with hasValue() or use orValue()")
    }
}
