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

        /// Records that an event at `position` was applied: saves a version row (in
        /// table `versions`, appended to `saved`) when one is due, and lists the box in
        /// `dirty` the first time it changes after a commit.
        func touched(at position: LogPosition, versions: ViewTable, saving saved: inout [ViewWrite], dirty: inout [Box]) {
            if record.touch(position) {
                saved.append(
                    ViewWrite(
                        table: versions, key: EntityVersion<P.State>.key(key, position),
                        value: EntityVersion.encode(
                            previous: record.segmentStart, touches: record.touches, state: record.state)))
                record.segmentStart = position
                record.touches.removeAll(keepingCapacity: true)
            }
            if !self.dirty {
                self.dirty = true
                dirty.append(self)
            }
        }

        /// Appends the row to `writer`, encoded in place (an `inout` access does not
        /// copy the record).
        func encode(to writer: inout RowWriter) {
            Self.encode(&record, &writer)
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

    /// The working set, split by ``share(of:)``: each share is folded by one thread
    /// when a page is folded in parallel.
    private var caches = [[String: Box]](repeating: [:], count: EntityProjection.shares)
    private var dirty: [Box] = []
    /// Kinds whose fold reads other entities (``Projection/contextKinds``), by index.
    private let readsContext: [Bool]
    /// Whether a rebuild may fold pages in parallel (asked for, and more than one core).
    private let parallel: Bool
    /// Pages this view folded on several threads (tests check the path was taken).
    private(set) var pagesFoldedInParallel = 0
    /// The routing buffer, reused for every event.
    private var keys: [String] = []
    private var pendingVersions: [ViewWrite] = []
    private var reader: (any ViewReader)?
    private var startsEmpty = false
    private lazy var context = FoldContext<P.State> { [unowned self] entity in
        try self.box(entity, create: false)?.record.state
    }

    init(_ projection: P, cacheLimit: Int, parallel: Bool = true) {
        self.projection = projection
        self.parallel = parallel && ProcessInfo.processInfo.activeProcessorCount > 1
        rows = ViewTables.rows(projection.name)
        versions = ViewTables.versions(projection.name)
        links = LinkTable(table: ViewTables.links(projection.name))
        self.cacheLimit = cacheLimit
        var handled = [Bool](repeating: false, count: EventKind.allCases.count)
        for kind in projection.handledKinds { handled[kind.index] = true }
        self.handled = handled
        readsContext = EventKind.table(projection.contextKinds)
    }

    /// Shares of the working set; pages are folded on at most this many threads.
    static var shares: Int { 2 }
    /// Handled events a page needs before folding it in parallel pays for the hand-over.
    static var parallelThreshold: Int { 1_024 }

    /// The share an entity belongs to: a cheap hash of its key's bytes.
    @inline(__always)
    static func share(of key: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash >> 16) % shares
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
        if canFoldInParallel(page) {
            pagesFoldedInParallel += 1
            foldInParallel(page)
            return
        }
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
            box.touched(at: position, versions: versions, saving: &pendingVersions, dirty: &dirty)
        }
        folded = position
    }

    // MARK: - Folding a page on several threads

    /// Whether `page` may be folded in parallel: a rebuild from empty (no rows to load,
    /// so no reads of the view), enough events, and none whose fold reads another
    /// entity (which may belong to another thread's share).
    private func canFoldInParallel(_ page: UnsafeBufferPointer<ProjectedEvent>) -> Bool {
        guard parallel, startsEmpty, page.count >= Self.parallelThreshold else { return false }
        var count = 0
        guard let base = page.baseAddress else { return false }
        for i in 0..<page.count where base[i].position > folded && handled[base[i].kind.index] {
            if readsContext[base[i].kind.index] { return false }
            count += 1
        }
        return count >= Self.parallelThreshold
    }

    /// One event routed to one entity of a share: the event's index in the page.
    private struct Route {
        var index: Int
        var key: String
    }

    /// What one share's thread changed: boxes first made dirty, versions saved.
    private struct ShareResult {
        var dirty: [Box] = []
        var versions: [ViewWrite] = []
    }

    /// Routes every event of `page` in order on this thread (routing reads and writes
    /// the link table), then applies the routed events share by share, a thread per
    /// share. Each entity's events are applied in log order by the one thread that owns
    /// it, and no fold reads another entity (see ``canFoldInParallel(_:)``), so the
    /// states, versions and rows are those of folding the page in order.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    private func foldInParallel(_ page: UnsafeBufferPointer<ProjectedEvent>) {
        var routes = [[Route]](repeating: [], count: Self.shares)
        for i in routes.indices { routes[i].reserveCapacity(page.count / Self.shares + 64) }
        var last = folded
        for i in page.indices where page[i].position > folded && handled[page[i].kind.index] {
            keys.removeAll(keepingCapacity: true)
            projection.entities(of: page[i], links: links, into: &keys)
            for key in keys { routes[Self.share(of: key)].append(Route(index: i, key: key)) }
            last = page[i].position
        }
        let context = self.context
        var results = [ShareResult](repeating: ShareResult(), count: Self.shares)
        caches.withUnsafeMutableBufferPointer { caches in
            results.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let caches = caches
                nonisolated(unsafe) let results = results
                let routes = routes
                nonisolated(unsafe) let page = page
                nonisolated(unsafe) let context = context
                let projection = projection
                let versions = versions
                DispatchQueue.concurrentPerform(iterations: Self.shares) { share in
                    Self.apply(
                        routes[share], of: page, projection: projection, context: context, versions: versions,
                        cache: &caches[share], into: &results[share])
                }
            }
        }
        for result in results {
            dirty += result.dirty
            pendingVersions += result.versions
        }
        folded = last
    }

    /// Applies one share's routed events to the boxes of `cache`, creating them empty.
    private static func apply(
        _ routes: [Route], of page: UnsafeBufferPointer<ProjectedEvent>, projection: P, context: FoldContext<P.State>,
        versions: ViewTable, cache: inout [String: Box], into result: inout ShareResult
    ) {
        for route in routes {
            let box: Box
            if let cached = cache[route.key] {
                box = cached
            } else {
                box = Box(key: route.key, record: EntityRecord(state: P.State(entity: route.key)))
                cache[route.key] = box
            }
            let position = page[route.index].position
            projection.apply(page[route.index], to: &box.record.state, context: context)
            box.touched(at: position, versions: versions, saving: &result.versions, dirty: &result.dirty)
        }
    }

    /// The working-set box of `key`, loading its row on a miss; a new empty entity when
    /// there is none and `create` is set.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    private func box(_ key: String, create: Bool) throws -> Box? {
        let share = Self.share(of: key)
        if let cached = caches[share][key] { return cached }
        var record: EntityRecord<P.State>?
        if !startsEmpty, let reader, let bytes = try reader.get(rows, Array(key.utf8)) {
            record = try EntityRecord(decoding: bytes, entity: key, table: rows.name)
        }
        if record == nil {
            guard create else { return nil }
            record = EntityRecord(state: P.State(entity: key))
        }
        let box = Box(key: key, record: record!)
        caches[share][key] = box
        return box
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    func pendingWrites() -> PendingWrites {
        // Rows go in key order, so the commit touches each B-tree page once. Sorting by
        // an 8-byte key prefix held in the array (boxes read only on a tie) keeps the
        // sort in cache.
        var order = dirty.indices.map { (prefix: Self.prefix(dirty[$0].keyBytes), index: $0) }
        order.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return dirty[a.index].keyBytes.lexicographicallyPrecedes(dirty[b.index].keyBytes)
        }
        dirty = order.map { dirty[$0.index] }
        return PendingWrites(blocks: encodeRows(dirty), writes: pendingVersions + links.pendingWrites())
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    /// The rows of `boxes` in blocks of consecutive rows, encoded on every core when
    /// there are many: nothing else touches the boxes while a commit is prepared, and
    /// each part fills its own block.
    private func encodeRows(_ boxes: [Box]) -> [RowBlock] {
        guard !boxes.isEmpty else { return [] }
        let parts = boxes.count >= 20_000 ? max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) : 1
        var blocks = [RowBlock](repeating: RowBlock(table: rows), count: parts)
        blocks.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            nonisolated(unsafe) let boxes = boxes
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * boxes.count / parts)..<((part + 1) * boxes.count / parts)
                var block = slots[part]
                var writer = RowWriter(capacity: range.count * 256)
                block.keys.reserveCapacity(range.count)
                block.ends.reserveCapacity(range.count)
                for i in range {
                    boxes[i].encode(to: &writer)
                    block.keys.append(boxes[i].keyBytes)
                    block.ends.append(writer.bytes.count)
                }
                block.bytes = writer.bytes
                slots[part] = block
            }
        }
        return blocks
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
        let evict = caches.reduce(0) { $0 + $1.count } > cacheLimit
        if evict {
            for share in caches.indices { caches[share].removeAll() }
            startsEmpty = false
        }
        links.didCommit(evict: evict)
    }

    func discard() {
        for share in caches.indices { caches[share].removeAll() }
        dirty.removeAll()
        pendingVersions.removeAll()
        links.discard()
        startsEmpty = false
        folded = committed
    }

    func startEmpty() {
        discard()
        for share in caches.indices { caches[share].reserveCapacity((1 << 16) / Self.shares) }
        startsEmpty = true
        links.startsEmpty = true
        committed = .start
        folded = .start
    }
}
