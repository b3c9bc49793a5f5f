import JSON

/// Several schema documents compiled together, so `$ref`s between them resolve:
/// an event schema referring to `common.json#/$defs/money`, say.
///
/// Each document is identified by its `$id` and by the URI it was loaded under;
/// a relative `$ref` resolves against the `$id` of the schema it appears in.
public struct SchemaSet: Sendable {
    /// One compiled schema per document, in the order given.
    public let schemas: [Schema]
    private let byURI: [String: Int]
    /// The graph all of them were compiled into.
    let graph: SchemaGraph

    /// Compiles `documents` together.
    ///
    /// - Parameter documents: each document with the URI it was retrieved from (a
    ///   file URL or catalog URI; its `$id`, if any, takes precedence as base URI).
    /// - Throws: ``SchemaError`` (`invalidSchema` or `unresolvedReference`).
    public init(documents: [(uri: String, document: JSONValue)], options: ValidationOptions = .init()) throws(SchemaError) {
        var compiler = SchemaCompiler(options: options)
        var roots: [SchemaNode] = []
        for (uri, document) in documents {
            roots.append(try compiler.add(document, uri: uri))
        }
        try compiler.finish()
        let graph = compiler.graph
        var schemas: [Schema] = []
        var byURI: [String: Int] = [:]
        for (i, (uri, document)) in documents.enumerated() {
            let root = roots[i]
            let identifier = root.location.hasSuffix("#") ? String(root.location.dropLast()) : root.location
            schemas.append(Schema(graph: graph, root: root, document: document, uri: identifier))
            byURI[uri] = i
            byURI[identifier] = i
        }
        self.schemas = schemas
        self.byURI = byURI
        self.graph = graph
    }

    /// The schema loaded under `uri` or identified by it (`$id`).
    public func schema(at uri: String) -> Schema? {
        byURI[uri].map { schemas[$0] }
    }
}
