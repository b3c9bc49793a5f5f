import EventLog

/// What the runner needs of a projection, with its state type erased: fold events
/// into a working set, hand over the rows to write, and keep or drop the working set
/// after the commit.
protocol ProjectionDriver: AnyObject {
    var name: String { get }
    var version: Int { get }
    /// Every table of the generation the driver folds into (not the shared checkpoint table).
    var tables: [ViewTable] { get }
    /// The set of tables the driver reads and writes (``ViewTables``). Setting it drops
    /// the working set.
    var generation: Int { get set }
    /// Whether the driver folds a rebuild of the view into the set of tables queries do
    /// not read, with its checkpoint under ``ViewTables/rebuildKey(_:)``.
    var rebuilding: Bool { get set }
    /// The last position whose effects are committed.
    var committed: LogPosition { get set }
    /// The last position folded into the working set (committed or not).
    var folded: LogPosition { get set }
    func handles(_ kind: EventKind) -> Bool
    /// Starts a batch: misses are read from `reader`, a snapshot taken for this batch.
    func begin(reader: any ViewReader)
    /// Folds the events of `page` it handles and has not folded yet, in order. Some of
    /// the work may still be running when this returns (see
    /// ``EntityProjection/foldInParallel(_:)``); ``pendingWrites()`` and ``discard()``
    /// wait for it.
    func fold(_ page: EventPage) throws
    func end()
    /// The rows changed since the last commit.
    func pendingWrites() -> PendingWrites
    /// The writes are durable; keep the working set (evicting it when it grew too big).
    func didCommit()
    /// The writes were not kept; forget the working set.
    func discard()
    /// The view is being rebuilt: its tables were cleared.
    func startEmpty()
    /// Pages folded on several threads so far.
    var pagesFoldedInParallel: Int { get }
}

/// Names of a projection's tables.
///
/// A view has two sets of tables, generation 0 (`customers.rows`, `customers.versions`,
/// `customers.links`) and generation 1 (`customers.1.rows`, …); its checkpoint says which
/// one holds it (``Checkpoint/generation``). A rebuild folds into the other set while
/// queries go on reading and catching up the view as it is, then swaps the sets in the
/// transaction that points the checkpoint at the new one and empties the old one.
enum ViewTables {
    static func rows(_ name: String, generation: Int = 0) -> ViewTable { ViewTable("\(stem(name, generation)).rows") }
    static func versions(_ name: String, generation: Int = 0) -> ViewTable {
        ViewTable("\(stem(name, generation)).versions")
    }
    static func links(_ name: String, generation: Int = 0) -> ViewTable { ViewTable("\(stem(name, generation)).links") }
    /// Every table of view `name` in `generation`: rows, saved versions, links.
    static func all(_ name: String, generation: Int) -> [ViewTable] {
        [
            rows(name, generation: generation), versions(name, generation: generation),
            links(name, generation: generation),
        ]
    }
    /// Every projection's checkpoint: name → big-endian position, then its version.
    static let checkpoints = ViewTable("projections.checkpoints")
    /// The key of the checkpoint of view `name`'s rebuild under way (its tables are the
    /// generation that checkpoint names).
    static func rebuildKey(_ name: String) -> String { "\(name).rebuilding" }

    private static func stem(_ name: String, _ generation: Int) -> String {
        generation == 0 ? name : "\(name).\(generation)"
    }

    /// The generation view `name` is in, as `reader` sees it.
    static func generation(_ name: String, in reader: any ViewReader) throws -> Int {
        try Checkpoint.load(name, from: reader)?.generation ?? 0
    }
}
