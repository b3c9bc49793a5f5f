/// How a schema is compiled.
public struct ValidationOptions: Sendable, Hashable {
    /// Whether `format` is an assertion (`"email"` must be an address) rather than the
    /// annotation JSON Schema 2020-12 makes it by default. Formats checked when
    /// asserting: `date-time`, `date`, `time`, `email`, `uuid`, `ipv4`, `ipv6`,
    /// `hostname`, `regex`; other formats stay annotations.
    public var formatAssertion: Bool

    public init(formatAssertion: Bool = false) {
        self.formatAssertion = formatAssertion
    }
}
