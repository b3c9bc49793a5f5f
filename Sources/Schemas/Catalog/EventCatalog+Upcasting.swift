import JSON

extension EventCatalog {
    /// `data`, a payload of `type` stored at `version`, translated to the latest
    /// version by chaining upcasters (v1→v2→…). A payload already at the latest
    /// version is returned unchanged. The stored event is never touched.
    ///
    /// - Returns: the version reached (the latest) and the payload in that shape.
    /// - Throws: ``SchemaError``: `unknownType`/`unknownVersion`, or `upcastFailed`
    ///   when a version has no upcaster onward or an operation does not apply.
    public func upcast(type: String, from version: Int, data: JSONValue) throws(SchemaError) -> (version: Int, data: JSONValue) {
        _ = try schema(type: type, version: version)
        let entry = entries[type]!
        let latest = entry.versions.last!
        var current = version
        var payload = data
        while current < latest {
            guard let upcaster = entry.upcasters[current] else {
                throw SchemaError(.upcastFailed, "\(type) v\(current) cannot be read as v\(latest): there is no upcaster from v\(current); add \(type).v\(current)-to-v\(current + 1).json")
            }
            payload = try upcaster.apply(to: payload)
            current = upcaster.toVersion
        }
        return (current, payload)
    }
}
