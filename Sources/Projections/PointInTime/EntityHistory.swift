import EventLog

/// Reads a view's entities as they stood at a log position.
///
/// The current row answers directly when the entity has not changed since the
/// position. Otherwise the saved version at or before the position is loaded and the
/// entity's own events after it (at most ``EntityRecord/segmentLength``) are read from
/// the log by position and folded onto it. Nothing else of the log is read.
///
/// Cost per entity: one row read, then at most two version reads and 32 single-event
/// reads; an entity unchanged since the position costs the row read alone.
public struct EntityHistory<P: Projection> {
    let projection: P
    let reader: any ViewReader
    let store: any EventStore
    let decoder: EventDecoder
    let rows: ViewTable
    let versions: ViewTable

    public init(projection: P, reader: any ViewReader, store: any EventStore, decoder: EventDecoder) {
        self.projection = projection
        self.reader = reader
        self.store = store
        self.decoder = decoder
        rows = ViewTables.rows(projection.name)
        versions = ViewTables.versions(projection.name)
    }

    /// `entity`'s state at `position` (`nil`: now), or `nil` when no event had touched it yet.
    public func state(of entity: String, at position: LogPosition?) throws -> P.State? {
        guard let bytes = try reader.get(rows, Array(entity.utf8)) else { return nil }
        let record = try EntityRecord<P.State>(decoding: bytes, entity: entity, table: rows.name)
        return try state(of: record, entity: entity, at: position)
    }

    /// Every entity of the view at `position` (`nil`: now), in key order, until `body` returns `false`.
    public func forEach(at position: LogPosition?, _ body: (P.State) throws -> Bool) throws {
        try reader.scan(rows, from: nil, reverse: false) { key, value in
            let entity = String(decoding: key, as: UTF8.self)
            let record = try EntityRecord<P.State>(decoding: value, entity: entity, table: rows.name)
            guard let state = try state(of: record, entity: entity, at: position) else { return true }
            return try body(state)
        }
    }

    /// The positions of the events that changed `entity`, ascending (for `explain`-style output).
    public func touchCount(of entity: String) throws -> UInt64 {
        guard let bytes = try reader.get(rows, Array(entity.utf8)) else { return 0 }
        return try EntityRecord<P.State>(decoding: bytes, entity: entity, table: rows.name).touchCount
    }

    func state(of record: EntityRecord<P.State>, entity: String, at position: LogPosition?) throws -> P.State? {
        guard let position, position < record.lastTouch else { return record.state }
        guard record.firstTouch <= position else { return nil }
        var base: P.State?
        var touches: [LogPosition]
        if record.segmentStart <= position {
            // The position falls in the open segment: the last saved version (none before
            // the first) plus the touches the row itself lists.
            if record.segmentStart > .start { base = try version(entity, at: record.segmentStart).state }
            touches = record.touches
        } else {
            let prefix = EntityVersion<P.State>.prefix(entity)
            var found: EntityVersion<P.State>?
            try reader.scan(versions, from: prefix + [UInt8](bigEndian: position.rawValue), reverse: false) { key, value in
                guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                found = try EntityVersion(decoding: value, position: LogPosition(key.bigEndianUInt64(at: prefix.count)), entity: entity, table: versions.name)
                return false
            }
            guard let segment = found else {
                throw ProjectionError.corrupt(versions.name, "no saved version of \(entity) covers position \(position)")
            }
            if segment.position == position { return segment.state }
            if segment.previous > .start { base = try version(entity, at: segment.previous).state }
            touches = segment.touches
        }
        var state = base ?? P.State(entity: entity)
        for touch in touches where touch <= position {
            guard let event = try store.read(from: touch, direction: .forward, limit: 1).first, event.position == touch else {
                throw ProjectionError(.storage, "the log has no event at position \(touch), which view \(projection.name) lists for \(entity); run `ledgerline verify`")
            }
            let context = FoldContext<P.State> { other in try self.state(of: other, at: touch) }
            projection.apply(decoder.decode(event), to: &state, context: context)
        }
        return state
    }

    private func version(_ entity: String, at position: LogPosition) throws -> EntityVersion<P.State> {
        guard let bytes = try reader.get(versions, EntityVersion<P.State>.key(entity, position)) else {
            throw ProjectionError.corrupt(versions.name, "the version of \(entity) at \(position) is missing")
        }
        return try EntityVersion(decoding: bytes, position: position, entity: entity, table: versions.name)
    }
}
