/// One thing `schemas check` found wrong with a catalog: a schema without examples, an
/// example that does not validate, an upcaster whose output does not fit the newer
/// schema, an old version that cannot be upcast.
public struct CatalogProblem: Sendable, Hashable, CustomStringConvertible {
    /// The catalog file at fault, e.g. `DealStageChanged.v1-to-v2.json`.
    public var file: String
    /// What is wrong, with a JSON pointer where there is one.
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `file: message`, one line.
    public var description: String { "\(file): \(message)" }
}
