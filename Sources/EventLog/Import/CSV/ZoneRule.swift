import Foundation

/// The time zone of times written without an offset: UTC, a fixed offset, or an IANA
/// zone whose offset follows daylight saving time.
public enum ZoneRule: Sendable, Hashable, CustomStringConvertible {
    case utc
    /// Seconds east of UTC.
    case fixed(Int)
    case named(TimeZone)

    /// Parses `UTC`, `Z`, `+02:00`, `-0500` or an IANA name such as `Europe/Berlin`.
    public init?(_ text: String) {
        switch text {
        case "UTC", "utc", "Z", "GMT", "Etc/UTC": self = .utc
        default:
            if let first = text.first, first == "+" || first == "-" {
                let digits = text.dropFirst().filter { $0 != ":" }
                guard digits.count == 2 || digits.count == 4, digits.allSatisfy(\.isASCII), let value = Int(digits)
                else { return nil }
                let (hours, minutes) = digits.count == 2 ? (value, 0) : (value / 100, value % 100)
                guard hours < 24, minutes < 60 else { return nil }
                self = .fixed((hours * 3600 + minutes * 60) * (first == "-" ? -1 : 1))
            } else if text.contains("/"), let zone = TimeZone(identifier: text) {
                self = .named(zone)
            } else {
                return nil
            }
        }
    }

    /// Seconds since the epoch of a wall-clock time, given as seconds since the epoch
    /// as if it were UTC. In a gap or overlap of daylight saving time, the offset in
    /// force just before the change applies: in a gap (02:30 on the night clocks go
    /// forward) that moves the time forward by the gap's length, as java.time and RFC 5545
    /// do; in an overlap (01:30 on the night clocks go back) it picks the earlier instant.
    func utcSeconds(fromLocal local: Int64) -> Int64 {
        switch self {
        case .utc: return local
        case .fixed(let offset): return local - Int64(offset)
        case .named(let zone):
            func offset(at instant: Int64) -> Int64 {
                Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
            }
            // No zone changes its offset twice within a day, so the offsets a day
            // either side are the ones before and after any change near `local`.
            let before = offset(at: local - 86_400)
            let after = offset(at: local + 86_400)
            if offset(at: local - before) == before { return local - before }
            if offset(at: local - after) == after { return local - after }
            return local - before
        }
    }

    public var description: String {
        switch self {
        case .utc: return "UTC"
        case .fixed(let offset):
            let magnitude = abs(offset)
            let sign = offset < 0 ? "-" : "+"
            let hours = magnitude / 3600
            let minutes = magnitude / 60 % 60
            return sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        case .named(let zone): return zone.identifier
        }
    }
}
