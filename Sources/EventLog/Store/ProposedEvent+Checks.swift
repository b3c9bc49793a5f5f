extension ProposedEvent {
    /// Validates, size-checks and encodes a batch on the appender's task, before it
    /// reaches a writer: the writer then only patches positions and hashes.
    static func prepare(_ events: [ProposedEvent], validator: (any EventValidator)?, maxRecordBytes: Int, now: Timestamp = .now) throws(EventLogError) -> PreparedBatch {
        var batch = PreparedBatch(reservingCapacity: events.count)
        let milliseconds = UInt64(max(0, now.rawValue / 1000))
        for (index, event) in events.enumerated() {
            var schemaVersion = event.schemaVersion ?? 1
            if let validator, !event.isPrevalidated {
                do throws(PayloadViolation) {
                    schemaVersion = try validator.validate(type: event.type, schemaVersion: event.schemaVersion, data: event.data)
                } catch {
                    throw EventLogError(
                        .invalidEvent, error.message(stream: event.stream, type: event.type), stream: event.stream,
                        eventID: event.id, batchIndex: index)
                }
            }
            try event.checkLimits(index: index, maxRecordBytes: maxRecordBytes)
            batch.append(event, id: event.id ?? EventID.generate(milliseconds: milliseconds), schemaVersion: schemaVersion)
        }
        return batch
    }

    /// Refuses records over `maxRecordBytes`, over-long actors and times the log could
    /// not export (see ``limitProblem(maxRecordBytes:)``).
    func checkLimits(index: Int, maxRecordBytes: Int) throws(EventLogError) {
        guard let (code, problem) = limitProblem(maxRecordBytes: maxRecordBytes) else { return }
        throw EventLogError(code, "event \(index + 1) of the batch (stream \(stream), \(type)): \(problem)", stream: stream, eventID: id, batchIndex: index)
    }

    /// What makes this event one the log refuses whatever it holds, or `nil`: the nil
    /// UUID as its id, correlation id or causation id, a record over `maxRecordBytes`,
    /// an actor over 1024 bytes, an `occurredAt` outside the years RFC 3339 can write
    /// (``Timestamp/writableRange``). Worded to follow "the event" or a batch position;
    /// the importers quote it for a line.
    func limitProblem(maxRecordBytes: Int) -> (EventLogError.Code, String)? {
        // Three comparisons of two words each, and nothing built unless one fails: this
        // runs for every event appended or imported.
        if let problem = Self.idProblem(id, .id, named: "the id")
            ?? Self.idProblem(correlationId, .correlationId, named: "the correlationId")
            ?? Self.idProblem(causationId, .causationId, named: "the causationId")
        {
            return (.invalidEvent, problem)
        }
        let metadata = EventRecord.encodeMetadata(of: self)
        let size = EventRecord.size(of: self, metadata: metadata)
        if size > maxRecordBytes {
            let parts = metadata.isEmpty ? "\(payload.count.formatted()) of them data" : "\(payload.count.formatted()) of data and \(metadata.count.formatted()) of metadata"
            return (
                .eventTooLarge,
                "the event is \(size.formatted()) bytes once encoded (\(parts)), over the \(maxRecordBytes)-byte limit\(maxRecordBytes == 1 << 20 ? " (1 MiB)" : ""); "
                    + "store large documents elsewhere and reference them"
            )
        }
        if let actor, let problem = Self.actorProblem(actor) {
            return (.invalidEvent, problem)
        }
        if let occurredAt, !Timestamp.writableRange.contains(occurredAt) {
            return (.invalidEvent, "occurredAt \(occurredAt) is \(Timestamp.outsideWritableRange)")
        }
        return nil
    }

    /// Which of an event's ids a value is given for.
    public enum IDField: Sendable, Hashable {
        case id, correlationId, causationId
    }

    /// Why `id`, given for the event's `field` under `name` (`--id`, `"causationId"`),
    /// cannot be that, or `nil` when it can: the nil UUID is no event's id, so as an
    /// id it would be one event's by accident (every client that sends it collides on
    /// it), and as a correlation or causation id it links the event to nothing while
    /// looking like a link. Every entry point (the store's append, both importers, the
    /// CLI) asks this, so each refuses it alike.
    public static func idProblem(_ id: EventID?, _ field: IDField, named name: String) -> String? {
        guard id == EventID.nilUUID else { return nil }
        let said = "\(name) is the nil UUID \(EventID.nilUUID), which is no event's id"
        switch field {
        case .id:
            return "\(said); give a real UUID, or leave \(name) out and one is made"
        case .correlationId:
            return
                "\(said) and links this event to nothing; give the id the events of one request or chain share, or leave \(name) out"
        case .causationId:
            return
                "\(said) and links this event to nothing; give the id of the event that caused this one, or leave \(name) out"
        }
    }

    /// The longest actor accepted, in UTF-8 bytes.
    public static let maximumActorLength = 1024

    /// Why `actor` cannot be an event's actor, or `nil` when it can: at most
    /// ``maximumActorLength`` bytes and, like a stream name, no control characters
    /// (an actor is printed in audit trails and logs one event per line). Spaces are
    /// allowed.
    public static func actorProblem(_ actor: String) -> String? {
        if actor.utf8.count > maximumActorLength { return "the actor is longer than \(maximumActorLength) bytes" }
        var ascii = true
        for byte in actor.utf8 {
            if byte >= 0x80 { ascii = false } else if byte < 0x20 || byte == 0x7F { return "an actor may not contain control characters" }
        }
        if !ascii, actor.unicodeScalars.contains(where: { $0.value >= 0x80 && $0.value < 0xA0 }) {
            return "an actor may not contain control characters"
        }
        return nil
    }
}
