import EventLog

/// A view of the log: a pure fold from events to one row per entity (a customer, a
/// deal, a task).
///
/// A projection declares the event kinds it handles, says which entities an event
/// changes (``entities(of:links:)``) and how it changes each of them
/// (``apply(_:to:context:)``). Both are pure functions of the event, the entity's
/// state and the projection's own link table: no clock, no randomness, no other
/// input. That is what lets ``ProjectionRunner`` rebuild a view from position 0 and
/// get the same bytes as the view it followed live, and answer `--as-of` queries by
/// replaying a few events onto a saved state.
///
/// The runner owns storage, batching, checkpoints and point-in-time history; a
/// projection owns only its semantics.
public protocol Projection: Sendable {
    associatedtype State: ViewState

    /// The view's name: `customers`, `pipeline`, `tasks`. Its tables are named after it.
    var name: String { get }
    /// The version of the fold and its row format. Change it whenever either changes:
    /// a view stored by another version is rebuilt from the log before it is read.
    var version: Int { get }
    /// The event kinds the fold reads; others are skipped without parsing their payload.
    var handledKinds: Set<EventKind> { get }

    /// Appends to `keys` the entities `event` changes, in the order they are to be
    /// changed. May read and write `links`, the projection's own key-value table (deal →
    /// customer, merged contact → survivor), to route events that do not name their
    /// entity. `keys` arrives empty and is reused from event to event, so routing an
    /// event allocates nothing.
    func entities(of event: ProjectedEvent, links: LinkTable, into keys: inout [String])

    /// Applies `event` to one entity's `state`. `context` reads other entities of the
    /// same view as they stand at this event (a merge absorbs the merged contacts).
    func apply(_ event: ProjectedEvent, to state: inout State, context: FoldContext<State>)

    /// The kinds whose ``apply(_:to:context:)`` reads other entities through its
    /// context. A page holding none of them may be folded on several threads, each
    /// owning a share of the entities. By default every handled kind, which keeps
    /// every page on one thread.
    var contextKinds: Set<EventKind> { get }
}

extension Projection {
    public var contextKinds: Set<EventKind> { handledKinds }
}

/// One entity's state in a view, stored as a compact binary row.
///
/// The encoding must be deterministic: equal states give equal bytes. Write
/// collections in a fixed (sorted) order, never a dictionary's iteration order.
public protocol ViewState: Sendable {
    /// The state of an entity no event has touched yet.
    init(entity: String)
    /// The entity's id (the row key).
    var entity: String { get }
    func encode(to writer: inout RowWriter)
    init(decoding reader: inout RowReader, entity: String) throws(ProjectionError)
}

/// What a fold may read besides the entity it changes: other entities of the same view
/// as they stand at the event being applied.
public struct FoldContext<State: ViewState> {
    let lookup: (String) throws -> State?

    public init(lookup: @escaping (String) throws -> State?) { self.lookup = lookup }

    /// The state of `entity` at this point of the fold, or `nil` when it has none.
    /// Cost: a cache hit while folding live; an as-of reconstruction while replaying.
    public func state(of entity: String) -> State? { (try? lookup(entity)) ?? nil }
}
