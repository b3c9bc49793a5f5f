import EventLog

/// Where and when a query answers: the log position whose view state it reads, and the
/// instant it treats as "now" for figures that age (recency in days, overdue tasks, time
/// in the current stage).
///
/// Both are explicit, so a query answers the same whenever it is run: the position is
/// the `--as-of` position (or the head), and the reference time is `--now` when given,
/// else the `--as-of` instant, else when the event at the position was recorded. At
/// position 0 (`--as-of 0`), which no event is at, it is when the log's first event was
/// recorded, the earliest instant the log speaks for; in a log with no event at all,
/// where nothing ages, the Unix epoch (1970-01-01T00:00:00Z). Never the wall clock.
public struct QueryPoint: Sendable, Hashable {
    public var position: LogPosition
    public var referenceTime: Timestamp
    /// Whether this is the head of the log (no `--as-of`, or one at or past the head).
    public var isHead: Bool

    public init(position: LogPosition, referenceTime: Timestamp, isHead: Bool) {
        self.position = position
        self.referenceTime = referenceTime
        self.isHead = isHead
    }

    /// Resolves `--as-of` and `--now` against `store`.
    ///
    /// Throws ``ProjectionError/Code/invalidPosition`` for a position past the head.
    /// Cost: a head read, and for an instant a binary search of O(log n) event reads.
    public static func resolve(asOf: PointInTime?, now: Timestamp?, in store: any EventStore) throws -> QueryPoint {
        let head = try store.head().position
        var position = head
        if let asOf {
            if case .position(let requested) = asOf, requested > head {
                throw ProjectionError(
                    .invalidPosition,
                    "--as-of \(requested) is past the end of the log (its last position is \(head)); give a position up to \(head) or a time"
                )
            }
            position = try asOf.resolve(in: store)
        }
        let reference =
            try now ?? asOf?.referenceTime(in: store, position: position) ?? recordedAt(position, store)
            ?? recordedAt(.start.next, store) ?? emptyLogReference
        return QueryPoint(position: position, referenceTime: reference, isHead: position == head)
    }

    /// The reference time of a log that holds no event: the Unix epoch.
    public static let emptyLogReference = Timestamp(rawValue: 0)

    private static func recordedAt(_ position: LogPosition, _ store: any EventStore) throws -> Timestamp? {
        guard position > .start else { return nil }
        return try store.read(from: position, direction: .forward, limit: 1).first?.recordedAt
    }
}
