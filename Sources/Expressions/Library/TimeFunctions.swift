import Foundation
import Synchronization

/// The timestamp and duration accessors: `getFullYear`, `getMonth`, `getDate`,
/// `getDayOfMonth`, `getDayOfWeek`, `getDayOfYear`, `getHours`, `getMinutes`, `getSeconds`,
/// `getMilliseconds`.
///
/// On a timestamp each takes an optional time zone: an IANA name (`'Europe/Paris'`,
/// `'US/Central'`, `'UTC'`) or a fixed offset (`'+05:30'`, `'-02:30'`, `'02:00'`); without one
/// the fields are in UTC. `getMonth`, `getDayOfMonth` and `getDayOfYear` are zero-based,
/// `getDate` is one-based, `getDayOfWeek` has Sunday as 0. On a duration, `getHours`,
/// `getMinutes` and `getSeconds` are the whole duration in that unit (truncated) and
/// `getMilliseconds` is the millisecond part.
enum TimeFunctions {
    enum Field: String, CaseIterable, Sendable {
        case fullYear = "getFullYear", month = "getMonth", date = "getDate", dayOfMonth = "getDayOfMonth"
        case dayOfWeek = "getDayOfWeek", dayOfYear = "getDayOfYear", hours = "getHours", minutes = "getMinutes"
        case seconds = "getSeconds", milliseconds = "getMilliseconds"
    }

    static func get(_ field: Field, _ value: Value) throws(EvalError) -> Value {
        switch value {
        case .timestamp(let t): return .int(component(field, of: t, offset: 0))
        case .duration(let d):
            switch field {
            case .hours: return .int(d.seconds / 3600)
            case .minutes: return .int(d.seconds / 60)
            case .seconds: return .int(d.seconds)
            case .milliseconds: return .int(Int64(d.nanos / 1_000_000))
            default: throw .noOverload(field.rawValue, value)
            }
        default: throw .noOverload(field.rawValue, value)
        }
    }

    static func get(_ field: Field, _ value: Value, zone: Value) throws(EvalError) -> Value {
        guard case .timestamp(let t) = value, case .string(let name) = zone else {
            throw .noOverload(field.rawValue, value, zone)
        }
        return .int(component(field, of: t, offset: try offset(of: name, at: t.seconds)))
    }

    private static func component(_ field: Field, of t: Value.Timestamp, offset: Int64) -> Int64 {
        if field == .milliseconds { return Int64(t.nanos / 1_000_000) }
        let civil = CivilTime(seconds: t.seconds + offset)
        switch field {
        case .fullYear: return civil.year
        case .month: return civil.month - 1
        case .date: return civil.day
        case .dayOfMonth: return civil.day - 1
        case .dayOfWeek: return civil.weekday
        case .dayOfYear: return civil.dayOfYear
        case .hours: return civil.hour
        case .minutes: return civil.minute
        case .seconds: return civil.second
        case .milliseconds: return Int64(t.nanos / 1_000_000)
        }
    }

    /// Seconds east of UTC for a zone name at an instant.
    static func offset(of zone: String, at seconds: Int64) throws(EvalError) -> Int64 {
        if let fixed = fixedOffset(zone) { return fixed }
        guard let timeZone = cachedZone(zone) else {
            throw EvalError(
                .invalidArgument,
                "unknown time zone '\(zone)'; use an IANA name like 'Europe/Paris' or an offset like '+05:30'")
        }
        return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// `[+-]HH:MM` (sign optional) as seconds, or nil when the text is not of that shape.
    static func fixedOffset(_ zone: String) -> Int64? {
        var b = Array(zone.utf8)[...]
        var sign: Int64 = 1
        if let first = b.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            b = b.dropFirst()
        }
        guard b.count == 5, b[b.startIndex + 2] == UInt8(ascii: ":") else { return nil }
        let digits = b.filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let hours = Int64(digits[0] - 0x30) * 10 + Int64(digits[1] - 0x30)
        let minutes = Int64(digits[2] - 0x30) * 10 + Int64(digits[3] - 0x30)
        guard hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static let zones = Mutex<[String: TimeZone?]>([:])

    /// Foundation time zones by name, cached: constructing one reads the zone database.
    private static func cachedZone(_ name: String) -> TimeZone? {
        if let cached = zones.withLock({ $0[name] }) { return cached }
        let zone = TimeZone(identifier: name)
        zones.withLock { $0[name] = .some(zone) }
        return zone
    }
}
