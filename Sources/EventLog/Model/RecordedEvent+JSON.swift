import JSON

extension RecordedEvent {
    /// The whole envelope as one line of JSON, fields in the order of DESIGN.md:
    /// `seq, id, stream, version, type, schemaVersion, occurredAt, recordedAt, actor,
    /// correlationId, causationId, data, metadata, hash`. Absent optional fields are
    /// `null`; `data` is the stored canonical payload, byte for byte.
    ///
    /// This is also the export format: `import` reads these lines back, keeping
    /// `recordedAt`, so a restored log has the same positions and hashes.
    public func writeJSONLine(to writer: inout JSONWriter) {
        writer.writeRaw("{\"seq\":")
        writer.writeRaw(String(position.rawValue))
        writer.writeRaw(",\"id\":\"")
        writer.writeRaw(id.description)
        writer.writeRaw("\",\"stream\":")
        writer.writeString(stream.rawValue)
        writer.writeRaw(",\"version\":")
        writer.writeRaw(String(version.rawValue))
        writer.writeRaw(",\"type\":")
        writer.writeString(type.rawValue)
        writer.writeRaw(",\"schemaVersion\":")
        writer.writeRaw(String(schemaVersion))
        writer.writeRaw(",\"occurredAt\":\"")
        writer.writeRaw(occurredAt.description)
        writer.writeRaw("\",\"recordedAt\":\"")
        writer.writeRaw(recordedAt.description)
        writer.writeRaw("\",\"actor\":")
        if let actor { writer.writeString(actor) } else { writer.writeRaw("null") }
        writer.writeRaw(",\"correlationId\":")
        if let correlationId { writer.writeRaw("\"\(correlationId)\"") } else { writer.writeRaw("null") }
        writer.writeRaw(",\"causationId\":")
        if let causationId { writer.writeRaw("\"\(causationId)\"") } else { writer.writeRaw("null") }
        writer.writeRaw(",\"data\":")
        writer.writeRaw(bytes: payload)
        writer.writeRaw(",\"metadata\":")
        writer.write(.object(JSONObject(metadata.mapValues { JSONValue.string($0) })))
        writer.writeRaw(",\"hash\":\"")
        writer.writeRaw(hash.description)
        writer.writeRaw("\"}")
    }

    /// The envelope as a JSON value (for pretty printing and tests).
    public var envelope: JSONValue {
        var writer = JSONWriter()
        writeJSONLine(to: &writer)
        return (try? JSONParser.parse(writer.bytes)) ?? .null
    }
}
