import EventLog

/// The event catalog every command validates against.
enum Catalog {
    /// `nil` until the schema catalog is wired in.
    static var validator: (any EventValidator)? { nil }
}
