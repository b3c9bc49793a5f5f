import EventLog
import JSON

/// The catalog is the log's validator: every append and import is checked against it.
extension EventCatalog: EventValidator {
    public func validate(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int {
        var version = schemaVersion
        do throws(SchemaError) {
            let resolved: Int
            if let schemaVersion { resolved = schemaVersion } else { resolved = try latestVersion(of: type.rawValue) }
            version = resolved
            try validate(type: type.rawValue, version: resolved, data: .object(data))
            return resolved
        } catch {
            // The catalog's messages already locate problems under /data.
            throw PayloadViolation(schemaVersion: error.code == .invalidPayload ? version : nil, pointer: nil, reason: error.message)
        }
    }

    public func typeProblem(type: EventType, schemaVersion: Int?) -> String? {
        do throws(SchemaError) {
            let version: Int
            if let schemaVersion { version = schemaVersion } else { version = try latestVersion(of: type.rawValue) }
            _ = try schema(type: type.rawValue, version: version)
            return nil
        } catch {
            return error.message
        }
    }
}

extension EventCatalog {
    /// `event` as the latest version of its type: the stored payload is upcast through
    /// each declared step. The stored bytes, and so the hash chain, are untouched; only
    /// the returned copy's ``RecordedEvent/data`` and ``RecordedEvent/schemaVersion``
    /// change. Events already at the latest version, and types the catalog does not
    /// know, come back as they are.
    ///
    /// Cost: nothing for events at the latest version; one parse and one re-encode of
    /// the payload otherwise.
    public func latest(_ event: RecordedEvent) throws(SchemaError) -> RecordedEvent {
        guard let latest = try? latestVersion(of: event.type.rawValue), event.schemaVersion < latest else { return event }
        let (version, data) = try upcast(type: event.type.rawValue, from: event.schemaVersion, data: .object(event.data))
        var copy = event
        copy.data = data.objectValue ?? JSONObject()
        copy.schemaVersion = version
        return copy
    }
}
