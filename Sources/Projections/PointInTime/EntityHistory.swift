import EventLog

/// Reads a view's entities as they stood at a log position.
///
/// The current row answers directly when the entity has not changed since the
/// position. Otherwise the saved version at or before the position is loaded and the
/// entity's own events after it (at most ``EntityRecord/segmentLength``) are read from
/// the log by position and folded onto it. Nothing else of the log is read.
///
/// Each read takes its own snapshot and no read happens inside another: a read nested
/// in a read could wait forever behind a map resize queued between them. That is safe
/// because what a past position needs never changes once folded: touches are only
/// appended and saved versions are only added (a rebuild swapped in holds the same ones).
///
/// Each snapshot reads the set of tables the view's checkpoint names in it (`customers.rows`,
/// … or `customers.1.rows`, …): a rebuild swapped in between two reads is read from then
/// on, and holds the same versions, since it has folded at least as far as the view it
/// replaced.
///
/// Cost per entity: one row read, then at most two version reads and 32 single-event
/// reads; an entity unchanged since the position costs the row read alone. Each
/// snapshot also reads the view's checkpoint.
public struct EntityHistory<P: Projection> {
    let projection: P
    let store: any ProjectionRunner.Store
    let decoder: EventDecoder
    /// The tables' names as messages give them (generation 0's).
    let rows: ViewTable
    let versions: ViewTable

    public init(projection: P, store: any ProjectionRunner.Store, decoder: EventDecoder) {
        self.projection = projection
        self.store = store
        self.decoder = decoder
        rows = ViewTables.rows(projection.name)
        versions = ViewTables.versions(projection.name)
    }

    /// The rows table of the view in the snapshot `reader` reads.
    private func rows(in reader: any ViewReader) throws -> ViewTable {
        ViewTables.rows(projection.name, generation: try ViewTables.generation(projection.name, in: reader))
    }

    /// The saved versions table of the view in the snapshot `reader` reads.
    private func versions(in reader: any ViewReader) throws -> ViewTable {
        ViewTables.versions(projection.name, generation: try ViewTables.generation(projection.name, in: reader))
    }

    /// `entity`'s state at `position` (`nil`: now), or `nil` when no event had touched it yet.
    public func state(of entity: String, at position: LogPosition?) throws -> P.State? {
        let rows = rows
        guard let bytes = try store.snapshot({ reader in try reader.get(self.rows(in: reader), Array(entity.utf8)) })
        else { return nil }
        let record = try EntityRecord<P.State>(decoding: bytes, entity: entity, table: rows.name)
        return try state(of: record, entity: entity, at: position)
    }

    /// Every entity of the view at `position` (`nil`: now), in key order.
    ///
    /// Cost: one pass over the rows; at a past position the rows are decoded first
    /// (memory for all of them) and the entities changed since are then rebuilt.
    public func all(at position: LogPosition?) throws -> [P.State] {
        let rows = rows
        let records = try store.snapshot { reader in
            var out: [(String, EntityRecord<P.State>)] = []
            try reader.scan(self.rows(in: reader), from: nil, reverse: false) { key, value in
                let entity = String(decoding: key, as: UTF8.self)
                out.append((entity, try EntityRecord<P.State>(decoding: value, entity: entity, table: rows.name)))
                return true
            }
            return out
        }
        return try records.compactMap { entity, record in try state(of: record, entity: entity, at: position) }
    }

    /// How many events changed `entity` in all.
    public func touchCount(of entity: String) throws -> UInt64 {
        let rows = rows
        guard let bytes = try store.snapshot({ reader in try reader.get(self.rows(in: reader), Array(entity.utf8)) })
        else { return 0 }
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
            let versions = versions
            let found: EntityVersion<P.State>? = try store.snapshot { reader in
                var found: EntityVersion<P.State>?
                try reader.scan(
                    self.versions(in: reader), from: prefix + [UInt8](bigEndian: position.rawValue), reverse: false
                ) {
                    key, value in
                    guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                    found = try EntityVersion(
                        decoding: value, position: LogPosition(key.bigEndianUInt64(at: prefix.count)), entity: entity,
                        table: versions.name)
                    return false
                }
                return found
            }
            guard let segment = found else {
                throw ProjectionError.corrupt(
                    versions.name, "no saved version of \(entity) covers position \(position)")
            }
            if segment.position == position { return segment.state }
            if segment.previous > .start { base = try version(entity, at: segment.previous).state }
            touches = segment.touches
        }
        var state = base ?? P.State(entity: entity)
        for touch in touches where touch <= position {
            guard let event = try store.read(from: touch, direction: .forward, limit: 1).first, event.position == touch
            else {
                throw ProjectionError(
                    .storage,
                    "the log has no event at position \(touch), which view \(projection.name) lists for \(entity); run `ledgerline verify`"
                )
            }
            let context = FoldContext<P.State> { other in try self.state(of: other, at: touch) }
            projection.apply(decoder.decode(event), to: &state, context: context)
        }
        return state
    }

    private func version(_ entity: String, at position: LogPosition) throws -> EntityVersion<P.State> {
        let versions = versions
        guard
            let bytes = try store.snapshot({ reader in
                try reader.get(self.versions(in: reader), EntityVersion<P.State>.key(entity, position))
            })
        else {
            throw ProjectionError.corrupt(versions.name, "the version of \(entity) at \(position) is missing")
        }
        return try EntityVersion(decoding: bytes, position: position, entity: entity, table: versions.name)
    }
}
