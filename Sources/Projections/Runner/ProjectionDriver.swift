import EventLog

/// What the runner needs of a projection, with its state type erased: fold events
/// into a working set, hand over the rows to write, and keep or drop the working set
/// after the commit.
protocol ProjectionDriver: AnyObject {
    var name: String { get }
    var version: Int { get }
    /// Every table the view owns (not the shared checkpoint table).
    var tables: [ViewTable] { get }
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
enum ViewTables {
    static func rows(_ name: String) -> ViewTable { ViewTable("\(name).rows") }
    static func versions(_ name: String) -> ViewTable { ViewTable("\(name).versions") }
    static func links(_ name: String) -> ViewTable { ViewTable("\(name).links") }
    /// Every projection's checkpoint: name → big-endian position, then its version.
    static let checkpoints = ViewTable("projections.checkpoints")
}
