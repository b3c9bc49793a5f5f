import Expressions
import JSON

/// A JSON object as an expression reads it: each field converted to a CEL value only when
/// the expression touches it.
///
/// Conversion follows CEL's JSON mapping with one refinement for readability of
/// conditions: a number written without a fraction or exponent that fits 64 bits is an
/// `int` (`customer.orders.count > 2`), every other number a `double`. Money stays a
/// decimal string, as the log stores it; convert with `double(...)` to compare it.
///
/// Cost: one lookup and one conversion per field read; nested objects are wrapped, not
/// copied.
final class JSONObjectView: LazyObject, @unchecked Sendable {
    let object: JSONObject
    let typeName: String

    init(_ object: JSONObject, typeName: String = "map") {
        self.object = object
        self.typeName = typeName
    }

    var fieldNames: [String] { object.keys }

    func field(_ name: String) -> Value? { object[name].map(Self.value) }

    /// `json` as a CEL value.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n): return Value(conditionNumber: n)
        case .array(let items): return .list(items.map(value))
        case .object(let nested): return .lazy(JSONObjectView(nested))
        }
    }
}

extension Value {
    /// A JSON number as conditions read it (see ``JSONObjectView``): an `int` when written
    /// without a fraction or exponent and it fits 64 bits, else a `double`. `expr eval
    /// --var` reads its numbers by the same rule.
    public init(conditionNumber n: JSONNumber) {
        if !n.text.utf8.contains(where: { $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }), let i = Int64(n.text) {
            self = .int(i)
        } else {
            self = .double(n.doubleValue)
        }
    }
}
