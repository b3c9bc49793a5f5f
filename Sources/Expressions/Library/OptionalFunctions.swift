/// The optional-values library (cel-go `OptionalTypes`): `optional.of`, `optional.ofNonZeroValue`,
/// `optional.none`, `hasValue`, `value`, `or`, `orValue`, `optional.unwrap` / `unwrapOpt`.
///
/// The syntax half (`e.?f`, `e[?i]`, `[?e]`, `{?k: e}`, selection through an optional) lives in
/// the select, index, list and map nodes.
enum OptionalFunctions {
    static func of(_ v: Value) -> Value { .optional(v) }

    /// `optional.of(v)` unless `v` is its type's zero value (null, false, 0, 0u, 0.0, '', b'',
    /// [], {}, a zero duration, the epoch timestamp), then `optional.none()`.
    static func ofNonZeroValue(_ v: Value) -> Value { isZero(v) ? .optional(nil) : .optional(v) }

    static func isZero(_ v: Value) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .uint(let u): return u == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .bytes(let b): return b.isEmpty
        case .list(let l): return l.isEmpty
        case .map(let m): return m.isEmpty
        case .object(let o): return o.fieldNames.isEmpty
        case .duration(let d): return d.seconds == 0 && d.nanos == 0
        case .timestamp(let t): return t.seconds == 0 && t.nanos == 0
        case .optional(let inner): return inner == nil
        case .type: return false
        }
    }

    static func hasValue(_ v: Value) throws(EvalError) -> Value {
        guard case .optional(let inner) = v else { throw .noOverload("hasValue", v) }
        return .bool(inner != nil)
    }

    static func value(_ v: Value) throws(EvalError) -> Value {
        guard case .optional(let inner) = v else { throw .noOverload("value", v) }
        guard let inner else {
            throw EvalError(.noSuchKey, "value() called on optional.none(); test with hasValue() or use orValue()")
        }
        return inner
    }

    static func or(_ v: Value, _ alternative: Value) throws(EvalError) -> Value {
        guard case .optional(let inner) = v, case .optional = alternative else {
            throw .noOverload("or", v, alternative)
        }
        return inner == nil ? alternative : v
    }

    static func orValue(_ v: Value, _ alternative: Value) throws(EvalError) -> Value {
        guard case .optional(let inner) = v else { throw .noOverload("orValue", v, alternative) }
        return inner ?? alternative
    }

    /// The held values of a list of optionals, dropping the empty ones.
    static func unwrap(_ v: Value) throws(EvalError) -> Value {
        guard case .list(let elements) = v else { throw .noOverload("optional.unwrap", v) }
        var out: [Value] = []
        for element in elements {
            guard case .optional(let inner) = element else {
                throw EvalError(
                    .noMatchingOverload, "optional.unwrap() needs a list of optionals but found a \(element.typeName)")
            }
            if let inner { out.append(inner) }
        }
        return .list(out)
    }
}
