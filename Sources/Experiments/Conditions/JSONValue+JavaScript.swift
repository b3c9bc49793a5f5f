import JSON

/// JavaScript's view of a JSON value, as GrowthBook's JavaScript SDK sees attributes.
///
/// GrowthBook's condition language and its hashing were defined by what the JavaScript
/// SDK does, coercions included: `"8" > 5` is true, a missing attribute compares as 0,
/// `String(123.0)` is `"123"`. These members reproduce the ECMAScript abstract
/// operations the SDK relies on, over ``JSONValue``; a missing attribute is `.null`, as
/// the SDK's `getPath` returns `null` for it.
extension JSONValue {
    /// ECMAScript `ToString`: what `value + ""` gives in JavaScript.
    ///
    /// Arrays join their elements' strings with commas (`null` elements become empty),
    /// objects are `"[object Object]"`, numbers use ``JavaScriptNumber/string(_:)``.
    public var javaScriptString: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return JavaScriptNumber.string(n.doubleValue)
        case .string(let s): return s
        case .array(let elements):
            return elements.map { $0.isNull ? "" : $0.javaScriptString }.joined(separator: ",")
        case .object: return "[object Object]"
        }
    }

    /// ECMAScript `ToNumber`: what `value * 1` gives in JavaScript (NaN when it is not a number).
    public var javaScriptNumber: Double {
        switch self {
        case .null: return 0
        case .bool(let b): return b ? 1 : 0
        case .number(let n): return n.doubleValue
        case .string(let s): return JavaScriptNumber.number(from: s)
        case .array: return JavaScriptNumber.number(from: javaScriptString)
        case .object: return .nan
        }
    }

    /// ECMAScript `ToBoolean`: `false`, `0`, `""` and `null` are falsy, everything else truthy.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): let d = n.doubleValue; return d != 0 && !d.isNaN
        case .string(let s): return !s.isEmpty
        case .array, .object: return true
        }
    }

    /// JavaScript's `===`: same type and same value. Arrays and objects are never strictly
    /// equal, because two parsed values are two distinct objects to JavaScript.
    public func javaScriptStrictlyEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a.doubleValue == b.doubleValue
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        default: return false
        }
    }

    /// JavaScript's type name as GrowthBook's `$type` reports it: `null`, `array`, `string`,
    /// `number`, `boolean` or `object`.
    public var javaScriptTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// ECMAScript's abstract relational comparison `self < other`: `nil` when undefined
    /// (a NaN took part), which makes every one of `<`, `<=`, `>`, `>=` false.
    ///
    /// Two strings (after `ToPrimitive`, which turns arrays and objects into strings)
    /// compare by UTF-16 code units; anything else compares as numbers.
    public func javaScriptLessThan(_ other: JSONValue) -> Bool? {
        let a = self.primitive
        let b = other.primitive
        if case .string(let x) = a, case .string(let y) = b {
            return JavaScriptString.lessThan(x, y)
        }
        let x = a.javaScriptNumber
        let y = b.javaScriptNumber
        if x.isNaN || y.isNaN { return nil }
        return x < y
    }

    /// ECMAScript `ToPrimitive` with hint number: arrays and objects become their strings.
    private var primitive: JSONValue {
        switch self {
        case .array, .object: return .string(javaScriptString)
        default: return self
        }
    }
}
