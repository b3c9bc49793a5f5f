/// JavaScript's conversions between numbers and text, which GrowthBook's behaviour rests on.
///
/// A customer id stored as the JSON number `123.0` is hashed by the JavaScript SDK as
/// the text `"123"`; a condition `{"age": {"$gt": 5}}` compares `"8"` with `5` as the
/// numbers 8 and 5. These two functions reproduce ECMAScript's `Number::toString` and
/// `StringToNumber` so Ledgerline hashes and compares exactly as the SDK does.
public enum JavaScriptNumber {
    /// The text JavaScript's `String(value)` produces (ECMAScript `Number::toString`).
    ///
    /// Shortest round-trip digits, plain notation for exponents in `[-7, 21)`,
    /// exponential (`1e+21`, `1.5e-7`) outside, `-0` written as `0`.
    ///
    /// Cost: integers below 2^53 take the integer printer; other values format through
    /// Swift's shortest-digits printer and are re-laid out.
    public static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(.towardZero), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        let negative = value < 0
        // Swift's description prints the shortest digits that round-trip, like JavaScript.
        let (digits, pointPosition) = shortestDigits(of: abs(value))
        let k = digits.count
        let n = pointPosition
        var out = negative ? "-" : ""
        if k <= n && n <= 21 {
            out += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            out += digits[..<split] + "." + digits[split...]
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            let sign = exponent < 0 ? "-" : "+"
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            out += first + (rest.isEmpty ? "" : "." + rest) + "e" + sign + String(abs(exponent))
        }
        return out
    }

    /// The significant digits of a positive finite `value` and the position of the decimal
    /// point relative to them (`value = 0.d1d2… × 10^point`).
    private static func shortestDigits(of value: Double) -> (digits: String, point: Int) {
        let text = value.description  // e.g. "1.5e-07", "123.25", "1.2345e+20"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fractionPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + String(fractionPart)
        var point = integerPart.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, point)
    }

    /// The number JavaScript's `Number(text)` produces (ECMAScript `StringToNumber`).
    ///
    /// Surrounding white space is ignored, the empty string is 0, `Infinity` and signed
    /// decimal literals parse, `0x`/`0o`/`0b` literals parse unsigned, anything else is NaN.
    public static func number(from text: String) -> Double {
        let trimmed = Substring(text).trimmingJavaScriptWhitespace()
        if trimmed.isEmpty { return 0 }
        switch trimmed {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        let bytes = Array(trimmed.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let radix: Int?
            switch bytes[1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2
            default: radix = nil
            }
            if let radix {
                var result = 0.0
                for b in bytes.dropFirst(2) {
                    guard let d = Int(String(UnicodeScalar(b)), radix: radix) else { return .nan }
                    result = result * Double(radix) + Double(d)
                }
                return result
            }
        }
        guard isDecimalLiteral(bytes) else { return .nan }
        return Double(String(trimmed)) ?? .nan
    }

    /// `StrDecimalLiteral`: an optional sign, digits with an optional fraction (or a
    /// fraction alone), an optional exponent.
    private static func isDecimalLiteral(_ b: [UInt8]) -> Bool {
        var i = 0
        func isDigit(_ at: Int) -> Bool { at < b.count && b[at] >= 0x30 && b[at] <= 0x39 }
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        var sawDigits = false
        while isDigit(i) { i += 1; sawDigits = true }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while isDigit(i) { i += 1; sawDigits = true }
        }
        guard sawDigits else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        return i == b.count
    }
}

extension Substring {
    /// The text without JavaScript white space and line terminators at either end.
    func trimmingJavaScriptWhitespace() -> Substring {
        func isSpace(_ c: Character) -> Bool {
            c.unicodeScalars.allSatisfy { s in
                switch s.value {
                case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0xFEFF, 0x2028, 0x2029: return true
                default: return s.properties.generalCategory == .spaceSeparator
                }
            }
        }
        var slice = self
        while let first = slice.first, isSpace(first) { slice.removeFirst() }
        while let last = slice.last, isSpace(last) { slice.removeLast() }
        return slice
    }
}
