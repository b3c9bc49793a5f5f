import EventLog

/// The `--as-of` of a query: a log position, or an instant resolved to the last
/// position the log had recorded by then.
///
/// An instant means *as the view stood at that moment*: the log's `recordedAt`, not
/// the events' `occurredAt`. A purchase imported today that happened in 1997 is not
/// in the view as of 1998; use a query's period filters for business time.
public enum PointInTime: Sendable, Hashable, CustomStringConvertible {
    case position(LogPosition)
    case instant(Timestamp)

    /// Parses `--as-of`: a position (`120345`), an RFC 3339 timestamp
    /// (`2026-11-25T14:03:00Z`), or a calendar day (`2026-11-25`, meaning the end of that
    /// day, UTC).
    public init(parsing text: String) throws(ProjectionError) {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(text) {
            self = .position(LogPosition(value))
        } else if let instant = Timestamp(rfc3339: text) {
            self = .instant(instant)
        } else if text.utf8.count == 10, let start = Timestamp(rfc3339: text + "T00:00:00Z") {
            self = .instant(Timestamp(rawValue: start.rawValue + 86_400_000_000 - 1))
        } else {
            throw ProjectionError(
                .invalidPosition,
                "--as-of \"\(text.prefix(40))\" is neither a log position (a whole number such as 1200) nor a time such as 2026-11-25T14:03:00Z or 2026-11-25"
            )
        }
    }

    public var description: String {
        switch self {
        case .position(let position): return "position \(position)"
        case .instant(let instant): return instant.description
        }
    }

    /// The log position this stands for in `store`: the position itself (capped at the
    /// head), or the last event recorded at or before the instant.
    ///
    /// Cost: O(log n) record reads (the store's binary search over positions, using
    /// that `recordedAt` never goes backward along the log).
    public func resolve(in store: any EventStore) throws -> LogPosition {
        let head = try store.head().position
        switch self {
        case .position(let position):
            return min(position, head)
        case .instant(let instant):
            return min(try store.lastPosition(recordedAtOrBefore: instant), head)
        }
    }

    /// The instant queries use as "now" at this point: the instant itself, or when the
    /// event at the position was recorded.
    public func referenceTime(in store: any EventStore, position: LogPosition) throws -> Timestamp? {
        switch self {
        case .instant(let instant): return instant
        case .position:
            guard position > .start else { return nil }
            return try store.read(from: position, direction: .forward, limit: 1).first?.recordedAt
        }
    }
}
