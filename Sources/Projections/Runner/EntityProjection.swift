import EventLog
import Foundation

/// Runs one ``Projection``: keeps a working set of entity rows, folds events into it,
/// saves a version every ``EntityRecord/segmentLength`` touches, and hands the changed
/// rows to the runner at commit.
///
/// Each entity lives in a reference box while it is in the working set, so folding an
/// event mutates its state in place (no copy-on-write of its arrays) and reading
/// another entity through ``FoldContext`` never conflicts with the one being changed.
final class EntityProjection<P: Projection>: ProjectionDriver {
    final class Box {
        let key: String
        /// The row key, kept so commits sort and write without re-encoding the id.
        let keyBytes: [UInt8]
        var record: EntityRecord<P.State>
        var dirty = false

        init(key: String, record: EntityRecord<P.State>) {
            self.key = key
            keyBytes = Array(key.utf8)
            self.record = record
        }

        /// The row bytes, encoded in place (an `inout` access does not copy the record)
        /// through `scratch`, and copied out at their exact size.
        func encodedRecord(using scratch: inout RowWriter) -> [UInt8] {
            scratch.reset()
            Self.encode(&record, &scratch)
            return Array(scratch.bytes)
        }

        private static func encode(_ record: inout EntityRecord<P.State>, _ writer: inout RowWriter) {
            record.encode(to: &writer)
        }
    }

    let projection: P
    let rows: ViewTable
    let versions: ViewTable
    let links: LinkTable
    private let handled: [Bool]
    var committed = LogPosition.start
    var folded = LogPosition.start
    /// Entities kept in memory between batches; the working set is dropped past this.
    let cacheLimit: Int

    private var cache: [String: Box] = [:]
    private var dirty: [Box] = []
    /// The routing buffer, reused for every event.
    private var keys: [String] = []
    private var pendingVersions: [ViewWrite] = []
    private var reader: (any ViewReader)?
    private var startsEmpty = false
    private lazy var context = FoldContext<P.State> { [unowned self] entity in
        try self.box(entity, create: false)?.record.state
    }

    init(_ projection: P, cacheLimit: Int) {
        self.projection = projection
        rows = ViewTables.rows(projection.name)
        versions = ViewTables.versions(projection.name)
        links = LinkTable(table: ViewTables.links(projection.name))
        self.cacheLimit = cacheLimit
        var handled = [Bool](repeating: false, count: EventKind.allCases.count)
        for kind in projection.handledKinds { handled[kind.index] = true }
        self.handled = handled
    }

    var name: String { projection.name }
    var version: Int { projection.version }
    var tables: [ViewTable] { [rows, versions, links.table] }

    @inline(__always)
    func handles(_ kind: EventKind) -> Bool { handled[kind.index] }

    func begin(reader: any ViewReader) {
        self.reader = reader
        links.reader = reader
    }

    func end() {
        reader = nil
        links.reader = nil
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    func fold(_ page: UnsafeBufferPointer<ProjectedEvent>) throws {
        // One call per view and page (not per event through the driver protocol).
        guard var event = page.baseAddress else { return }
        for _ in 0..<page.count {
            if event.pointee.position > folded && handled[event.pointee.kind.index] { try fold(event.pointee) }
            event += 1
        }
    }

    @inline(__always)
    private func fold(_ event: ProjectedEvent) throws {
        let position = event.position
        keys.removeAll(keepingCapacity: true)
        projection.entities(of: event, links: links, into: &keys)
        for key in keys {
            guard let box = try box(key, create: true) else { continue }
            projection.apply(event, to: &box.record.state, context: context)
            if box.record.touch(position) {
                let record = box.record
                pendingVersions.append(
                    ViewWrite(
                        table: versions, key: EntityVersion<P.State>.key(key, position),
                        value: EntityVersion.encode(
                            previous: record.segmentStart, touches: record.touches, state: record.state)))
                box.record.segmentStart = position
                box.record.touches.removeAll(keepingCapacity: true)
            }
            if !box.dirty {
                box.dirty = true
                dirty.append(box)
            }
        }
        folded = position
    }

    /// The working-set box of `key`, loading its row on a miss; a new empty entity when
    /// there is none and `create` is set.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    private func box(_ key: String, create: Bool) throws -> Box? {
        if let cached = cache[key] { return cached }
        var record: EntityRecord<P.State>?
        if !startsEmpty, let reader, let bytes = try reader.get(rows, Array(key.utf8)) {
            record = try EntityRecord(decoding: bytes, entity: key, table: rows.name)
        }
        if record == nil {
            guard create else { return nil }
            record = EntityRecord(state: P.State(entity: key))
        }
        let box = Box(key: key, record: record!)
        cache[key] = box
        return box
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    func pendingWrites() -> [ViewWrite] {
        var writes: [ViewWrite] = []
        writes.reserveCapacity(dirty.count + pendingVersions.count + links.dirty.count)
        // Rows go in key order, so the commit touches each B-tree page once. Sorting by
        // an 8-byte key prefix held in the array (boxes read only on a tie) keeps the
        // sort in cache.
        var order = dirty.indices.map { (prefix: Self.prefix(dirty[$0].keyBytes), index: $0) }
        order.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return dirty[a.index].keyBytes.lexicographicallyPrecedes(dirty[b.index].keyBytes)
        }
        dirty = order.map { dirty[$0.index] }
        for (box, value) in zip(dirty, Self.encodeRows(dirty)) {
            writes.append(ViewWrite(table: rows, key: box.keyBytes, value: value))
        }
        writes += pendingVersions
        writes += links.pendingWrites()
        return writes
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    /// The rows of `boxes`, encoded on every core when there are many: nothing else
    /// touches the boxes while a commit is prepared, and each part encodes into its own
    /// slots.
    private static func encodeRows(_ boxes: [Box]) -> [[UInt8]] {
        var values = [[UInt8]](repeating: [], count: boxes.count)
        let parts = boxes.count >= 20_000 ? max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) : 1
        values.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            nonisolated(unsafe) let boxes = boxes
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var scratch = RowWriter(capacity: 4096)
                for i in (part * boxes.count / parts)..<((part + 1) * boxes.count / parts) {
                    slots[i] = boxes[i].encodedRecord(using: &scratch)
                }
            }
        }
        return values
    }

    /// The first 8 bytes of `key`, big-endian, zero-padded: orders like the key itself.
    private static func prefix(_ key: [UInt8]) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(i < key.count ? key[i] : 0) }
        return value
    }

    func didCommit() {
        for box in dirty { box.dirty = false }
        dirty.removeAll(keepingCapacity: true)
        pendingVersions.removeAll(keepingCapacity: true)
        committed = folded
        let evict = cache.count > cacheLimit
        if evict {
            cache.removeAll()
            startsEmpty = false
        }
        links.didCommit(evict: evict)
    }

    func discard() {
        cache.removeAll()
        dirty.removeAll()
        pendingVersions.removeAll()
        links.discard()
        startsEmpty = false
        folded = committed
    }

    func startEmpty() {
        discard()
        cache.reserveCapacity(1 << 16)
        startsEmpty = true
        links.startsEmpty = true
        committed = .start
        folded = .start
    }
}
