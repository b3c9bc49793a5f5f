import Foundation

/// `"pattern".format([args])` from the CEL strings extension.
///
/// Clauses: `%s` (any value in its text form), `%d` (integers), `%f` and `%e` (numbers, with
/// an optional precision as in `%.3f`, default 6), `%x` / `%X` (integers, strings and bytes
/// in hexadecimal), `%o` (octal), `%b` (binary, also bools), and `%%` for a percent sign. NaN and
/// the infinities print as `NaN`, `Infinity`, `-Infinity` for `%d`, `%f`, `%e` and `%s`. Error
/// messages follow cel-go's wording so conformance suites recognise them.
enum StringFormat {
    static func format(_ pattern: Value, _ args: Value) throws(EvalError) -> Value {
        guard case .string(let text) = pattern, case .list(let list) = args else {
            throw .noOverload("format", pattern, args)
        }
        var out = ""
        var scalars = text.unicodeScalars[...]
        var next = 0
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                out.unicodeScalars.append(scalar)
                continue
            }
            var precision: Int?
            if scalars.first == "." {
                scalars.removeFirst()
                var digits = 0
                var sawDigit = false
                while let d = scalars.first, d >= "0", d <= "9" {
                    digits = min(digits * 10 + Int(d.value - 48), 1000)
                    sawDigit = true
                    scalars.removeFirst()
                }
                guard sawDigit else { throw clauseError(scalars.first.map(String.init) ?? "") }
                precision = digits
            }
            guard let verb = scalars.popFirst() else {
                throw EvalError(.invalidArgument, "could not parse formatting clause: missing verb after '%'")
            }
            if verb == "%", precision == nil {
                out += "%"
                continue
            }
            guard "sdfeExXob".unicodeScalars.contains(verb), verb != "E" else { throw clauseError(String(verb)) }
            guard next < list.count else {
                throw EvalError(.indexOutOfRange, "index \(next) out of range")
            }
            let argument = list[next]
            next += 1
            out += try clause(verb, precision: precision, argument)
        }
        return .string(out)
    }

    private static func clauseError(_ verb: String) -> EvalError {
        EvalError(.invalidArgument, "could not parse formatting clause: unrecognized formatting clause \"\(verb)\"")
    }

    private static func formattingError(_ message: String, _ value: Value) -> EvalError {
        EvalError(.invalidArgument, "error during formatting: \(message), was given \(value.typeName)")
    }

    private static func clause(_ verb: Unicode.Scalar, precision: Int?, _ value: Value) throws(EvalError) -> String {
        switch verb {
        case "s":
            return try text(value)
        case "d":
            switch value {
            case .int(let i): return String(i)
            case .uint(let u): return String(u)
            case .double(let d) where !d.isFinite: return Value.goDouble(d)
            default: throw formattingError("decimal clause can only be used on integers", value)
            }
        case "f", "e":
            let number: Double
            switch value {
            case .double(let d): number = d
            case .int(let i): number = Double(i)
            case .uint(let u): number = Double(u)
            default:
                throw formattingError(
                    verb == "f"
                        ? "fixed-point clause can only be used on doubles"
                        : "scientific clause can only be used on doubles",
                    value)
            }
            if !number.isFinite { return Value.goDouble(number) }
            return String(format: "%.\(precision ?? 6)\(verb)", number)
        case "x", "X":
            let upper = verb == "X"
            switch value {
            case .int(let i): return (i < 0 ? "-" : "") + String(i.magnitude, radix: 16, uppercase: upper)
            case .uint(let u): return String(u, radix: 16, uppercase: upper)
            case .string(let s): return hex(Array(s.utf8), upper: upper)
            case .bytes(let b): return hex(b, upper: upper)
            default: throw formattingError("only integers, byte buffers, and strings can be formatted as hex", value)
            }
        case "o":
            switch value {
            case .int(let i): return (i < 0 ? "-" : "") + String(i.magnitude, radix: 8)
            case .uint(let u): return String(u, radix: 8)
            default: throw formattingError("octal clause can only be used on integers", value)
            }
        default:  // "b"
            switch value {
            case .int(let i): return (i < 0 ? "-" : "") + String(i.magnitude, radix: 2)
            case .uint(let u): return String(u, radix: 2)
            case .bool(let b): return b ? "1" : "0"
            default: throw formattingError("only integers and bools can be formatted as binary", value)
            }
        }
    }

    private static func hex(_ bytes: [UInt8], upper: Bool) -> String {
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").unicodeScalars)
        var out = ""
        for byte in bytes {
            out.unicodeScalars.append(digits[Int(byte >> 4)])
            out.unicodeScalars.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// The `%s` text of a value: strings as they are, bytes decoded as UTF-8, numbers as
    /// `string()` makes them, lists as `[a, b]`, maps as `{k: v}` with entries sorted by key text.
    static func text(_ value: Value) throws(EvalError) -> String {
        switch value {
        case .string(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return Value.goDouble(d)
        case .timestamp(let t): return t.rfc3339
        case .duration(let d): return d.text
        case .type(let t): return t.name
        case .list(let elements):
            var parts: [String] = []
            for element in elements { parts.append(try text(element)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .map(let map):
            return try mapText(map)
        case .object(let object):
            return try mapText(object.materialize())
        case .optional:
            throw formattingError(
                "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps",
                value)
        }
    }

    private static func mapText(_ map: MapValue) throws(EvalError) -> String {
        var parts: [(String, String)] = []
        for entry in map.entries { parts.append((try text(entry.key.value), try text(entry.value))) }
        parts.sort { StringBytes.compare($0.0, $1.0) < 0 }
        return "{" + parts.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
