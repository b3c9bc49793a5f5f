extension Value: CustomStringConvertible {
    /// The value written as a CEL literal that evaluates back to it where CEL has a literal
    /// form: `1u`, `2.0`, `"a\n"`, `b"\xff"`, `[1, "x"]`, `{"k": true}`,
    /// `timestamp("2009-02-13T23:31:30Z")`, `duration("90s")`, `optional.of(1)`, `int`.
    public var literal: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return "\(u)u"
        case .double(let d):
            if d.isNaN { return "double(\"NaN\")" }
            if d.isInfinite { return d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")" }
            let text = Value.goDouble(d)
            return text.contains(where: { $0 == "." || $0 == "e" }) ? text : text + ".0"
        case .string(let s): return Value.quoted(s)
        case .bytes(let bytes):
            var out = "b\""
            for byte in bytes {
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
                default: out += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
                }
            }
            return out + "\""
        case .list(let elements): return "[" + elements.map(\.literal).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.entries.map { "\($0.key.value.literal): \($0.value.literal)" }.joined(separator: ", ")
                + "}"
        case .object(let object): return Value.map(object.materialize()).literal
        case .timestamp(let t): return "timestamp(\"\(t.rfc3339)\")"
        case .duration(let d): return "duration(\"\(d.text)\")"
        case .type(let t): return t.name
        case .optional(let inner): return inner.map { "optional.of(\($0.literal))" } ?? "optional.none()"
        }
    }

    public var description: String { literal }

    /// A string as a double-quoted CEL literal, escaping quotes, backslashes and control
    /// characters.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A double as Go's `%g` prints it with the shortest round-trip digits, which is what
    /// cel-go's `string(double)` produces: `123.456`, `-0.0045`, `1e+12`, `1.5e-07`.
    /// NaN and infinities read `NaN`, `Infinity`, `-Infinity`.
    static func goDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(d.magnitude)
        let sign = d < 0 ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let expDigits = String(abs(exponent)).leftPadded(to: 2)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + expDigits
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let index = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<index] + "." + digits[index...]
    }

    /// The shortest decimal digits that round-trip `d` (positive, finite, nonzero) and the
    /// position of the decimal point relative to them (`0.0045` → `("45", -2)`).
    private static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = "\(d)"  // Swift prints the shortest round-trip representation.
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." {
                seenPoint = true
                continue
            }
            digits.append(character)
            if !seenPoint { pointPosition += 1 }
        }
        while digits.hasPrefix("0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, pointPosition + exponent)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
