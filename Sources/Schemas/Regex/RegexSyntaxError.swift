/// A `pattern` or `patternProperties` key that is not an ECMA-262 regular expression
/// this engine understands. Turned into a ``SchemaError`` by the schema compiler.
struct RegexSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. `unterminated character class`.
    var reason: String
    /// Offset in Unicode scalars into the pattern where the problem was found.
    var offset: Int

    var description: String { "\(reason) at offset \(offset)" }
}
