/// The type conversion functions `int`, `uint`, `double`, `string`, `bytes`, `bool`,
/// `timestamp`, `duration`, `dyn` and `type`.
///
/// Conversions that cannot represent the result are errors: `int(1e99)`, `uint(-1)`,
/// `int(18446744073709551615u)`, `string(b'\xff')` (not UTF-8). Doubles convert to integers by
/// truncation toward zero. Messages name the types, never the converted value.
enum Conversions {
    static func toInt(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .int: return v
        case .uint(let u):
            guard u <= UInt64(Int64.max) else { throw range("uint", "int") }
            return .int(Int64(u))
        case .double(let d):
            // Strict bounds, as cel-go: -2^63 itself is rejected because 2^63 - 1 is not a double.
            guard d.isFinite, d > -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0 else {
                throw range("double", "int")
            }
            return .int(Int64(d))
        case .string(let s):
            guard let i = Int64(s) else { throw invalid("string", "int", "it is not a base-10 integer in range") }
            return .int(i)
        case .timestamp(let t): return .int(t.seconds)
        case .duration(let d): return .int(Int64(clamping: d.totalNanoseconds))
        default: throw .noOverload("int", v)
        }
    }

    static func toUint(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .uint: return v
        case .int(let i):
            guard i >= 0 else { throw range("int", "uint") }
            return .uint(UInt64(i))
        case .double(let d):
            guard d.isFinite, d > -1, d < 18_446_744_073_709_551_616.0 else { throw range("double", "uint") }
            return .uint(UInt64(d))
        case .string(let s):
            guard let u = UInt64(s) else {
                throw invalid("string", "uint", "it is not a base-10 unsigned integer in range")
            }
            return .uint(u)
        default: throw .noOverload("uint", v)
        }
    }

    static func toDouble(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .double: return v
        case .int(let i): return .double(Double(i))
        case .uint(let u): return .double(Double(u))
        case .string(let s):
            guard let d = parseDouble(s) else { throw invalid("string", "double", "it is not a number") }
            return .double(d)
        default: throw .noOverload("double", v)
        }
    }

    /// Decimal or scientific notation, `Infinity`, `-Infinity`, `NaN` (any case); no spaces.
    static func parseDouble(_ s: String) -> Double? {
        guard !s.isEmpty, !s.unicodeScalars.contains(where: { $0 == " " || $0 == "_" }) else { return nil }
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(s)
        }
    }

    static func toString(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .string: return v
        case .int(let i): return .string(String(i))
        case .uint(let u): return .string(String(u))
        case .double(let d): return .string(Value.goDouble(d))
        case .bool(let b): return .string(b ? "true" : "false")
        case .bytes(let bytes):
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw EvalError(.invalidArgument, "bytes are not valid UTF-8 and cannot convert to string")
            }
            return .string(s)
        case .timestamp(let t): return .string(t.rfc3339)
        case .duration(let d): return .string(d.text)
        case .type(let t): return .string(t.name)
        default: throw .noOverload("string", v)
        }
    }

    static func toBytes(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .bytes: return v
        case .string(let s): return .bytes(Array(s.utf8))
        default: throw .noOverload("bytes", v)
        }
    }

    static func toBool(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .bool: return v
        case .string(let s):
            switch s {
            case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
            default: throw invalid("string", "bool", "only true/false, t/f, 1/0 in a single case are accepted")
            }
        default: throw .noOverload("bool", v)
        }
    }

    static func toTimestamp(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .timestamp: return v
        case .int(let seconds):
            guard let t = Value.Timestamp(seconds: seconds) else {
                throw EvalError(.overflow, "timestamp out of range 0001-01-01 to 9999-12-31")
            }
            return .timestamp(t)
        case .string(let text):
            guard let t = Value.Timestamp(rfc3339: text) else {
                throw EvalError(
                    .invalidArgument,
                    "timestamp text must be RFC 3339 between years 0001 and 9999, like '2024-05-01T09:30:00Z'")
            }
            return .timestamp(t)
        default: throw .noOverload("timestamp", v)
        }
    }

    static func toDuration(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .duration: return v
        case .string(let text):
            guard let d = Value.Duration(parsing: text) else {
                throw EvalError(
                    .invalidArgument,
                    "duration text must be numbers with units h, m, s, ms, us or ns within about ±292 years, like '1h30m'"
                )
            }
            return .duration(d)
        case .int(let seconds):
            guard let d = Value.Duration(seconds: seconds) else { throw range("int", "duration") }
            return .duration(d)
        default: throw .noOverload("duration", v)
        }
    }

    private static func range(_ from: String, _ to: String) -> EvalError {
        EvalError(.overflow, "\(from) value is out of the range of \(to) (range error)")
    }

    private static func invalid(_ from: String, _ to: String, _ why: String) -> EvalError {
        EvalError(.invalidArgument, "cannot convert \(from) to \(to): \(why)")
    }
}
