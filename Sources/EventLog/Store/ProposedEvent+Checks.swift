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
        if let actor, actor.utf8.count > 1024 {
            throw EventLogError(.invalidEvent, "event \(index + 1) of the batch: the actor is longer than 1024 bytes", stream: stream, batchIndex: index)
        }
    }
}
