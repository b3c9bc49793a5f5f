import Foundation

/// An instant, in whole microseconds since 1970-01-01T00:00:00Z (UTC).
///
/// Written and read as RFC 3339 (`2026-11-25T14:03:00.25Z`); any offset is accepted on
/// input and converted to UTC, output is always UTC with `Z` and only as many fraction
/// digits as needed (none, 3 or 6).
public struct Timestamp: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(microseconds: Int64) { rawValue = microseconds }

    public init(_ date: Date) { rawValue = Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// The current wall-clock time. Only the log's writer and clients use it; folds and
    /// rules take their time from events.
    public static var now: Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(rawValue) / 1_000_000) }
    public var microseconds: Int64 { rawValue }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    /// `nil` for anything else, including impossible dates such as February 30. A
    /// fraction is cut to microseconds; a leap second (23:59:60 UTC, in any offset)
    /// reads as 23:59:59.999999.
    ///
    /// `nil` also for a time outside ``writableRange`` (see ``refusal(of:named:)``).
    public init?(rfc3339 text: String) {
        var copy = text
        guard let micros = copy.withUTF8({ Timestamp.parse($0) }), Self.writableRange.contains(Timestamp(rawValue: micros)) else { return nil }
        rawValue = micros
    }

    /// What an RFC 3339 timestamp looks like, for error messages.
    public static let formatHint = "an RFC 3339 timestamp like 2026-11-25T14:03:00Z"

    /// The instants the log accepts: UTC years 0000 to 9999. RFC 3339 writes four-digit
    /// years, so a time outside them (`9999-12-31T23:59:59-01:00` is in the year 10000
    /// in UTC) could be stored but not exported and imported again.
    public static let writableRange = Timestamp(rawValue: days(fromCivil: 0, 1, 1) * 86_400_000_000)...Timestamp(
        rawValue: days(fromCivil: 10_000, 1, 1) * 86_400_000_000 - 1)

    /// Completes "`occurredAt` 10000-01-01T00:59:59Z is " for a time outside ``writableRange``.
    public static let outsideWritableRange =
        "outside the years 0000–9999 that an RFC 3339 timestamp, and so an export, can hold; give a time within them"

    /// Why ``init(rfc3339:)`` refuses `text`, named `name` ("occurredAt", "--occurred-at"):
    /// not RFC 3339, or outside ``writableRange`` once converted to UTC.
    public static func refusal(of text: String, named name: String) -> String {
        var copy = text
        if let micros = copy.withUTF8({ parse($0) }) {
            return "\(name) \"\(text)\" is \(Timestamp(rawValue: micros)) in UTC, \(outsideWritableRange)"
        }
        return "\(name) is not \(formatHint): \"\(text.prefix(40))\"" + (flaw(in: text).map { "; \($0)" } ?? "")
    }

    public var description: String {
        let seconds = rawValue >= 0 ? rawValue / 1_000_000 : (rawValue - 999_999) / 1_000_000
        let fraction = rawValue - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        // Written digit by digit: String(format:) costs more than everything else here.
        var out: [UInt8] = []
        out.reserveCapacity(28)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            if rest >= divisor * 10 {
                out.append(contentsOf: String(rest).utf8)
                return
            }
            while divisor > 0 {
                out.append(UInt8(48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        if y < 0 {
            out.append(UInt8(ascii: "-"))
            digits(-y, 4)
        } else {
            digits(y, 4)
        }
        out.append(UInt8(ascii: "-"))
        digits(m, 2)
        out.append(UInt8(ascii: "-"))
        digits(d, 2)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            if fraction % 1000 == 0 { digits(fraction / 1000, 3) } else { digits(fraction, 6) }
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= s.count else { return nil }
            var v: Int64 = 0
            for _ in 0..<n {
                let b = s[i]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int64(b - 0x30)
                i += 1
            }
            return v
        }
        func expect(_ c: UInt8...) -> Bool {
            guard i < s.count, c.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2),
            expect(0x54, 0x74), let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A),
            let second = digits(2)
        else { return nil }
        // Second 60 is a leap second (checked against the offset below).
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour < 24, minute < 60, second <= 60
        else { return nil }
        var micros: Int64 = 0
        if i < s.count, s[i] == 0x2E {
            i += 1
            var count = 0
            while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
                if count < 6 { micros = micros * 10 + Int64(s[i] - 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if expect(0x5A, 0x7A) {
        } else if i < s.count, s[i] == 0x2B || s[i] == 0x2D {
            let negative = s[i] == 0x2D
            i += 1
            guard let oh = digits(2), expect(0x3A), let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        if second == 60 {
            // RFC 3339 allows a leap second where UTC has one: at 23:59:60 UTC. Time
            // counted in microseconds since the epoch has no room for it, so it is read
            // as the last microsecond of 23:59:59: after every earlier instant, before
            // the next day, as ordering needs.
            let utcMinuteOfDay = ((hour * 60 + minute) * 60 - offsetSeconds) / 60
            guard (utcMinuteOfDay % 1440 + 1440) % 1440 == 1439 else { return nil }
            let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + 59 - offsetSeconds
            return seconds * 1_000_000 + 999_999
        }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }
}
