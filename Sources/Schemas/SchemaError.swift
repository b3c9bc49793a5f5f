import JSON

/// Everything that goes wrong in the `Schemas` subsystem: an invalid payload, an
/// unknown event type or version, a schema or upcaster that does not compile, a
/// catalog folder that cannot be read.
///
/// The ``message`` is one line that says what is wrong, where, and (when there is
/// something to do) what to do, e.g.
/// `/data/amount: expected string matching ^-?[0-9]+(\.[0-9]+)?$` or
/// `unknown event type "DealStageChange"; did you mean "DealStageChanged"? (known: ...)`.
/// Callers put their own context in front (`line 12: deal-7 DealStageChanged v1: `).
///
/// Payload text never appears in messages, only locations, keywords and schema
/// values, so a message can be logged without leaking personal data.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is; stable, for programs and exit codes.
    public enum Code: String, Sendable, Hashable {
        /// A payload does not validate; ``SchemaError/violations`` lists every reason.
        case invalidPayload
        /// The event type is not in the catalog.
        case unknownType
        /// The event type is known, but not at this version.
        case unknownVersion
        /// A schema document is not valid JSON Schema (bad keyword value, bad regex).
        case invalidSchema
        /// A `$ref` (or `$dynamicRef`) points at a resource that was not loaded.
        case unresolvedReference
        /// An upcaster file is malformed, or its output does not fit the newer schema.
        case invalidUpcaster
        /// An upcaster could not be applied to a payload.
        case upcastFailed
        /// A catalog file was read and is not a catalog file (not UTF-8, not JSON), or
        /// the folder holds no `*.json` schemas.
        case unreadableCatalog
        /// The catalog folder, or a file in it, is not there or may not be read: the
        /// input is missing, not wrong.
        case missingCatalog
    }

    public var code: Code
    /// One line: what, where, and what to do.
    public var message: String
    /// For ``Code/invalidPayload``: every violation found, in schema order.
    public var violations: [SchemaViolation]
    /// For ``Code/unresolvedReference``: the absolute URIs that could not be resolved.
    public var unresolvedReferences: [String]
    /// The underlying error, when there is one (a JSON parse error, a file system error).
    public var cause: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, violations: [SchemaViolation] = [], unresolvedReferences: [String] = [],
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.violations = violations
        self.unresolvedReferences = unresolvedReferences
        self.cause = cause
    }

    /// An ``Code/invalidPayload`` error summarising `violations` (the first three are
    /// spelled out, the rest counted).
    public static func invalidPayload(_ violations: [SchemaViolation]) -> SchemaError {
        var parts = violations.prefix(3).map(\.description)
        if violations.count > 3 { parts.append("and \(violations.count - 3) more") }
        return SchemaError(.invalidPayload, parts.joined(separator: "; "), violations: violations)
    }

    public var description: String { message }

    /// This error with `prefix` in front of its message (`"schemas/Deal.v1.json: "`).
    public func prefixed(_ prefix: String) -> SchemaError {
        var copy = self
        copy.message = prefix + message
        return copy
    }
}
