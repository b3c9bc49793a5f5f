import EventLog
import JSON

/// An event as folds see it: the envelope fields views use, and the payload at the
/// latest schema version of its type, indexed for cheap field reads.
///
/// Built by ``EventDecoder`` from a ``RecordedEvent``; every projection that handles
/// the event reads the same ``payload``, so a payload is indexed once per pass, however
/// many views fold it.
public struct ProjectedEvent: Sendable {
    public var position: LogPosition
    public var id: EventID
    public var kind: EventKind
    public var type: EventType
    public var stream: StreamName
    /// When it happened in the world: the time folds use.
    public var occurredAt: Timestamp
    /// When the log accepted it.
    public var recordedAt: Timestamp
    public var actor: String?
    public var causationId: EventID?
    public var correlationId: EventID?
    /// The payload at the latest schema version of ``type``.
    public var payload: Payload

    public init(
        position: LogPosition, id: EventID, type: EventType, stream: StreamName, occurredAt: Timestamp,
        recordedAt: Timestamp, actor: String? = nil, causationId: EventID? = nil, correlationId: EventID? = nil,
        payload: Payload
    ) {
        self.init(
            position: position, id: id, kind: EventKind(type), type: type, stream: stream, occurredAt: occurredAt,
            recordedAt: recordedAt, actor: actor, causationId: causationId, correlationId: correlationId,
            payload: payload)
    }

    init(
        position: LogPosition, id: EventID, kind: EventKind, type: EventType, stream: StreamName,
        occurredAt: Timestamp, recordedAt: Timestamp, actor: String?, causationId: EventID?,
        correlationId: EventID?, payload: Payload
    ) {
        self.position = position
        self.id = id
        self.kind = kind
        self.type = type
        self.stream = stream
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.causationId = causationId
        self.correlationId = correlationId
        self.payload = payload
    }

    /// Where the reference to the payload's storage lies in an event, for ``prefetch(_:lines:)``.
    private static let payloadStorageOffset: Int? = MemoryLayout<ProjectedEvent>.offset(of: \.payload).flatMap {
        offset in MemoryLayout<Payload>.offset(of: \.storage).map { offset + $0 }
    }

    /// Starts loading the first `lines` cache lines of the payload of the event at
    /// `event` (its header and index, then its first bytes) without copying the event,
    /// which would retain the payload and wait for the miss. Returns what it read, for
    /// the caller to fold into a sink so the loads are not optimised away.
    @inline(__always)
    static func prefetch(_ event: UnsafePointer<ProjectedEvent>, lines: Int = 3) -> UInt64 {
        guard let offset = payloadStorageOffset,
            let storage = UnsafeRawPointer(bitPattern: UnsafeRawPointer(event).load(fromByteOffset: offset, as: UInt.self))
        else { return 0 }
        // The event holds the storage, so it is alive; it spans at least
        // `prefetchableLines` lines, so every load is inside it.
        var sum: UInt64 = 0
        for line in 0..<min(lines, Payload.Storage.prefetchableLines) {
            sum &+= storage.load(fromByteOffset: line * 64, as: UInt64.self)
        }
        return sum
    }

    // MARK: - Payload accessors (absent or mistyped fields read as nil)

    public func string(_ key: String) -> String? { payload.string(key) }

    public func bool(_ key: String) -> Bool? { payload.bool(key) }

    public func int(_ key: String) -> Int64? { payload.int(key) }

    public func double(_ key: String) -> Double? { payload.double(key) }

    /// An exact amount written as a money string.
    public func money(_ key: String) -> Money? { payload.money(key) }

    /// An RFC 3339 timestamp field.
    public func timestamp(_ key: String) -> Timestamp? { payload.timestamp(key) }

    /// A nested object field.
    public func object(_ key: String) -> JSONObject? { payload.object(key) }

    /// An array of strings (tags, consent channels); non-strings are skipped.
    public func strings(_ key: String) -> [String]? { payload.strings(key) }
}
