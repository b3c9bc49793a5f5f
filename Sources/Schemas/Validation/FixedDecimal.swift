/// A decimal written without exponent and with at most 18 digits, as a scaled
/// integer: `-12.50` is `mantissa -1250, scale 2`. Most JSON numbers in events are
/// like this, and comparing two of them needs no allocation, unlike
/// ``JSON/JSONNumber/decimal``.
struct FixedDecimal: Sendable {
    var mantissa: Int64
    var scale: Int

    /// Parses `[-]digits[.digits]`; `nil` for anything else (exponents, long numbers).
    @inline(__always)
    init?(_ text: String) {
        var mantissa: Int64 = 0
        var scale = 0
        var digits = 0
        var negative = false
        var seenPoint = false
        var first = true
        for b in text.utf8 {
            defer { first = false }
            if b == UInt8(ascii: "-"), first {
                negative = true
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if b >= 0x30, b <= 0x39 {
                digits += 1
                guard digits <= 18 else { return nil }
                mantissa = mantissa * 10 + Int64(b - 0x30)
                if seenPoint { scale += 1 }
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        self.mantissa = negative ? -mantissa : mantissa
        self.scale = scale
    }

    /// -1, 0 or 1 as `self` is below, equal to or above `other`; `nil` when bringing
    /// both to one scale would overflow.
    @inline(__always)
    func compare(to other: FixedDecimal) -> Int? {
        var a = mantissa
        var b = other.mantissa
        if scale < other.scale {
            guard let scaled = Self.scale(a, by: other.scale - scale) else { return nil }
            a = scaled
        } else if other.scale < scale {
            guard let scaled = Self.scale(b, by: scale - other.scale) else { return nil }
            b = scaled
        }
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    private static func scale(_ value: Int64, by digits: Int) -> Int64? {
        var result = value
        for _ in 0..<digits {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }
}
