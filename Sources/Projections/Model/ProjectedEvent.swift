import EventLog
import JSON

/// An event as folds see it: the envelope fields views use, and the payload parsed
/// once and upcast to the latest schema version of its type.
///
/// Built by ``EventDecoder`` from a ``RecordedEvent``; every projection that handles
/// the event reads the same parsed ``data``, so a payload is parsed once per pass,
/// however many views fold it.
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
    public var data: JSONObject

    public init(
        position: LogPosition, id: EventID, type: EventType, stream: StreamName, occurredAt: Timestamp,
        recordedAt: Timestamp, actor: String? = nil, causationId: EventID? = nil, correlationId: EventID? = nil,
        data: JSONObject
    ) {
        self.position = position
        self.id = id
        self.kind = EventKind(type)
        self.type = type
        self.stream = stream
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.causationId = causationId
        self.correlationId = correlationId
        self.data = data
    }

    // MARK: - Payload accessors (absent or mistyped fields read as nil)

    public func string(_ key: String) -> String? { data[key]?.stringValue }

    public func bool(_ key: String) -> Bool? { data[key]?.boolValue }

    public func int(_ key: String) -> Int64? { data[key]?.numberValue?.int64Value }

    public func double(_ key: String) -> Double? { data[key]?.numberValue?.doubleValue }

    /// An exact amount written as a money string.
    public func money(_ key: String) -> Money? { data[key]?.stringValue.flatMap(Money.init) }

    /// An RFC 3339 timestamp field.
    public func timestamp(_ key: String) -> Timestamp? { data[key]?.stringValue.flatMap { Timestamp(rfc3339: $0) } }

    /// A nested object field.
    public func object(_ key: String) -> JSONObject? { data[key]?.objectValue }

    /// An array of strings (tags, consent channels); non-strings are skipped.
    public func strings(_ key: String) -> [String]? { data[key]?.arrayValue?.compactMap(\.stringValue) }
}
