/// `dependentSchemas`: property → the schema the whole object must then match.
final class DependentSchemas: @unchecked Sendable {
    /// Written only while compiling, read-only afterwards.
    var list: [(property: String, schema: NodeLink)]

    init(_ list: [(property: String, schema: NodeLink)]) { self.list = list }
}
