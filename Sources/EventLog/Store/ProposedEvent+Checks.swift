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

    /// Refuses records over `maxRecordBytes` and over-long actors.
    func checkLimits(index: Int, maxRecordBytes: Int) throws(EventLogError) {
        let size = EventRecord.size(of: self, metadata: EventRecord.encodeMetadata(metadata))
        if size > maxRecordBytes {
            throw EventLogError(
                .eventTooLarge,
                "event \(index + 1) of the batch (stream \(stream), \(type)) is \(size) bytes, over the \(maxRecordBytes)-byte limit; store large documents elsewhere and reference them",
                stream: stream, eventID: id, batchIndex: index)
        }
        if let actor, let problem = Self.actorProblem(actor) {
            throw EventLogError(.invalidEvent, "event \(index + 1) of the batch: \(problem)", stream: stream, batchIndex: index)
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
