import EventLog
import JSON

/// The catalog is the log's validator: every append and import is checked against it.
extension EventCatalog: EventValidator {
    public func validate(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int {
        try validate(type: type, schemaVersion: schemaVersion, data: data, checkingUpcast: true)
    }

    /// A restored event is not held to ``checkUpcast(type:from:data:)``, which is newer
    /// than some events an earlier build stored and exported.
    public func validateRestored(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int {
        try validate(type: type, schemaVersion: schemaVersion, data: data, checkingUpcast: false)
    }

    private func validate(type: EventType, schemaVersion: Int?, data: JSONObject, checkingUpcast: Bool) throws(PayloadViolation) -> Int {
        var version = schemaVersion
        do throws(SchemaError) {
            let resolved: Int
            if let schemaVersion { resolved = schemaVersion } else { resolved = try latestVersion(of: type.rawValue) }
            version = resolved
            try validate(type: type.rawValue, version: resolved, data: .object(data))
            if checkingUpcast { try checkUpcast(type: type.rawValue, from: resolved, data: data) }
            return resolved
        } catch {
            // The catalog's messages already locate problems under /data.
            throw PayloadViolation(schemaVersion: error.code == .invalidPayload ? version : nil, pointer: nil, reason: error.message)
        }
    }

    /// Refuses a payload of an older version that its upcasters cannot carry to the
    /// latest one, or carry into a payload the latest schema refuses: readers of the
    /// latest version (`read --latest-schema`, the views) would meet it as an error
    /// forever, while it is only a line to fix now. Nothing for the latest version.
    ///
    /// Cost: one upcast and one more validation, for older versions only.
    private func checkUpcast(type: String, from version: Int, data: JSONObject) throws(SchemaError) {
        let latest = try latestVersion(of: type)
        guard version < latest else { return }
        do throws(SchemaError) {
            let (reached, upcast) = try upcast(type: type, from: version, data: .object(data))
            try validate(type: type, version: reached, data: upcast)
        } catch {
            throw SchemaError(
                error.code == .invalidPayload ? .invalidPayload : .upcastFailed,
                "valid as v\(version), but not once upcast to v\(latest), as readers of the latest version see it (\(error.message)); "
                    + "give the event as v\(latest), or fix it so that it fits both",
                violations: error.violations)
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
