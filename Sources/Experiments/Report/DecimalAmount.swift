/// An exact decimal amount: money as the log stores it (`"149.70"`), summed without ever
/// passing through a binary float.
///
/// A 64-bit count of units of 10^−``scale``; adding aligns the scales. That holds any
/// total below 9.2 × 10^18 units, which at cents is 92 quadrillion; an addition beyond it
/// reports overflow rather than wrapping.
///
/// Cost: parsing and adding are a few integer operations; no allocation.
public struct DecimalAmount: Sendable, Hashable, CustomStringConvertible {
    /// The amount in units of 10^−scale.
    public private(set) var units: Int64
    /// Digits after the decimal point, 0...18.
    public private(set) var scale: Int

    public static let zero = DecimalAmount(units: 0, scale: 0)

    public init(units: Int64, scale: Int) {
        precondition((0...18).contains(scale), "scale must be 0...18")
        self.units = units
        self.scale = scale
    }

    /// Parses a decimal: `"149.70"`, `"-3"`, `"1.5e2"` (JSON number text or a money string).
    /// `nil` for anything else or more than 18 fraction digits or 18 integer digits.
    public init?(_ text: some StringProtocol) {
        var copy = String(text)
        guard let parsed = copy.withUTF8({ DecimalAmount.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> DecimalAmount? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B {
            negative = b[i] == 0x2D
            i += 1
        }
        var units: Int64 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        while i < b.count {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                let (m, o1) = units.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(c - 0x30))
                guard !o1 && !o2 else { return nil }
                units = s
                digits += 1
                if seenPoint { scale += 1 }
            } else if c == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < b.count, b[i] == 0x2D || b[i] == 0x2B {
                expNegative = b[i] == 0x2D
                i += 1
            }
            var expDigits = 0
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39, exponent < 100 {
                exponent = exponent * 10 + Int(b[i] - 0x30)
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == b.count else { return nil }
        scale -= exponent
        while scale < 0 {
            let (m, o) = units.multipliedReportingOverflow(by: 10)
            guard !o else { return nil }
            units = m
            scale += 1
        }
        guard scale <= 18 else { return nil }
        return DecimalAmount(units: negative ? -units : units, scale: scale)
    }

    /// `self + other`, or `nil` when the sum does not fit.
    public func adding(_ other: DecimalAmount) -> DecimalAmount? {
        guard let (a, b, scale) = Self.aligned(self, other) else { return nil }
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : DecimalAmount(units: sum, scale: scale)
    }

    static func aligned(_ x: DecimalAmount, _ y: DecimalAmount) -> (Int64, Int64, Int)? {
        let scale = max(x.scale, y.scale)
        guard let a = x.units.scaled(by: scale - x.scale), let b = y.units.scaled(by: scale - y.scale) else {
            return nil
        }
        return (a, b, scale)
    }

    /// The nearest double, for the statistics (which are approximate anyway).
    public var doubleValue: Double {
        var divisor = 1.0
        for _ in 0..<scale { divisor *= 10 }
        return Double(units) / divisor
    }

    /// `149.70`, with the amount's own scale.
    public var description: String {
        let magnitude = String(units.magnitude)
        let sign = units < 0 ? "-" : ""
        guard scale > 0 else { return sign + magnitude }
        let padded = String(repeating: "0", count: max(0, scale + 1 - magnitude.count)) + magnitude
        return sign + padded.dropLast(scale) + "." + padded.suffix(scale)
    }

    public static func == (lhs: DecimalAmount, rhs: DecimalAmount) -> Bool {
        guard let (a, b, _) = aligned(lhs, rhs) else { return false }
        return a == b
    }

    public func hash(into hasher: inout Hasher) {
        var units = units
        var scale = scale
        while scale > 0, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        hasher.combine(units)
        hasher.combine(scale)
    }
}

extension Int64 {
    /// `self × 10^power`, or `nil` on overflow.
    fileprivate func scaled(by power: Int) -> Int64? {
        var value = self
        for _ in 0..<power {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        return value
    }
}
