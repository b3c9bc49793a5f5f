import EventLog
import JSON
import Schemas

/// Turns stored events into ``ProjectedEvent``s: parses each payload once and upcasts
/// it to the latest version of its type, so folds only ever see one shape per type
/// (a `DealStageChanged` v1 `from`/`to` reads as v2 `fromStage`/`toStage`).
///
/// Cost: one JSON parse per event; an upcast (applied to the parsed value, never
/// re-encoded) only for events stored at an older version.
public struct EventDecoder: Sendable {
    public let catalog: EventCatalog
    private let latestVersions: [EventKind: Int]

    public init(catalog: EventCatalog = .embedded) {
        self.catalog = catalog
        var latest: [EventKind: Int] = [:]
        for info in catalog.types {
            guard let type = EventType(info.name) else { continue }
            let kind = EventKind(type)
            if kind != .other { latest[kind] = info.latestVersion }
        }
        latestVersions = latest
    }

    /// `event` with its payload parsed and upcast. A payload that cannot be upcast (a
    /// catalog without the step) is folded as stored.
    public func decode(_ event: RecordedEvent) -> ProjectedEvent {
        let kind = EventKind(event.type)
        var data = (try? JSONParser.parse(event.payload))?.objectValue ?? JSONObject()
        if let latest = latestVersions[kind], event.schemaVersion < latest,
            let upcast = try? catalog.upcast(type: event.type.rawValue, from: event.schemaVersion, data: .object(data)),
            let object = upcast.data.objectValue
        {
            data = object
        }
        var projected = ProjectedEvent(
            position: event.position, id: event.id, type: event.type, stream: event.stream, occurredAt: event.occurredAt,
            recordedAt: event.recordedAt, actor: event.actor, causationId: event.causationId,
            correlationId: event.correlationId, data: data)
        projected.kind = kind
        return projected
    }
}
