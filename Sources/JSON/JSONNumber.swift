/// A JSON number, kept as the exact text it was written with.
///
/// Keeping the text means money written as `19.99` is never rounded through a binary
/// float, large integers survive intact, and the canonical bytes of a payload are the
/// bytes the client sent. Comparison and equality are exact over the decimal value:
/// `1`, `1.0`, `10e-1` are equal, and `0.1 + 0.2` style rounding never enters.
public struct JSONNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number's text, valid JSON number grammar.
    public let text: String

    /// Wraps text already known to be valid JSON number grammar (the parser's path).
    @inlinable
    public init(unchecked text: String) { self.text = text }

    /// Parses `text` as a JSON number; `nil` when it is not valid JSON number grammar.
    public init?(_ text: String) {
        var copy = text
        let valid = copy.withUTF8 { JSONNumber.isValidGrammar($0) }
        guard valid else { return nil }
        self.text = text
    }

    public init(_ value: Int64) { text = String(value) }
    public init(_ value: Int) { text = String(value) }
    public init(_ value: UInt64) { text = String(value) }

    /// The shortest text that reads back as `value`. Traps on infinities and NaN, which
    /// JSON cannot represent.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON cannot represent \(value)")
        if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int64(value))
        } else {
            text = "\(value)"
        }
    }

    public var description: String { text }

    /// The nearest double. Exact for integers up to 2^53 and for most short decimals.
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value as an `Int64` when it is a whole number in range (`2.0` and `2e0` count).
    public var int64Value: Int64? {
        if let direct = Int64(text) { return direct }
        guard let (negative, magnitude) = wholeMagnitude else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The value as a `UInt64` when it is a whole number from 0 to 2^64 - 1 (`2.0` and
    /// `2e0` count).
    public var uint64Value: UInt64? {
        if let direct = UInt64(text) { return direct }
        guard let (negative, magnitude) = wholeMagnitude, !negative || magnitude == 0 else { return nil }
        return magnitude
    }

    /// The sign and magnitude of a whole number whose magnitude fits 64 bits; `nil` for
    /// a fraction or a larger one.
    private var wholeMagnitude: (negative: Bool, magnitude: UInt64)? {
        let d = decimal
        if d.digits.isEmpty { return (false, 0) }
        guard d.exponent >= 0, d.digits.count + d.exponent <= 20 else { return nil }
        var magnitude: UInt64 = 0
        for digit in d.digits {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            magnitude = s
        }
        for _ in 0..<d.exponent {
            let (m, o) = magnitude.multipliedReportingOverflow(by: 10)
            if o { return nil }
            magnitude = m
        }
        return (d.negative, magnitude)
    }

    /// Whether the value is a whole number (JSON Schema's `integer`), whatever its text.
    public var isInteger: Bool { decimal.exponent >= 0 }

    /// The exact decimal value: sign, significant digits (no leading or trailing zeros)
    /// and a power-of-ten exponent. Zero has no digits.
    public var decimal: Decimal {
        var copy = text
        return copy.withUTF8 { Decimal(parsing: $0) }
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.text == rhs.text || lhs.decimal == rhs.decimal
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(decimal) }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.decimal < rhs.decimal }

    /// An exact decimal: `(-1)^negative × digits × 10^exponent`.
    public struct Decimal: Sendable, Hashable, Comparable {
        public var negative: Bool
        /// Significant digits, most significant first, each 0...9; empty for zero.
        public var digits: [UInt8]
        public var exponent: Int

        public var isZero: Bool { digits.isEmpty }

        init(parsing bytes: UnsafeBufferPointer<UInt8>) {
            var i = 0
            negative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var all: [UInt8] = []
            var fractionDigits = 0
            var seenPoint = false
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x30 && b <= 0x39 {
                    all.append(b - 0x30)
                    if seenPoint { fractionDigits += 1 }
                } else if b == UInt8(ascii: ".") {
                    seenPoint = true
                } else {
                    break
                }
                i += 1
            }
            var exp = 0
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                var expNegative = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < bytes.count, bytes[i] == UInt8(ascii: "+") { i += 1 }
                while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                    exp = min(exp * 10 + Int(bytes[i] - 0x30), 1_000_000_000)
                    i += 1
                }
                if expNegative { exp = -exp }
            }
            var start = 0
            while start < all.count, all[start] == 0 { start += 1 }
            var end = all.count
            while end > start, all[end - 1] == 0 { end -= 1 }
            digits = Array(all[start..<end])
            exponent = digits.isEmpty ? 0 : exp - fractionDigits + (all.count - end)
            if digits.isEmpty { negative = false }
        }

        public init(negative: Bool, digits: [UInt8], exponent: Int) {
            var start = 0
            while start < digits.count, digits[start] == 0 { start += 1 }
            var end = digits.count
            while end > start, digits[end - 1] == 0 { end -= 1 }
            self.digits = Array(digits[start..<end])
            self.exponent = self.digits.isEmpty ? 0 : exponent + (digits.count - end)
            self.negative = self.digits.isEmpty ? false : negative
        }

        public static func < (lhs: Decimal, rhs: Decimal) -> Bool {
            if lhs.negative != rhs.negative { return lhs.negative }
            let magnitudeLess = compareMagnitude(lhs, rhs)
            return lhs.negative ? magnitudeLess > 0 : magnitudeLess < 0
        }

        /// -1, 0 or 1 as |lhs| is less than, equal to or greater than |rhs|.
        static func compareMagnitude(_ lhs: Decimal, _ rhs: Decimal) -> Int {
            if lhs.isZero || rhs.isZero { return lhs.isZero ? (rhs.isZero ? 0 : -1) : 1 }
            let lhsOrder = lhs.digits.count + lhs.exponent
            let rhsOrder = rhs.digits.count + rhs.exponent
            if lhsOrder != rhsOrder { return lhsOrder < rhsOrder ? -1 : 1 }
            for i in 0..<max(lhs.digits.count, rhs.digits.count) {
                let l = i < lhs.digits.count ? lhs.digits[i] : 0
                let r = i < rhs.digits.count ? rhs.digits[i] : 0
                if l != r { return l < r ? -1 : 1 }
            }
            return 0
        }
    }

    /// Whether `bytes` is exactly one JSON number (RFC 8259 §6).
    static func isValidGrammar(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        func digit(_ at: Int) -> Bool { at < n && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return false }
        if bytes[i] == 0x30 { i += 1 } else { while digit(i) { i += 1 } }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return i == n
    }
}
