/// The durable, ordered, tamper-evident log of every CRM event.
///
/// Two implementations pass one contract test suite: ``LMDBEventStore`` (the product)
/// and ``InMemoryEventStore`` (for fast unit tests of folds). A second durable backend
/// can be added behind this protocol without touching views or rules.
///
/// Reads are synchronous: they never wait for the writer and never block it.
public protocol EventStore: AnyObject, Sendable {
    /// Appends `events` as one atomic batch and returns once it is durable.
    ///
    /// The batch may span streams; each event's ``ProposedEvent/expectedVersion`` is
    /// checked against its stream as it stands just before that event (earlier events
    /// of the batch included). Any failed expectation, invalid event or id conflict
    /// rejects the whole batch and appends nothing. An event whose id is stored already
    /// with the same content is not appended again: the result reports its original
    /// position and marks it a duplicate.
    func append(_ events: [ProposedEvent]) async throws(EventLogError) -> AppendResult

    /// Events in log order, starting at `position` (inclusive) and going `direction`.
    /// Forward from ``LogPosition/start`` reads from the first event; backward from
    /// `nil` reads from the head.
    func read(from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent]

    /// Visits up to `limit` events in log order from `position` (inclusive) in place,
    /// without decoding their envelopes, until `body` returns `false`; returns how many
    /// it visited. For folds over the whole log: a consumer reads the type and the
    /// payload bytes of each ``StoredEvent`` and decodes only what it uses, several times
    /// cheaper than ``read(from:direction:limit:)``.
    func scan(from position: LogPosition, limit: Int, _ body: (StoredEvent) -> Bool) throws(EventLogError) -> Int

    /// One stream's events from `version` (inclusive; `nil` means the first going
    /// forward and the last going backward).
    func readStream(_ stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent]

    /// Events of one type from `position` (inclusive) going `direction`: forward from
    /// `nil` reads from the first, backward from `nil` from the last (as
    /// ``read(from:direction:limit:)`` does).
    func readType(_ type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent]

    /// The events that carry `link` (a correlation or a causation id) from `position`
    /// (inclusive) going `direction`, as ``readType(_:from:direction:limit:)`` reads a
    /// type: what one request set off, or what one event caused, through an index.
    func readLinked(_ link: EventLink, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent]

    /// The first position whose event was recorded at or after `time`; `nil` when every
    /// event was recorded before it (or there are none). Where reads by time start:
    /// `recordedAt` never goes backward along the log, so this is a binary search,
    /// O(log n) record reads.
    func firstPosition(recordedAtOrAfter time: Timestamp) throws(EventLogError) -> LogPosition?

    /// The event stored under `id`, if any.
    func event(id: EventID) throws(EventLogError) -> RecordedEvent?

    /// The last position and its hash.
    func head() throws(EventLogError) -> LogHead

    /// A stream's current version; ``StreamVersion/none`` when it has no events.
    func streamVersion(_ stream: StreamName) throws(EventLogError) -> StreamVersion

    /// The streams whose names start with `prefix` (`""` for all), in the order of
    /// their names' UTF-8 bytes, beginning after `after` (exclusive), at most `limit`.
    /// Pass the last stream of one page as `after` to get the next.
    func streams(prefix: String, after: StreamName?, limit: Int) throws(EventLogError) -> [StreamSummary]

    /// Every event after `position`, then each new event as it is appended: never
    /// skipping or repeating a position. Ends when the task is cancelled.
    func subscribe(after position: LogPosition) -> EventSubscription

    /// Recomputes the hash chain from the first event and checks positions are gapless.
    ///
    /// `progress` is called with (verified through, head) after every event the chain
    /// walk verifies, and once more with (head, head) when the chain holds; it runs on
    /// the walking thread, so it must be cheap.
    func verify(progress: (@Sendable (LogPosition, LogPosition) -> Void)?) throws(EventLogError) -> VerificationReport

    /// Counts and sizes.
    func statistics() throws(EventLogError) -> LogStatistics
}

public enum ReadDirection: Sendable, Hashable {
    case forward
    case backward
}

/// The log's last position and the hash that seals everything up to it.
public struct LogHead: Sendable, Hashable {
    public var position: LogPosition
    public var hash: EventHash

    public init(position: LogPosition, hash: EventHash) {
        self.position = position
        self.hash = hash
    }

    public static let empty = LogHead(position: .start, hash: .genesis)
}

/// What one append did.
public struct AppendResult: Sendable, Hashable {
    /// One entry per proposed event, in the order proposed.
    public var events: [AppendedEvent]
    /// The log's head after the append.
    public var head: LogPosition

    public var appendedCount: Int { events.count(where: { !$0.isDuplicate }) }
    public var duplicateCount: Int { events.count(where: { $0.isDuplicate }) }
}

/// Where one proposed event ended up.
public struct AppendedEvent: Sendable, Hashable {
    public var id: EventID
    public var stream: StreamName
    public var position: LogPosition
    public var version: StreamVersion
    /// `true` when the id was stored already and nothing was appended for it.
    public var isDuplicate: Bool
}

/// The outcome of ``EventStore/verify(progress:)``.
public struct VerificationReport: Sendable, Hashable {
    /// Events whose hash was recomputed and matched.
    public var verifiedEvents: UInt64
    /// The head as stored.
    public var head: LogHead
    /// The first position that does not hold together, when there is one.
    public var firstBadPosition: LogPosition?
    /// What is wrong at ``firstBadPosition``.
    public var problem: String?
    /// What is wrong with the indexes (by id, stream, type and link) when the chain
    /// holds but they do not describe exactly the events in it: reads through them
    /// could then miss events or return the wrong ones. Always `nil` for a store that
    /// keeps no indexes on disk.
    public var indexProblem: String? = nil
    /// What is wrong with the databases the log and its indexes do not cover (LMDB's
    /// free-page list, the meta database, the views) when the chain holds: a damaged
    /// free-page list makes every write fail. Always `nil` for the in-memory store.
    public var databaseProblem: String? = nil
    /// The correlation and causation ids the verified events carry, counted on the
    /// chain walk: how many entries the link index must hold.
    var carriedLinks: UInt64 = 0

    public var isIntact: Bool { firstBadPosition == nil && indexProblem == nil && databaseProblem == nil }
}

/// Counts and sizes reported by ``EventStore/statistics()``.
public struct LogStatistics: Sendable, Hashable {
    public var events: UInt64
    public var streams: Int
    public var head: LogHead
    /// Events per type.
    public var types: [EventType: Int]
    /// Bytes of the store's files on disk (0 for the in-memory store).
    public var fileBytes: Int
    /// Bytes of pages in use.
    public var usedBytes: Int
    /// Bytes of event records (the log's payload, without index overhead).
    public var recordBytes: Int
    /// When the first and last events were recorded.
    public var firstRecordedAt: Timestamp?
    public var lastRecordedAt: Timestamp?
}

extension EventStore {
    /// The last position whose event was recorded at or before `time`: the position
    /// before the first one recorded after it, or the head when none was; `.start`
    /// when every event was recorded after it. O(log n), as
    /// ``firstPosition(recordedAtOrAfter:)``.
    public func lastPosition(recordedAtOrBefore time: Timestamp) throws(EventLogError) -> LogPosition {
        guard time.rawValue < .max, let after = try firstPosition(recordedAtOrAfter: Timestamp(rawValue: time.rawValue + 1)) else {
            return try head().position
        }
        return LogPosition(after.rawValue - 1)
    }

    /// Events of one type in log order, at or after `position`.
    public func readType(_ type: EventType, from position: LogPosition, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        try readType(type, from: position, direction: .forward, limit: limit)
    }

    /// Calls `body` with every event of `stream`, oldest first, reading `pageSize` events
    /// at a time, so a long stream is never held whole. A failed read is turned into the
    /// caller's error by `readFailure`.
    public func forEachEvent<Failure: Error>(
        in stream: StreamName, pageSize: Int = 1024, readFailure: (EventLogError) -> Failure,
        _ body: (RecordedEvent) throws(Failure) -> Void
    ) throws(Failure) {
        var next: StreamVersion? = nil
        while true {
            let page: [RecordedEvent]
            do {
                page = try readStream(stream, from: next, direction: .forward, limit: pageSize)
            } catch {
                throw readFailure(error)
            }
            for event in page { try body(event) }
            guard page.count == pageSize, let last = page.last else { return }
            next = last.version.next
        }
    }
}
