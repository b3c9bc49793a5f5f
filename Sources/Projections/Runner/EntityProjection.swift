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
    final class Box: EntityTableValue {
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
    private(set) var rows: ViewTable
    private(set) var versions: ViewTable
    let links: LinkTable
    var rebuilding = false
    var generation = 0 {
        didSet {
            guard generation != oldValue else { return }
            discard()
            rows = ViewTables.rows(projection.name, generation: generation)
            versions = ViewTables.versions(projection.name, generation: generation)
            links.table = ViewTables.links(projection.name, generation: generation)
        }
    }
    private let handled: [Bool]
    var committed = LogPosition.start
    var folded = LogPosition.start
    /// Entities kept in memory between batches; the working set is dropped past this.
    let cacheLimit: Int

    /// The working set, split by ``share(of:)``: each share is folded by its own
    /// queue when a page is folded in parallel.
    private let shares: [Share] = (0..<EntityProjection.shareCount).map { Share(index: $0) }
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

    /// Microseconds each share waits before applying a page (tests only).
    private let shareLag: UInt32

    init(_ projection: P, cacheLimit: Int, parallel: Bool = true, shareLag: UInt32 = 0) {
        self.projection = projection
        self.shareLag = shareLag
        self.parallel = parallel && ProcessInfo.processInfo.activeProcessorCount > 1
        rows = ViewTables.rows(projection.name)
        versions = ViewTables.versions(projection.name)
        links = LinkTable(table: ViewTables.links(projection.name))
        self.cacheLimit = cacheLimit
        handled = EventKind.table(projection.handledKinds)
        readsContext = EventKind.table(projection.contextKinds)
    }

    /// Shares of the working set; pages are folded on at most this many threads.
    static var shareCount: Int { 2 }
    /// Pages a share may hold queued before routing waits for it.
    static var pagesInFlight: Int { 3 }
    /// Events ahead of the one applied whose box and payload a share starts loading.
    static var prefetchDistance: Int { 6 }
    /// Handled events a page needs before folding it in parallel pays for the hand-over.
    static var parallelThreshold: Int { 1_024 }

    /// The share of an entity whose key hashes to `hash` (``EntityKey/hash(_:)``):
    /// the high bits, as the share's table places it by the low ones.
    @inline(__always)
    static func share(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 32) % shareCount
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
    func fold(_ events: EventPage) throws {
        let page = events.events
        if canFoldInParallel(page) {
            pagesFoldedInParallel += 1
            foldInParallel(events)
            return
        }
        // The boxes are this thread's again once the shares have applied their pages.
        waitForShares()
        // One call per view and page (not per event through the driver protocol).
        try page.withUnsafeBufferPointer { page in
            guard var event = page.baseAddress else { return }
            for _ in 0..<page.count {
                if event.pointee.position > folded && handled[event.pointee.kind.index] { try fold(event.pointee) }
                event += 1
            }
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
    private func canFoldInParallel(_ page: [ProjectedEvent]) -> Bool {
        guard parallel, startsEmpty, page.count >= Self.parallelThreshold else { return false }
        return page.withUnsafeBufferPointer { page in
            var count = 0
            guard let base = page.baseAddress else { return false }
            for i in 0..<page.count where base[i].position > folded && handled[base[i].kind.index] {
                if readsContext[base[i].kind.index] { return false }
                count += 1
            }
            return count >= Self.parallelThreshold
        }
    }

    /// One event routed to one entity of a share: the event's index in the page.
    struct Route {
        var index: Int
        var key: String
        var hash: UInt64
    }

    /// One share of the working set and the serial queue that applies its events.
    ///
    /// Only the share's queue touches ``cache``, ``dirty`` and ``versions`` while
    /// pages are in flight; the folding thread reads or changes them only after
    /// ``EntityProjection/waitForShares()``. Routing blocks on ``slots`` when the share
    /// is ``EntityProjection/pagesInFlight`` pages behind, which bounds the pages held.
    final class Share: @unchecked Sendable {
        let queue: DispatchQueue
        /// Free places for queued pages: routing waits when the share is this far behind.
        let slots = DispatchSemaphore(value: EntityProjection.pagesInFlight)
        let idle = DispatchGroup()
        var cache = EntityTable<Box>()
        /// Boxes first made dirty, and versions saved, since the shares were last merged.
        var dirty: [Box] = []
        var versions: [ViewWrite] = []
        /// What prefetching read (see ``EntityTable/prefetch(hash:)``), kept so the
        /// loads are not optimised away.
        var prefetched: UInt64 = 0

        init(index: Int) {
            queue = DispatchQueue(label: "ledgerline.projection-share-\(index)")
        }
    }

    /// Routes every event of `page` in order on this thread (routing reads and writes
    /// the link table), then hands each share its routed events, to be applied on the
    /// share's queue while this thread goes on to the next view or page. Each entity's
    /// events are applied in log order by the one queue that owns it, and no fold reads
    /// another entity (see ``canFoldInParallel(_:)``), so the states, versions and rows
    /// are those of folding the page in order.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    private func foldInParallel(_ page: EventPage) {
        let (routes, last) = page.events.withUnsafeBufferPointer { route($0) }
        let projection = projection
        let versions = versions
        let lag = shareLag
        for (share, routes) in zip(shares, routes) where !routes.isEmpty {
            share.slots.wait()
            share.queue.async(group: share.idle) {
                if lag > 0 { usleep(lag) }
                page.events.withUnsafeBufferPointer { page in
                    Self.apply(routes, of: page, projection: projection, versions: versions, share: share)
                }
                share.slots.signal()
            }
        }
        folded = last
    }

    /// The events of `page` to fold, by share, and the last position among them.
    private func route(_ page: UnsafeBufferPointer<ProjectedEvent>) -> ([[Route]], LogPosition) {
        var routes = [[Route]](repeating: [], count: Self.shareCount)
        for i in routes.indices { routes[i].reserveCapacity(page.count / Self.shareCount + 64) }
        var last = folded
        for i in page.indices where page[i].position > folded && handled[page[i].kind.index] {
            keys.removeAll(keepingCapacity: true)
            projection.entities(of: page[i], links: links, into: &keys)
            for key in keys {
                let hash = EntityKey.hash(key)
                routes[Self.share(of: hash)].append(Route(index: i, key: key, hash: hash))
            }
            last = page[i].position
        }
        return (routes, last)
    }

    /// Applies one share's routed events to the boxes of its cache, creating them empty.
    private static func apply(
        _ routes: [Route], of page: UnsafeBufferPointer<ProjectedEvent>, projection: P, versions: ViewTable,
        share: Share
    ) {
        // Never read: no event of a page folded in parallel reads another entity.
        let context = FoldContext<P.State> { _ in nil }
        guard let events = page.baseAddress else { return }
        // Each event's box and payload are cache misses (100,000 entities, a page read
        // on another core): their loads start a few events ahead, so they overlap.
        var prefetched: UInt64 = 0
        for (n, route) in routes.enumerated() {
            if n + Self.prefetchDistance < routes.count {
                let ahead = routes[n + Self.prefetchDistance]
                prefetched &+= share.cache.prefetch(hash: ahead.hash)
                prefetched &+= ProjectedEvent.prefetch(events + ahead.index)
            }
            let box: Box
            if let cached = share.cache.value(for: route.key, hash: route.hash) {
                box = cached
            } else {
                box = Box(key: route.key, record: EntityRecord(state: P.State(entity: route.key)))
                share.cache.insert(box, hash: route.hash)
            }
            let position = page[route.index].position
            projection.apply(page[route.index], to: &box.record.state, context: context)
            box.touched(at: position, versions: versions, saving: &share.versions, dirty: &share.dirty)
        }
        share.prefetched = prefetched
    }

    /// Waits until every share has applied the pages handed to it, then takes over
    /// what they changed: after this the working set is this thread's alone.
    private func waitForShares() {
        for share in shares {
            share.idle.wait()
            if !share.dirty.isEmpty {
                dirty += share.dirty
                share.dirty.removeAll(keepingCapacity: true)
            }
            if !share.versions.isEmpty {
                pendingVersions += share.versions
                share.versions.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The working-set box of `key`, loading its row on a miss; a new empty entity when
    /// there is none and `create` is set.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    private func box(_ key: String, create: Bool) throws -> Box? {
        let hash = EntityKey.hash(key)
        let share = shares[Self.share(of: hash)]
        if let cached = share.cache.value(for: key, hash: hash) { return cached }
        var record: EntityRecord<P.State>?
        if !startsEmpty, let reader, let bytes = try reader.get(rows, Array(key.utf8)) {
            record = try EntityRecord(decoding: bytes, entity: key, table: rows.name)
        }
        if record == nil {
            guard create else { return nil }
            record = EntityRecord(state: P.State(entity: key))
        }
        let box = Box(key: key, record: record!)
        share.cache.insert(box, hash: hash)
        return box
    }

    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
    func pendingWrites() -> PendingWrites {
        waitForShares()
        // Rows go in key order, so the commit appends them page after page.
        dirty = Self.sortedByKey(dirty)
        return PendingWrites(blocks: encodeRows(dirty), writes: pendingVersions + links.pendingWrites())
    }

    /// `boxes` in key order. Sorting by an 8-byte key prefix held in the array (boxes
    /// are read only on a tie) keeps the sort in cache; many boxes are sorted in halves
    /// on two cores, then merged.
    static func sortedByKey(_ boxes: [Box]) -> [Box] {
        typealias Entry = (prefix: UInt64, index: Int)
        nonisolated(unsafe) let boxes = boxes
        @Sendable func inOrder(_ a: Entry, _ b: Entry) -> Bool {
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return boxes[a.index].keyBytes.lexicographicallyPrecedes(boxes[b.index].keyBytes)
        }
        let parts = boxes.count >= 20_000 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        var runs = [[Entry]](repeating: [], count: parts)
        runs.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * boxes.count / parts)..<((part + 1) * boxes.count / parts)
                var run = range.map { (prefix: Self.prefix(boxes[$0].keyBytes), index: $0) }
                run.sort(by: inOrder)
                slots[part] = run
            }
        }
        guard parts == 2 else { return runs[0].map { boxes[$0.index] } }
        var sorted: [Box] = []
        sorted.reserveCapacity(boxes.count)
        var (i, j) = (0, 0)
        let (a, b) = (runs[0], runs[1])
        while i < a.count && j < b.count {
            if inOrder(b[j], a[i]) {
                sorted.append(boxes[b[j].index])
                j += 1
            } else {
                sorted.append(boxes[a[i].index])
                i += 1
            }
        }
        for entry in a[i...] { sorted.append(boxes[entry.index]) }
        for entry in b[j...] { sorted.append(boxes[entry.index]) }
        return sorted
    }

    /// The rows of `boxes` in blocks of consecutive rows, encoded on every core when
    /// there are many: nothing else touches the boxes while a commit is prepared, and
    /// each part fills its own block.
    @_specialize(where P == CustomerProjection)
    @_specialize(where P == PipelineProjection)
    @_specialize(where P == TaskProjection)
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
                // Room for rows of 1 KiB on average: pages of the buffer that are never
                // written are never touched, so a generous guess costs nothing, and a
                // buffer that had to grow would be copied.
                var writer = RowWriter(capacity: range.count * 1_024)
                block.keys.reserveCapacity(range.count)
                block.ends.reserveCapacity(range.count)
                for i in range {
                    boxes[i].encode(to: &writer)
                    block.keys.append(boxes[i].keyBytes)
                    block.ends.append(writer.count)
                }
                block.bytes = writer.finish()
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

    /// Called after ``pendingWrites()``, which took over what the shares changed.
    func didCommit() {
        for box in dirty { box.dirty = false }
        dirty.removeAll(keepingCapacity: true)
        pendingVersions.removeAll(keepingCapacity: true)
        committed = folded
        let evict = shares.reduce(0) { $0 + $1.cache.count } > cacheLimit
        if evict {
            for share in shares { share.cache.removeAll() }
            startsEmpty = false
        }
        links.didCommit(evict: evict)
    }

    func discard() {
        waitForShares()
        for share in shares { share.cache.removeAll() }
        dirty.removeAll()
        pendingVersions.removeAll()
        links.discard()
        startsEmpty = false
        folded = committed
    }

    func startEmpty() {
        discard()
        for share in shares { share.cache.reserveCapacity((1 << 16) / Self.shareCount) }
        startsEmpty = true
        links.startsEmpty = true
        committed = .start
        folded = .start
    }
}
