/// A stored event seen in place: the record's bytes as the store holds them, read
/// field by field without decoding the whole envelope.
///
/// ``EventStore/scan(from:limit:_:)`` hands these to consumers that fold the log
/// (projections) and skip most fields of most events. Reading ``type`` bytes and
/// ``position`` costs nothing; ``decode()`` builds the full ``RecordedEvent`` (metadata
/// parsed, every string allocated), which is what ``EventStore/read(from:direction:limit:)``
/// does for every event.
///
/// Valid only inside the scan's body: the bytes belong to the store's read transaction.
public struct StoredEvent {
    let record: UnsafeRawBufferPointer

    init(record: UnsafeRawBufferPointer) { self.record = record }

    public var position: LogPosition { EventRecord.position(record) }
    public var id: EventID { EventRecord.id(record) }
    public var schemaVersion: Int { Int(EventRecord.u32(record, 8)) }
    public var occurredAt: Timestamp { Timestamp(rawValue: EventRecord.i64(record, 52)) }
    public var recordedAt: Timestamp { Timestamp(rawValue: EventRecord.i64(record, 60)) }
    public var correlationId: EventID? { record[1] & 2 != 0 ? EventID(bytes: UnsafeRawBufferPointer(rebasing: record[68..<84])) : nil }
    public var causationId: EventID? { record[1] & 4 != 0 ? EventID(bytes: UnsafeRawBufferPointer(rebasing: record[84..<100])) : nil }

    private var streamLength: Int { Int(EventRecord.u16(record, 2)) }
    private var typeLength: Int { Int(EventRecord.u16(record, 4)) }
    private var actorLength: Int { Int(EventRecord.u16(record, 6)) }
    private var typeStart: Int { EventRecord.headerSize + streamLength }

    /// The type's UTF-8 bytes, in place.
    public var typeBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: record[typeStart..<(typeStart + typeLength)])
    }

    /// The stream's UTF-8 bytes, in place.
    public var streamBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: record[EventRecord.headerSize..<(EventRecord.headerSize + streamLength)])
    }

    public var stream: StreamName { StreamName(unchecked: String(decoding: streamBytes, as: UTF8.self)) }
    public var type: EventType { EventType(unchecked: String(decoding: typeBytes, as: UTF8.self)) }

    /// The actor's UTF-8 bytes, in place; `nil` when the event has no actor.
    public var actorBytes: UnsafeRawBufferPointer? {
        guard record[1] & 1 != 0 else { return nil }
        let start = typeStart + typeLength
        return UnsafeRawBufferPointer(rebasing: record[start..<(start + actorLength)])
    }

    public var actor: String? { actorBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The payload's canonical JSON bytes, in place.
    public var payloadBytes: UnsafeRawBufferPointer {
        let length = Int(EventRecord.u32(record, 16))
        let end = record.count - EventRecord.hashSize
        return UnsafeRawBufferPointer(rebasing: record[(end - length)..<end])
    }

    /// The whole envelope, as ``EventStore/read(from:direction:limit:)`` returns it.
    public func decode() -> RecordedEvent { EventRecord.decode(record) }
}
