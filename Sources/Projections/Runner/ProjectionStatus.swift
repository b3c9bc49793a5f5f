import EventLog

/// Where a view stands against the log, for `project status`.
public struct ProjectionStatus: Sendable, Hashable {
    public var name: String
    /// The version of the fold in this build.
    public var version: Int
    /// The version the stored view was written by; `nil` when it was never built.
    public var storedVersion: Int?
    /// The last position whose effects are in the view.
    public var checkpoint: LogPosition
    /// The log's head.
    public var head: LogPosition
    /// Entities (rows) in the view.
    public var entities: Int
    /// The position a rebuild of the view has folded to, while one runs or after one was
    /// interrupted (the next `project rebuild` goes on from it); `nil` when there is none.
    public var rebuild: LogPosition?

    public init(
        name: String, version: Int, storedVersion: Int?, checkpoint: LogPosition, head: LogPosition, entities: Int,
        rebuild: LogPosition? = nil
    ) {
        self.name = name
        self.version = version
        self.storedVersion = storedVersion
        self.checkpoint = checkpoint
        self.head = head
        self.entities = entities
        self.rebuild = rebuild
    }

    /// Events the view has not folded yet.
    public var lag: UInt64 { head.rawValue > checkpoint.rawValue ? head.rawValue - checkpoint.rawValue : 0 }

    /// Whether the stored view must be rebuilt before it is read (never built, or built
    /// by another version of the fold).
    public var needsRebuild: Bool { storedVersion != version }
}

/// A SHA-256 over a view's canonical state, for `project digest`.
///
/// The digest covers every table of the view (rows, saved versions, links) in key
/// order, each entry as its length-prefixed key and value, so two views have the same
/// digest exactly when they hold the same bytes. Rebuilding a view from position 0
/// gives the digest the live view had at the same checkpoint (tables are hashed under
/// their generation-0 names, whichever set holds the view).
public struct ViewDigest: Sendable, Hashable {
    public var name: String
    public var checkpoint: LogPosition
    /// Entries hashed, over all the view's tables.
    public var entries: Int
    /// Lowercase hex.
    public var sha256: String
}

/// How far a fold has got, for progress bars.
public struct ProjectionProgress: Sendable {
    /// The position folded so far.
    public var position: LogPosition
    /// Where this run stops.
    public var goal: LogPosition
    /// Where this run started.
    public var start: LogPosition
    /// Events read so far in this run.
    public var events: Int
}
