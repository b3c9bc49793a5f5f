/// Subschemas of `allOf`, `anyOf`, `oneOf` or `prefixItems`, in order.
final class NodeList: @unchecked Sendable {
    /// Written only while compiling (see ``SchemaCompiler``), read-only afterwards.
    var links: [NodeLink]

    init(_ links: [NodeLink]) { self.links = links }
}
