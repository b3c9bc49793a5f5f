import EventLog

/// A span of time written the way rule files write it: `30m`, `12h`, `7d`, `2w`.
///
/// Goal windows (`EmailReplied` within `7d` of exposure), bandit schedules and burn-in
/// periods use it. The text is kept as written for error messages; ``seconds`` is what
/// computations use, and ``microseconds`` what they compare with log times.
///
/// A definition may give at most ``maximum`` (ten years); a window read back from the
/// log is taken as it is, and ``microseconds`` saturates rather than overflow.
public struct TimeWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: Int64
    /// The text it was written as, e.g. `7d`.
    public let text: String

    /// The longest window a definition may give: 3650 days (ten years). Longer is no
    /// experiment anyone can wait for, and a window of 2^63 µs no longer fits log times.
    public static let maximum = TimeWindow(seconds: 3650 * 86_400, text: "3650d")

    /// ``seconds`` in microseconds, the unit of log times; `Int64.max` (or `.min`) when
    /// that does not fit, which only a window published by another build could be.
    public var microseconds: Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard overflow else { return product }
        return seconds < 0 ? .min : .max
    }

    /// `time` moved on by this window, saturating at the ends of `Int64` instead of
    /// overflowing.
    public func after(_ time: Timestamp) -> Timestamp {
        let (sum, overflow) = time.rawValue.addingReportingOverflow(microseconds)
        guard overflow else { return Timestamp(rawValue: sum) }
        return Timestamp(rawValue: microseconds < 0 ? .min : .max)
    }

    /// Parses `<count><unit>` with units `s`, `m`, `h`, `d`, `w`; `nil` otherwise.
    public init?(_ text: String) {
        guard let unit = text.last, text.count >= 2, let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        seconds = product
        self.text = text
    }

    private init(seconds: Int64, text: String) {
        self.seconds = seconds
        self.text = text
    }

    public init(seconds: Int64) {
        self.seconds = seconds
        if seconds % 604_800 == 0 && seconds > 0 {
            text = "\(seconds / 604_800)w"
        } else if seconds % 86_400 == 0 && seconds > 0 {
            text = "\(seconds / 86_400)d"
        } else if seconds % 3600 == 0 && seconds > 0 {
            text = "\(seconds / 3600)h"
        } else if seconds % 60 == 0 && seconds > 0 {
            text = "\(seconds / 60)m"
        } else {
            text = "\(seconds)s"
        }
    }

    public var description: String { text }

    public static func == (lhs: TimeWindow, rhs: TimeWindow) -> Bool { lhs.seconds == rhs.seconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(seconds) }
}
