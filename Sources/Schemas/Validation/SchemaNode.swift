/// One compiled (sub)schema: its location and its keywords, ready to evaluate.
///
/// Nodes are created for every schema location of every document before any keyword
/// is compiled, so a `$ref` compiles to a direct link to its target even when the
/// target refers back (a cycle). The ``SchemaGraph`` owns every node; links between
/// nodes are unowned, so cycles cost no reference counting and leak nothing.
final class SchemaNode: @unchecked Sendable {
    /// The node's absolute location: resource URI plus JSON pointer fragment.
    let location: String
    /// Index of the schema resource (document or embedded `$id`) this node belongs to.
    let resource: Int
    /// The compiled keywords, cheap checks first and `unevaluated*` last. Written once
    /// by the compiler, read-only afterwards; kept in a plain buffer so evaluation
    /// walks it without reference counting (keywords are trivially copyable).
    private(set) var keywords = UnsafeBufferPointer<Keyword>(start: nil, count: 0)

    /// Rewrites keyword `index` (compile time only, before the graph is shared).
    func replaceKeyword(at index: Int, with keyword: Keyword) {
        UnsafeMutableBufferPointer(mutating: keywords)[index] = keyword
    }
    /// Whether the node has `unevaluatedProperties` or `unevaluatedItems`, so its
    /// in-place subschemas must report what they evaluated.
    var needsAnnotations = false

    init(location: String, resource: Int) {
        self.location = location
        self.resource = resource
    }

    deinit {
        keywords.deallocate()
    }

    /// Sets the compiled keywords (once).
    func setKeywords(_ list: ContiguousArray<Keyword>) {
        keywords.deallocate()
        let buffer = UnsafeMutableBufferPointer<Keyword>.allocate(capacity: list.count)
        _ = buffer.initialize(from: list)
        keywords = UnsafeBufferPointer(buffer)
    }

    /// The location of `keyword` in this node (`...#/properties/amount/pattern`).
    func location(of keyword: String) -> String {
        var escaped = ""
        for c in keyword {
            switch c {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(c)
            }
        }
        return location + "/" + escaped
    }
}

/// A link to a node owned by the same ``SchemaGraph``: the graph keeps every node
/// alive for as long as any ``Schema`` that can reach it exists, so the link never
/// dangles and costs no retain/release.
typealias NodeLink = Box<SchemaNode>

extension Box where Object == SchemaNode {
    /// The node (see ``Box/object``).
    var node: SchemaNode { object }
}

/// Owns every node compiled together (one document, or a whole catalog).
final class SchemaGraph: @unchecked Sendable {
    var nodes: [SchemaNode] = []
    /// For each resource index, its `$dynamicAnchor` names and their nodes.
    var dynamicAnchors: [[String: NodeLink]] = []
    /// Whether any node uses `$dynamicRef`, so evaluation must track the dynamic scope.
    var usesDynamicScope = false
    /// The keyword payloads, which ``Keyword``s link to without owning.
    private var payloads: [AnyObject] = []

    /// Keeps `object` alive as long as the graph and returns an unowned link to it.
    func keep<Object: AnyObject & Sendable>(_ object: Object) -> Box<Object> {
        payloads.append(object)
        return Box(object)
    }
}
