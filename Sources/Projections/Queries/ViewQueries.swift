import EventLog

/// Reads the views as they stood at a ``QueryPoint``: one entity by id, or every entity
/// of a view. Answers from the view tables and, for a point before an entity's last
/// change, from its saved versions and a few of its own events (see ``EntityHistory``);
/// never from a scan of the log.
///
/// The views must have folded up to the point; the CLI catches them up first
/// (``ProjectionRunner/catchUp(to:progress:)``).
public struct ViewQueries: Sendable {
    public let store: any ProjectionRunner.Store
    public let decoder: EventDecoder

    public init(store: any ProjectionRunner.Store, decoder: EventDecoder = EventDecoder()) {
        self.store = store
        self.decoder = decoder
    }

    /// The state of `entity` in `projection`'s view at `point`; `nil` when no event had
    /// touched it by then. Cost: one row read when it has not changed since the point.
    public func state<P: Projection>(of entity: String, in projection: P, at point: QueryPoint) throws -> P.State? {
        try checkCaughtUp(projection.name, point)
        return try EntityHistory(projection: projection, store: store, decoder: decoder)
            .state(of: entity, at: point.isHead ? nil : point.position)
    }

    /// Every entity of `projection`'s view at `point`, in id order.
    /// Cost: one pass over the view's rows.
    public func states<P: Projection>(in projection: P, at point: QueryPoint) throws -> [P.State] {
        try checkCaughtUp(projection.name, point)
        return try EntityHistory(projection: projection, store: store, decoder: decoder).all(
            at: point.isHead ? nil : point.position)
    }

    private func checkCaughtUp(_ name: String, _ point: QueryPoint) throws {
        let checkpoint = try store.snapshot { reader in try Checkpoint.load(name, from: reader)?.position ?? .start }
        guard checkpoint >= point.position else {
            throw ProjectionError(
                .storage,
                "view \(name) has folded the log up to \(checkpoint), not yet to \(point.position); run `ledgerline project status` and let it catch up"
            )
        }
    }
}
