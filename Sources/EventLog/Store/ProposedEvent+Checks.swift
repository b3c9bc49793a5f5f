extension ProposedEvent {
    /// Validates and size-checks a batch on the appender's task, before it reaches a
    /// writer; fills in each event's schema version from the validator.
    static func prepare(_ events: [ProposedEvent], validator: (any EventValidator)?, maxRecordBytes: Int) throws(EventLogError) -> [ProposedEvent] {
        var checked = events
        for index in checked.indices {
            let event = checked[index]
            if let validator, !event.isPrevalidated {
                do throws(PayloadViolation) {
                    checked[index].schemaVersion = try validator.validate(type: event.type, schemaVersion: event.schemaVersion, data: event.data)
                } catch {
                    throw EventLogError(
                        .invalidEvent, error.message(stream: event.stream, type: event.type), stream: event.stream,
                        eventID: event.id, batchIndex: index)
                }
            }
            try checked[index].checkLimits(index: index, maxRecordBytes: maxRecordBytes)
        }
        return checked
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
