/// One stream as ``EventStore/streams(prefix:after:limit:)`` lists it: how many events
/// it holds, where its first and last events are in the log, and when they were
/// recorded.
public struct StreamSummary: Sendable, Hashable {
    public var stream: StreamName
    /// The stream's version: the number of events in it.
    public var version: StreamVersion
    public var firstPosition: LogPosition
    public var lastPosition: LogPosition
    /// When the stream's first event was recorded: when the stream began.
    public var firstRecordedAt: Timestamp
    /// When the stream's last event was recorded, and its type.
    public var lastRecordedAt: Timestamp
    public var lastType: EventType

    public init(
        stream: StreamName, version: StreamVersion, firstPosition: LogPosition, lastPosition: LogPosition,
        firstRecordedAt: Timestamp, lastRecordedAt: Timestamp, lastType: EventType
    ) {
        self.stream = stream
        self.version = version
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.firstRecordedAt = firstRecordedAt
        self.lastRecordedAt = lastRecordedAt
        self.lastType = lastType
    }
}
