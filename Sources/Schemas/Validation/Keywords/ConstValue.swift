import JSON

/// A JSON value a keyword compares against (`const`, `multipleOf`'s divisor, a
/// `$dynamicRef` anchor name).
final class ConstValue: Sendable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    var number: JSONNumber { value.numberValue ?? JSONNumber(0) }
    var string: String { value.stringValue ?? "" }
}
