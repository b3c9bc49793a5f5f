/// A span of time written the way rule files write it: `30m`, `12h`, `7d`, `2w`.
///
/// Goal windows (`EmailReplied` within `7d` of exposure), bandit schedules and burn-in
/// periods use it. The text is kept as written for error messages; ``seconds`` is what
/// computations use.
public struct TimeWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: Int64
    /// The text it was written as, e.g. `7d`.
    public let text: String

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
