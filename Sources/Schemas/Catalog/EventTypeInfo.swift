/// One event type of a catalog, as `ledgerline schemas list` shows it.
public struct EventTypeInfo: Sendable, Hashable {
    /// The type name, e.g. `DealStageChanged`.
    public var name: String
    /// Every version with a schema, ascending.
    public var versions: [Int]
    /// The newest version: what writers should produce and readers get after upcasting.
    public var latestVersion: Int { versions.last ?? 1 }
    /// The latest schema's `title`.
    public var title: String
    /// The latest schema's `description`.
    public var description: String
}
