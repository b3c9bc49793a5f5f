import JSON

/// One reason an instance does not validate: where in the instance, which keyword
/// failed, where that keyword is, and a sentence saying what was expected.
///
/// `description` reads like `/data/amount: expected string matching ^[0-9]+$`.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance the failing value is (RFC 6901).
    public var instanceLocation: JSONPointer
    /// The keyword that failed, e.g. `pattern`, `required`, `additionalProperties`.
    public var keyword: String
    /// The absolute location of the keyword: the schema resource's URI with a JSON
    /// pointer fragment, e.g. `https://ledgerline.dev/schemas/common.json#/$defs/money/pattern`.
    public var schemaLocation: String
    /// What was expected, without the location: `expected string, found integer`.
    public var message: String

    public init(instanceLocation: JSONPointer, keyword: String, schemaLocation: String, message: String) {
        self.instanceLocation = instanceLocation
        self.keyword = keyword
        self.schemaLocation = schemaLocation
        self.message = message
    }

    /// `pointer: message`, or just the message for the instance root.
    public var description: String {
        instanceLocation.tokens.isEmpty ? message : "\(instanceLocation): \(message)"
    }

    /// This violation as if the instance had been nested under `prefix`
    /// (`/data` for an event payload).
    public func nested(under prefix: JSONPointer) -> SchemaViolation {
        var copy = self
        copy.instanceLocation = JSONPointer(tokens: prefix.tokens + instanceLocation.tokens)
        return copy
    }
}
