/// An exact decimal amount: money in the major unit of its currency, or a probability
/// that weights money.
///
/// The value is `units × 10^-scale` held in a 128-bit integer, so sums of millions of
/// orders stay exact to the cent and `0.10 + 0.20` is `0.30`, never `0.30000000000000004`.
/// Addition keeps the larger scale of its operands (`"12.00" + "3.5"` is `"15.50"`), so
/// a total is written with the precision its inputs were written with. Arithmetic
/// saturates instead of trapping: a log is forever, and a fold must not crash on it.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value times `10^scale`.
    public private(set) var units: Int128
    /// Digits after the decimal point, 0...18.
    public private(set) var scale: Int

    public static let zero = Money(units: 0, scale: 0)
    static let maximumScale = 18

    public init(units: Int128, scale: Int) {
        precondition(scale >= 0 && scale <= Self.maximumScale, "scale out of range")
        self.units = units
        self.scale = scale
    }

    /// Parses `-?[0-9]+(.[0-9]+)?` (the catalog's money pattern); `nil` for anything
    /// else, for more than 18 decimals, or for a value beyond ±10^36.
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ Money.parse($0) }) else { return nil }
        self = parsed
    }

    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Money? {
        var i = 0
        var negative = false
        if i < s.count, s[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var units: Int128 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        let limit: Int128 = 1_000_000_000_000_000_000_000_000_000_000_000_000
        while i < s.count {
            let b = s[i]
            if b == UInt8(ascii: "."), !seenPoint, digits > 0 {
                seenPoint = true
            } else if b >= 0x30 && b <= 0x39 {
                units = units * 10 + Int128(b - 0x30)
                if units >= limit { return nil }
                digits += 1
                if seenPoint { scale += 1 }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, !(seenPoint && scale == 0), scale <= maximumScale else { return nil }
        return Money(units: negative ? -units : units, scale: scale)
    }

    /// The value at `scale` digits (more digits pad with zeros; fewer round half to even).
    public func rescaled(to newScale: Int) -> Money {
        if newScale == scale { return self }
        if newScale > scale {
            return Money(units: Self.saturatingMultiply(units, Self.power(newScale - scale)), scale: newScale)
        }
        return Money(units: Self.divideRoundingHalfEven(units, Self.power(scale - newScale)), scale: newScale)
    }

    public static func + (lhs: Money, rhs: Money) -> Money {
        let s = max(lhs.scale, rhs.scale)
        let (sum, overflow) = lhs.rescaled(to: s).units.addingReportingOverflow(rhs.rescaled(to: s).units)
        return Money(units: overflow ? (lhs.units < 0 ? .min : .max) : sum, scale: s)
    }

    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }

    public static prefix func - (value: Money) -> Money {
        Money(units: value.units == .min ? .max : -value.units, scale: value.scale)
    }

    public static func - (lhs: Money, rhs: Money) -> Money { lhs + -rhs }

    /// The exact product (scales add, capped at 18 by rounding half to even).
    public func multiplied(by factor: Money) -> Money {
        let product = Self.saturatingMultiply(units, factor.units)
        let s = scale + factor.scale
        if s <= Self.maximumScale { return Money(units: product, scale: s) }
        return Money(
            units: Self.divideRoundingHalfEven(product, Self.power(s - Self.maximumScale)), scale: Self.maximumScale)
    }

    /// The quotient by a count, rounded half to even at `scale` digits (at least this
    /// amount's own scale): the average of `count` amounts.
    public func divided(by count: Int, scale resultScale: Int? = nil) -> Money {
        precondition(count > 0)
        let target = max(resultScale ?? scale, scale)
        let widened = rescaled(to: target)
        return Money(units: Self.divideRoundingHalfEven(widened.units, Int128(count)), scale: target)
    }

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }

    /// The nearest double, for ratios and display only; never sum these.
    public var doubleValue: Double { Double(units) / Double(Self.power(scale)) }

    public static func == (lhs: Money, rhs: Money) -> Bool {
        let s = max(lhs.scale, rhs.scale)
        return lhs.rescaled(to: s).units == rhs.rescaled(to: s).units
    }

    public func hash(into hasher: inout Hasher) {
        var normal = self
        while normal.scale > 0, normal.units % 10 == 0 {
            normal = Money(units: normal.units / 10, scale: normal.scale - 1)
        }
        hasher.combine(normal.units)
        hasher.combine(normal.scale)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool {
        let s = max(lhs.scale, rhs.scale)
        return lhs.rescaled(to: s).units < rhs.rescaled(to: s).units
    }

    /// The amount with exactly ``scale`` decimals: `1234.50`, `-20`, `0.00`.
    public var description: String {
        let negative = units < 0
        var magnitude = units.magnitude
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(magnitude % 10) + 0x30)
            magnitude /= 10
        } while magnitude > 0
        while digits.count <= scale { digits.append(0x30) }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        for (i, d) in digits.reversed().enumerated() {
            if i == digits.count - scale { out.append(UInt8(ascii: ".")) }
            out.append(d)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The amount with at least `minimumScale` decimals (currency display: `12.5` → `12.50`).
    public func formatted(minimumScale: Int = 2) -> String {
        rescaled(to: max(scale, minimumScale)).description
    }

    // MARK: - Integer helpers

    static func power(_ exponent: Int) -> Int128 {
        var p: Int128 = 1
        for _ in 0..<exponent { p = saturatingMultiply(p, 10) }
        return p
    }

    static func saturatingMultiply(_ a: Int128, _ b: Int128) -> Int128 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { return (a < 0) != (b < 0) ? .min : .max }
        return product
    }

    static func divideRoundingHalfEven(_ value: Int128, _ divisor: Int128) -> Int128 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        let twice = remainder.magnitude * 2
        let d = divisor.magnitude
        if twice > d || (twice == d && quotient % 2 != 0) {
            return (value < 0) != (divisor < 0) ? quotient - 1 : quotient + 1
        }
        return quotient
    }
}
