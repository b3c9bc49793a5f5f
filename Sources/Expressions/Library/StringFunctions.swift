/// The standard string functions: `size`, `contains`, `startsWith`, `endsWith`, `matches`.
///
/// Strings are sequences of code points: `size('πέντε')` is 5, and no Unicode normalization
/// happens (`'é'` written precomposed does not contain `'e'`). Cost: linear in the sizes
/// (search: product of the sizes; `matches`: product of pattern and text sizes).
enum StringFunctions {
    static func size(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let l): return .int(Int64(l.count))
        case .map(let m): return .int(Int64(m.count))
        case .object(let o): return .int(Int64(o.fieldNames.count))
        default: throw .noOverload("size", v)
        }
    }

    static func contains(_ s: Value, _ part: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let needle) = part else {
            throw .noOverload("contains", s, part)
        }
        return .bool(StringBytes.contains(text, needle))
    }

    static func startsWith(_ s: Value, _ prefix: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let p) = prefix else {
            throw .noOverload("startsWith", s, prefix)
        }
        return .bool(StringBytes.hasPrefix(text, p))
    }

    static func endsWith(_ s: Value, _ suffix: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let p) = suffix else { throw .noOverload("endsWith", s, suffix) }
        return .bool(StringBytes.hasSuffix(text, p))
    }

    /// Whether the RE2 pattern matches anywhere in the string (anchor with `^...$` for a
    /// whole-string match). The pattern is compiled on each call; `MatchesNode` compiles a
    /// constant pattern once.
    static func matches(_ s: Value, _ pattern: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let p) = pattern else {
            throw .noOverload("matches", s, pattern)
        }
        let regex: RegularExpression
        do { regex = try RegularExpression(p) } catch {
            throw EvalError(.invalidArgument, "invalid regular expression: \(error.message)")
        }
        return .bool(regex.matches(text))
    }
}
