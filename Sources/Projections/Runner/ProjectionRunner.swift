import EventLog

/// Folds the log into views: catches each projection up from its checkpoint, then
/// follows the live log.
///
/// ## Exactly once
/// Events are folded in batches. For each batch the runner reads the log and the
/// views in one snapshot, folds the events into an in-memory working set, and then
/// writes the changed rows *and* every projection's new checkpoint in one
/// ``ViewStorage/writeViews(_:)`` transaction. That transaction first checks that the
/// stored checkpoints are still the ones the batch was folded from; if another
/// process moved them, nothing is written and the batch is folded again from the
/// stored state. So whatever crashes, rows and checkpoints agree, and no event is
/// skipped or counted twice.
///
/// ## Rebuilding beside the live view
/// A rebuild folds into the view's other set of tables (`customers.1.rows` beside
/// `customers.rows`, …) under a checkpoint of its own, so queries in other processes go
/// on reading, and catching up, the view as it is; once the rebuild has folded at least
/// as far as the view, one transaction points the view's checkpoint at the new tables and
/// empties the old ones.
/// A rebuild that fails or is killed leaves the view as it was, and the next
/// ``rebuild(_:progress:)`` goes on from the rebuild's checkpoint.
///
/// ## Cost
/// One pass reads each event once and parses its payload once, however many views
/// handle it; events no view handles are skipped without parsing. A batch costs one
/// durable commit (one `fsync`), so the runner folds many events per batch:
/// ``Options/batchSize`` while following, ``Options/rebuildBatchSize`` while
/// rebuilding. The working set of entities stays in memory between batches (up to
/// ``Options/cacheLimit`` entities per view), so a live event costs no row read.
public actor ProjectionRunner {
    public struct Options: Sendable {
        /// Events folded per commit while catching up and following.
        public var batchSize = 20_000
        /// Events folded per commit while rebuilding from position 0.
        public var rebuildBatchSize = 1_000_000
        /// Events read from the log per page.
        public var pageSize = 4096
        /// Runs longer than this read the log on a second thread while folding.
        public var threadedReadThreshold = 50_000
        /// Entities kept in memory per view between batches.
        public var cacheLimit = 1_000_000
        /// Whether a rebuild may fold a page of a view on several threads (see
        /// ``Projection/contextKinds``). The views are the same either way.
        public var parallelFold = true
        /// Microseconds each share waits before applying a page, so that tests can
        /// make the shares fall behind the routing thread.
        var shareLagForTesting: UInt32 = 0
        public init() {}
    }

    public typealias Store = EventStore & ViewStorage

    public nonisolated let store: any Store
    public nonisolated let decoder: EventDecoder
    public let options: Options
    let drivers: [any ProjectionDriver]
    private var prepared = false
    /// Called inside a commit, before anything is written; tests use it to simulate a
    /// crash that loses the batch.
    var faultInjection: (@Sendable (LogPosition) throws -> Void)?

    public init(
        store: any Store, projections: [any Projection], decoder: EventDecoder = EventDecoder(),
        options: Options = Options()
    ) {
        self.store = store
        self.decoder = decoder
        self.options = options
        drivers = projections.map { Self.driver(for: $0, options: options) }
    }

    private static func driver<P: Projection>(for projection: P, options: Options) -> any ProjectionDriver {
        EntityProjection(
            projection, cacheLimit: options.cacheLimit, parallel: options.parallelFold,
            shareLag: options.shareLagForTesting)
    }

    /// The names of the projections this runner folds.
    public var names: [String] { drivers.map(\.name) }

    func setFaultInjection(_ body: (@Sendable (LogPosition) throws -> Void)?) { faultInjection = body }

    // MARK: - Catching up

    /// Folds every projection up to `target` (default: the log's head as it is now) and
    /// returns the position all of them have reached.
    @discardableResult
    public func catchUp(to target: LogPosition? = nil, progress: (@Sendable (ProjectionProgress) -> Void)? = nil)
        async throws -> LogPosition
    {
        try await prepare()
        return try await run(to: target, batchSize: options.batchSize, progress: progress)
    }

    /// Folds the named views (all when `nil`) again from position 0 and puts the result
    /// in their place.
    ///
    /// The new state is folded into the view's other set of tables, under a checkpoint
    /// of its own, while the view stays readable: queries, and runners in other
    /// processes, keep reading and catching it up. When the rebuild has folded as far as
    /// the view (further, when the view moved on meanwhile), one transaction makes it the
    /// view and empties the old tables. A rebuild interrupted by a failure or a kill
    /// leaves the view as it was; the next call goes on from where the interrupted one
    /// committed, and two processes rebuilding one view share the work. The other views
    /// of this runner are caught up as usual.
    ///
    /// Cost: the fold of the whole log, plus emptying the old tables in the swap.
    @discardableResult
    public func rebuild(_ names: [String]? = nil, progress: (@Sendable (ProjectionProgress) -> Void)? = nil)
        async throws -> LogPosition
    {
        let selected = try select(names)
        try await prepare()
        try await beginRebuild(selected)
        var conflicts = 0
        while true {
            let reached = try await run(to: nil, batchSize: options.rebuildBatchSize, progress: progress)
            switch try await swapInRebuilt() {
            case .done: return reached
            case .viewAhead: conflicts = 0
            case .moved(let progressed):
                conflicts = progressed ? 0 : conflicts + 1
                if conflicts > 8 {
                    throw ProjectionError(
                        .conflict,
                        "another process keeps restarting the rebuild of \(names?.joined(separator: ", ") ?? "the views"); run `ledgerline project status` and try again"
                    )
                }
            }
        }
    }

    /// Catches up, then folds each new event as it is appended, until the task is
    /// cancelled. `pollInterval` also looks for appends made by other processes;
    /// `onCommit` is called with the position reached after each commit.
    public func follow(pollInterval: Duration? = nil, onCommit: (@Sendable (LogPosition) -> Void)? = nil) async throws {
        try await prepare()
        while !Task.isCancelled {
            let reached = try await run(to: nil, batchSize: options.batchSize, progress: nil, onCommit: onCommit)
            var subscription = store.subscribe(after: reached)
            subscription.pageSize = 1
            if let pollInterval { subscription = subscription.polling(every: pollInterval) }
            let iterator = subscription.makeAsyncIterator()
            guard try await iterator.next() != nil else { return }
        }
    }

    private func select(_ names: [String]?) throws -> [any ProjectionDriver] {
        guard let names else { return drivers }
        var selected: [any ProjectionDriver] = []
        for name in names {
            guard let driver = drivers.first(where: { $0.name == name }) else {
                throw ProjectionError(
                    .notFound,
                    "there is no view named \(name); the views are \(drivers.map(\.name).joined(separator: ", "))")
            }
            if !selected.contains(where: { $0 === driver }) { selected.append(driver) }
        }
        return selected
    }

    /// Loads the checkpoints once; clears views written by another version of their fold.
    private func prepare() async throws {
        guard !prepared else { return }
        try reloadCheckpoints()
        let stale = try store.snapshot { reader in
            try drivers.filter { try Checkpoint.load($0.name, from: reader)?.version != $0.version }
        }
        if !stale.isEmpty { try await reset(stale) }
        prepared = true
    }

    /// Where `driver`'s checkpoint is stored: the view's own key, or its rebuild's.
    private static func key(_ driver: any ProjectionDriver) -> String {
        driver.rebuilding ? ViewTables.rebuildKey(driver.name) : driver.name
    }

    /// A checkpoint a batch was folded from, to be found unchanged when it commits.
    struct ExpectedCheckpoint: Sendable {
        var name: String
        var rebuilding: Bool
        var checkpoint: Checkpoint
        var key: String { rebuilding ? ViewTables.rebuildKey(name) : name }
    }

    /// The checkpoint each driver expects to find stored: where it last committed.
    private func expectedCheckpoints() -> [ExpectedCheckpoint] {
        drivers.map {
            ExpectedCheckpoint(
                name: $0.name, rebuilding: $0.rebuilding,
                checkpoint: Checkpoint(position: $0.committed, version: $0.version, generation: $0.generation))
        }
    }

    /// Takes each driver's checkpoint as stored now, dropping its working set.
    ///
    /// A driver rebuilding a view whose rebuild checkpoint is gone was overtaken: another
    /// process finished the same rebuild and swapped it in, so the driver now follows the
    /// view. A rebuild checkpoint written by another version of the fold is not this
    /// runner's to go on with.
    func reloadCheckpoints() throws {
        let stored = try store.snapshot { reader in
            try drivers.map {
                (
                    live: try Checkpoint.load($0.name, from: reader),
                    rebuild: try Checkpoint.load(ViewTables.rebuildKey($0.name), from: reader)
                )
            }
        }
        for (driver, checkpoints) in zip(drivers, stored) {
            driver.discard()
            if driver.rebuilding, let rebuild = checkpoints.rebuild {
                guard rebuild.version == driver.version else {
                    throw ProjectionError(
                        .conflict,
                        "view \(driver.name) is being rebuilt by another version of ledgerline (fold version \(rebuild.version), this one \(driver.version)); let it finish, then run `ledgerline project rebuild \(driver.name)` again"
                    )
                }
                driver.generation = rebuild.generation
                driver.committed = rebuild.position
            } else {
                driver.rebuilding = false
                let live = checkpoints.live
                driver.generation = live?.generation ?? 0
                driver.committed = live?.version == driver.version ? live!.position : .start
            }
            driver.folded = driver.committed
        }
    }

    /// Empties the views' tables and sets their checkpoints to 0, in one transaction.
    private func reset(_ selected: [any ProjectionDriver]) async throws {
        let tables = selected.flatMap(\.tables)
        let checkpoints = selected.map {
            (Self.key($0), Checkpoint(position: .start, version: $0.version, generation: $0.generation))
        }
        try await store.writeViews { writer in
            for table in tables { try writer.clear(table) }
            for (key, checkpoint) in checkpoints { try checkpoint.store(key, to: writer) }
        }
        for driver in selected { driver.startEmpty() }
    }

    // MARK: - Batches

    private func run(
        to target: LogPosition?, batchSize: Int, progress: (@Sendable (ProjectionProgress) -> Void)?,
        onCommit: (@Sendable (LogPosition) -> Void)? = nil
    ) async throws -> LogPosition {
        let head = try store.head().position
        let goal = min(target ?? head, head)
        let start = drivers.map(\.committed).min() ?? goal
        var events = 0
        var conflicts = 0
        var reader: PageReader?
        defer { reader?.cancel() }
        while true {
            let from = drivers.map(\.committed).min() ?? goal
            if from >= goal { return from }
            if reader == nil { reader = pageReader(from: from, goal: goal) }
            do {
                events += try foldBatch(from: from, pages: reader!, limit: batchSize)
                try await commit()
                conflicts = 0
            } catch let error as ProjectionError where error.code == .conflict && conflicts < 8 {
                // Another runner moved the views on: go on from where it left them. Its
                // progress on any view is progress (a query catching up one view while
                // this runner folds several must not wear this one out); conflicts where
                // no checkpoint moved on, or one went back (another build resetting a
                // view), count towards giving up.
                let before = drivers.map { ($0.committed, $0.generation, $0.rebuilding) }
                reader?.cancel()
                reader = nil
                try reloadCheckpoints()
                let wentBack = zip(drivers, before).contains { driver, was in
                    driver.rebuilding == was.2 && driver.generation == was.1 && driver.committed < was.0
                }
                let advanced = zip(drivers, before).contains { driver, was in
                    driver.rebuilding != was.2 || driver.generation != was.1 || driver.committed > was.0
                }
                conflicts = advanced && !wentBack ? 0 : conflicts + 1
                continue
            } catch {
                try? reloadCheckpoints()
                throw error
            }
            let reached = drivers.map(\.committed).min() ?? goal
            progress?(ProjectionProgress(position: reached, goal: goal, start: start, events: events))
            onCommit?(reached)
        }
    }

    /// A reader of `(from, goal]` that decodes what some view handles; on its own thread
    /// when there is enough to read for the overlap to pay.
    private func pageReader(from: LogPosition, goal: LogPosition) -> PageReader {
        var handled = [Bool](repeating: false, count: EventKind.allCases.count)
        for driver in drivers {
            for kind in EventKind.allCases where driver.handles(kind) { handled[kind.index] = true }
        }
        return PageReader(
            store: store, decoder: decoder, handled: handled, from: from, goal: goal, pageSize: options.pageSize,
            threaded: goal.rawValue - from.rawValue > UInt64(options.threadedReadThreshold))
    }

    /// Folds pages from `pages` (which continues after `from`) into the working sets
    /// until `limit` events were read or the pages end; returns how many were read.
    ///
    /// Each page is folded against a fresh snapshot of the views, taken after the page
    /// was read: a read inside a read could wait forever behind a map resize queued
    /// between them. Each snapshot checks the checkpoints first: a row loaded from a
    /// snapshot where another runner had moved on would already hold events this batch
    /// folds.
    private func foldBatch(from: LogPosition, pages: PageReader, limit: Int) throws -> Int {
        let expected = expectedCheckpoints()
        var position = from
        var count = 0
        while count < limit, let page = try pages.next() {
            if !page.events.events.isEmpty {
                try store.snapshot { reader in
                    // Rows and checkpoints commit together, so rows read in a snapshot
                    // whose checkpoints are still ours hold nothing past them. Another
                    // runner may have committed since the last page: fold nothing then.
                    try Self.checkUnmoved(expected, reader)
                    for driver in drivers { driver.begin(reader: reader) }
                    defer { for driver in drivers { driver.end() } }
                    // Views never read each other, so each folds the whole page in turn:
                    // one call per view and page rather than per event.
                    for driver in drivers { try driver.fold(page.events) }
                }
            }
            position = page.last
            count += page.count
        }
        for driver in drivers where driver.folded < position { driver.folded = position }
        return count
    }

    /// Writes every view's changed rows and new checkpoint in one transaction.
    private func commit() async throws {
        let pending = drivers.map { $0.pendingWrites() }
        let expected = expectedCheckpoints()
        let checkpoints = drivers.map {
            (Self.key($0), Checkpoint(position: $0.folded, version: $0.version, generation: $0.generation))
        }
        let fault = faultInjection
        let reached = drivers.map(\.folded).min() ?? .start
        do {
            try await store.writeViews { writer in
                try Self.checkUnmoved(expected, writer)
                for block in pending.flatMap(\.blocks) {
                    try writer.putAscending(block.table) { put in
                        try block.forEach { key, value in try key.withUnsafeBytes { key in try put(key, value) } }
                    }
                }
                for write in pending.flatMap(\.writes) {
                    if let value = write.value {
                        try writer.put(write.table, write.key, value)
                    } else {
                        try writer.delete(write.table, write.key)
                    }
                }
                try fault?(reached)
                for (name, checkpoint) in checkpoints { try checkpoint.store(name, to: writer) }
            }
        } catch {
            for driver in drivers { driver.discard() }
            throw error
        }
        for driver in drivers { driver.didCommit() }
    }

    /// Throws a conflict when a stored checkpoint is not where this runner left it (a view
    /// never built counts as at 0 in generation 0; a rebuild must have its checkpoint).
    private static func checkUnmoved(_ expected: [ExpectedCheckpoint], _ reader: any ViewReader) throws {
        for entry in expected {
            let stored = try Checkpoint.load(entry.key, from: reader)
            let unmoved =
                stored.map { $0 == entry.checkpoint }
                ?? (!entry.rebuilding && entry.checkpoint.position == .start && entry.checkpoint.generation == 0)
            if !unmoved {
                let what = entry.rebuilding ? "the rebuild of view \(entry.name)" : "view \(entry.name)"
                throw ProjectionError(
                    .conflict,
                    "\(what) is at \(stored?.position ?? .start), not \(entry.checkpoint.position): another process advanced it; folding again from there"
                )
            }
        }
    }
}
