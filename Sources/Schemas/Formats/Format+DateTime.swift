extension Format {
    /// RFC 3339 §5.6 `date-time`: `full-date "T" full-time`, `T` and `Z` in either case.
    static func isDateTime(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 20, isFullDate(b, from: 0), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") else {
            return false
        }
        return isFullTime(b, from: 11)
    }

    /// RFC 3339 `full-date` at `b[from..<from+10]`: `YYYY-MM-DD`, the day valid for the
    /// month, 29 February only in Gregorian leap years.
    static func isFullDate(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Bool {
        guard b.count >= i + 10, b[i + 4] == UInt8(ascii: "-"), b[i + 7] == UInt8(ascii: "-"),
            let year = number(b, i, 4), let month = number(b, i + 5, 2), let day = number(b, i + 8, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// RFC 3339 `full-time` from `b[from...]` to the end: `HH:MM:SS[.frac](Z|±HH:MM)`.
    ///
    /// Second 60 (a leap second) is accepted only where one can occur: at 23:59:60 UTC,
    /// i.e. after subtracting the offset. Which dates actually had leap seconds is not
    /// checked, as RFC 3339 leaves that to the application.
    static func isFullTime(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var i = start
        guard b.count >= i + 9, b[i + 2] == UInt8(ascii: ":"), b[i + 5] == UInt8(ascii: ":"),
            let hour = number(b, i, 2), let minute = number(b, i + 3, 2), let second = number(b, i + 6, 2)
        else { return false }
        guard hour <= 23, minute <= 59, second <= 60 else { return false }
        i += 8
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > fractionStart else { return false }
        }
        guard i < b.count else { return false }
        var offsetMinutes = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count == i + 6, b[i + 3] == UInt8(ascii: ":"),
                let offsetHour = number(b, i + 1, 2), let offsetMinute = number(b, i + 4, 2),
                offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        default:
            return false
        }
        guard i == b.count else { return false }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    /// The decimal value of `count` ASCII digits at `b[i...]`, or `nil`.
    @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ count: Int) -> Int? {
        guard i + count <= b.count else { return nil }
        var value = 0
        for k in i..<(i + count) {
            guard isDigit(b[k]) else { return nil }
            value = value * 10 + Int(b[k] - 0x30)
        }
        return value
    }
}
