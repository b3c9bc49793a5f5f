import JSON

extension JSONNumber {
    /// The value as an `Int64` when the text is a plain integer (`-12`, not `1.0` or
    /// `1e2`); the validator's fast path, allocation-free.
    @inline(__always)
    var plainInt64: Int64? {
        let utf8 = text.utf8
        guard utf8.count <= 18 else { return nil }
        var value: Int64 = 0
        var negative = false
        var first = true
        for b in utf8 {
            if first, b == UInt8(ascii: "-") {
                negative = true
                first = false
                continue
            }
            first = false
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int64(b - 0x30)
        }
        return negative ? -value : value
    }

    /// Whether the value is a whole number (JSON Schema's `integer`, so `1.0` counts).
    /// Allocation-free unless the text has a fraction or an exponent.
    var isWholeNumber: Bool {
        for b in text.utf8 where b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            return isInteger
        }
        return true
    }

    /// -1, 0 or 1 as this number is less than, equal to or greater than `other`, exactly.
    func compare(to other: JSONNumber, fixed otherFixed: FixedDecimal?) -> Int {
        if let otherFixed, let mine = FixedDecimal(text), let order = mine.compare(to: otherFixed) { return order }
        let a = decimal
        let b = other.decimal
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    /// Whether this number divided by `divisor` is an integer, computed exactly over
    /// the decimal values, so `0.3` is a multiple of `0.1` and `1e308` is not a
    /// multiple of `0.123456789` (no binary float ever enters).
    ///
    /// Cost: O(digits) with a 64-bit modulus when the divisor has at most 18
    /// significant digits (plus O(log exponent) for the power of ten); schoolbook
    /// big-number remainders beyond that.
    func isMultiple(of divisor: JSONNumber) -> Bool {
        if let a = plainInt64, let b = divisor.plainInt64, b != 0 { return a % b == 0 }
        let x = decimal
        let d = divisor.decimal
        guard !x.isZero else { return true }
        guard !d.isZero, x.exponent >= d.exponent else { return false }
        // x / d = (X / D) * 10^(a - b): D must divide X * 10^(a - b).
        let shift = x.exponent - d.exponent
        if d.digits.count <= 18 {
            var modulus: UInt64 = 0
            for digit in d.digits { modulus = modulus * 10 + UInt64(digit) }
            var remainder: UInt64 = 0
            for digit in x.digits { remainder = (remainder * 10 + UInt64(digit)) % modulus }
            let power = Self.powerOfTen(shift, modulo: modulus)
            return Self.multiply(remainder, power, modulo: modulus) == 0
        }
        var remainder: [UInt8] = []
        func step(_ digit: UInt8) {
            remainder.append(digit)
            while let first = remainder.first, first == 0 { remainder.removeFirst() }
            while Self.compareDigits(remainder, d.digits) >= 0 { Self.subtract(&remainder, d.digits) }
        }
        for digit in x.digits { step(digit) }
        for _ in 0..<shift { step(0) }
        return remainder.isEmpty
    }

    private static func multiply(_ a: UInt64, _ b: UInt64, modulo m: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((high: product.high, low: product.low)).remainder
    }

    private static func powerOfTen(_ exponent: Int, modulo m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var base: UInt64 = 10 % m
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = multiply(result, base, modulo: m) }
            base = multiply(base, base, modulo: m)
            e >>= 1
        }
        return result
    }

    /// Compares two digit strings without leading zeros as natural numbers.
    private static func compareDigits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    /// `a -= b` for digit strings with `a >= b`; strips leading zeros.
    private static func subtract(_ a: inout [UInt8], _ b: [UInt8]) {
        var borrow: Int = 0
        var i = a.count - 1
        var j = b.count - 1
        while i >= 0 {
            var value = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            borrow = value < 0 ? 1 : 0
            if value < 0 { value += 10 }
            a[i] = UInt8(value)
            i -= 1
            j -= 1
        }
        while let first = a.first, first == 0 { a.removeFirst() }
    }
}
