import EventLog
import JSON
import Schemas

/// Turns stored events into ``ProjectedEvent``s: indexes each payload once and upcasts
/// it to the latest version of its type, so folds only ever see one shape per type
/// (a `DealStageChanged` v1 `from`/`to` reads as v2 `fromStage`/`toStage`).
///
/// Cost: one pass over the payload bytes to index its top-level members (see
/// ``Payload``); an event stored at an older version is parsed, upcast and written
/// back to canonical bytes first, which costs a full parse.
public struct EventDecoder: Sendable {
    public let catalog: EventCatalog
    /// The latest schema version per ``EventKind/index`` (0: unknown).
    private let latestVersions: [Int]

    public init(catalog: EventCatalog = .embedded) {
        self.catalog = catalog
        var latest = [Int](repeating: 0, count: EventKind.allCases.count)
        for info in catalog.types {
            guard let type = EventType(info.name) else { continue }
            let kind = EventKind(type)
            if kind != .other { latest[kind.index] = info.latestVersion }
        }
        latestVersions = latest
    }

    /// `event` with its payload indexed and upcast. A payload that cannot be upcast (a
    /// catalog without the step) is folded as stored.
    public func decode(_ event: RecordedEvent) -> ProjectedEvent {
        decode(event, kind: EventKind(event.type))
    }

    /// As ``decode(_:)``, with the kind already looked up.
    func decode(_ event: RecordedEvent, kind: EventKind) -> ProjectedEvent {
        ProjectedEvent(
            position: event.position, id: event.id, kind: kind, type: event.type, stream: event.stream,
            occurredAt: event.occurredAt, recordedAt: event.recordedAt, actor: event.actor,
            causationId: event.causationId, correlationId: event.correlationId,
            payload: Payload(upcast(event.payload, type: event.type, kind: kind, from: event.schemaVersion)))
    }

    /// A stored event read in place by a scan (see ``EventStore/scan(from:limit:_:)``).
    /// Cost: one copy of the payload bytes with its index, into a storage from `pool`
    /// when it has one large enough (else a new one), and the stream name; no metadata
    /// parse.
    func decode(_ stored: StoredEvent, kind: EventKind, pool: inout Payload.StoragePool) -> ProjectedEvent {
        let type = kind.eventType ?? stored.type
        let bytes = stored.payloadBytes
        let payload =
            upcast(bytes, type: type, kind: kind, from: stored.schemaVersion).map { Payload($0) }
            ?? Payload(copying: bytes, pool: &pool)
        return ProjectedEvent(
            position: stored.position, id: stored.id, kind: kind, type: type, stream: stored.stream,
            occurredAt: stored.occurredAt, recordedAt: stored.recordedAt, actor: stored.actor,
            causationId: stored.causationId, correlationId: stored.correlationId, payload: payload)
    }

    /// `bytes` as stored when they are at the latest version of the type.
    private func upcast(_ bytes: [UInt8], type: EventType, kind: EventKind, from version: Int) -> [UInt8] {
        bytes.withUnsafeBytes { upcast($0, type: type, kind: kind, from: version) } ?? bytes
    }

    /// `bytes` upcast to the latest version of the type; `nil` when they are at it
    /// already (or the catalog has no step to take them there).
    private func upcast(_ bytes: UnsafeRawBufferPointer, type: EventType, kind: EventKind, from version: Int)
        -> [UInt8]?
    {
        guard version < latestVersions[kind.index],
            let stored = try? JSONParser.parse(bytes.bindMemory(to: UInt8.self)),
            let upcast = try? catalog.upcast(type: type.rawValue, from: version, data: stored)
        else { return nil }
        return JSONWriter.canonicalBytes(upcast.data)
    }
}
