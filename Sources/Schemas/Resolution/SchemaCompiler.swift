import JSON

/// Compiles JSON Schema documents into one ``SchemaGraph``.
///
/// Two phases. ``add(_:uri:)`` walks each document through the keywords that hold
/// subschemas, registering every resource (`$id`), anchor (`$anchor`,
/// `$dynamicAnchor`) and creating an empty node per schema location. ``finish()``
/// then compiles each node's keywords; by then every `$ref` target exists, so
/// references, including cyclic ones and ones between documents, become direct links.
///
/// Cost: linear in the size of the documents, plus one regex compilation per
/// `pattern`; done once per catalog load.
struct SchemaCompiler {
    let options: ValidationOptions
    private(set) var graph = SchemaGraph()
    private var documents: [JSONValue] = []
    private var rootContexts: [NodeContext] = []
    /// Resource URI (no fragment) → the resource's root location.
    private var resources: [String: (doc: Int, pointer: [String], index: Int)] = [:]
    /// `resourceURI#name` → node, for `$anchor` and `$dynamicAnchor`.
    private var anchors: [String: SchemaNode] = [:]
    /// The `$dynamicAnchor` name each node declares.
    var dynamicAnchorNames: [ObjectIdentifier: String] = [:]
    private var nodes: [String: SchemaNode] = [:]
    private var pending: [(node: SchemaNode, value: JSONValue, context: NodeContext)] = []
    private var unresolved: [String] = []

    /// Where a schema location sits: its document, JSON pointer, base URI and resource.
    struct NodeContext {
        var doc: Int
        var pointer: [String]
        var base: URIReference
        var resource: Int
        var resourceURI: String
        /// How many pointer tokens lead from the document root to the resource root.
        var resourceDepth: Int

        func child(_ token: String) -> NodeContext {
            var copy = self
            copy.pointer.append(token)
            return copy
        }

        var location: String {
            resourceURI + "#" + JSONPointer(tokens: Array(pointer[resourceDepth...])).description
        }
    }

    /// How a keyword holds subschemas, for finding every schema location.
    enum SubschemaShape {
        case single
        case map
        case list
    }

    static let subschemaKeywords: [String: SubschemaShape] = [
        "additionalProperties": .single, "unevaluatedProperties": .single, "items": .single,
        "unevaluatedItems": .single, "contains": .single, "propertyNames": .single, "not": .single,
        "if": .single, "then": .single, "else": .single,
        "$defs": .map, "definitions": .map, "properties": .map, "patternProperties": .map, "dependentSchemas": .map,
        "allOf": .list, "anyOf": .list, "oneOf": .list, "prefixItems": .list,
    ]

    init(options: ValidationOptions) {
        self.options = options
    }

    // MARK: - Phase 1: documents

    /// Registers `document`, retrieved from `uri` (its `$id`, if any, takes over as
    /// base URI), and returns its root node.
    mutating func add(_ document: JSONValue, uri: String) throws(SchemaError) -> SchemaNode {
        let retrieval = URIReference(parsing: uri).withoutFragment
        let doc = documents.count
        documents.append(document)
        let index = newResource()
        resources[retrieval.description] = (doc, [], index)
        let root = NodeContext(doc: doc, pointer: [], base: retrieval, resource: index, resourceURI: retrieval.description, resourceDepth: 0)
        rootContexts.append(root)
        return try scan(document, root)
    }

    private mutating func newResource() -> Int {
        graph.dynamicAnchors.append([:])
        return graph.dynamicAnchors.count - 1
    }

    /// Registers the identifiers in `value` and creates nodes for it and every
    /// subschema below it; returns the node for `value`.
    @discardableResult
    private mutating func scan(_ value: JSONValue, _ parent: NodeContext) throws(SchemaError) -> SchemaNode {
        let key = Self.key(parent.doc, parent.pointer)
        if let existing = nodes[key] { return existing }
        var context = parent
        let object = value.objectValue
        if case .string(let id)? = object?["$id"] {
            try enterResource(id, &context)
        }
        let node = SchemaNode(location: context.location, resource: context.resource)
        graph.nodes.append(node)
        nodes[key] = node
        pending.append((node, value, context))
        guard let object else { return node }
        if case .string(let name)? = object["$anchor"] {
            anchors[context.resourceURI + "#" + name] = node
        }
        if case .string(let name)? = object["$dynamicAnchor"] {
            anchors[context.resourceURI + "#" + name] = node
            graph.dynamicAnchors[context.resource][name] = NodeLink(node)
            dynamicAnchorNames[ObjectIdentifier(node)] = name
        }
        for (keyword, sub) in object {
            switch Self.subschemaKeywords[keyword] {
            case .single:
                // Only objects and booleans are schemas; the keyword's own compilation
                // explains anything else (`items` given an array, say).
                guard sub.objectValue != nil || sub.boolValue != nil else { continue }
                try scan(sub, context.child(keyword))
            case .map:
                guard case .object(let map) = sub else { continue }
                for (name, schema) in map { try scan(schema, context.child(keyword).child(name)) }
            case .list:
                guard case .array(let list) = sub else { continue }
                for (i, schema) in list.enumerated() { try scan(schema, context.child(keyword).child(String(i))) }
            case nil:
                continue
            }
        }
        return node
    }

    /// Applies an `$id`: a new base URI and, unless it names the document root that
    /// was just registered, a new resource.
    private mutating func enterResource(_ id: String, _ context: inout NodeContext) throws(SchemaError) {
        let resolved = URIReference(parsing: id).resolved(against: context.base)
        if let fragment = resolved.fragment, !fragment.isEmpty {
            throw SchemaError(.invalidSchema, "\(context.location)/$id: \"\(id)\" has a fragment; use $anchor to name a subschema")
        }
        let uri = resolved.withoutFragment
        let text = uri.description
        if let existing = resources[text] {
            guard existing.doc == context.doc, existing.pointer == context.pointer else {
                throw SchemaError(.invalidSchema, "\(context.location)/$id: \"\(text)\" already identifies another schema; give each resource its own $id")
            }
            context.resource = existing.index
        } else if context.pointer.isEmpty {
            resources[text] = (context.doc, [], context.resource)
        } else {
            context.resource = newResource()
            resources[text] = (context.doc, context.pointer, context.resource)
        }
        context.base = uri
        context.resourceURI = text
        context.resourceDepth = context.pointer.count
    }

    private static func key(_ doc: Int, _ pointer: [String]) -> String {
        String(doc) + JSONPointer(tokens: pointer).description
    }

    // MARK: - Phase 2: keywords

    /// Compiles every node's keywords.
    ///
    /// - Throws: ``SchemaError`` with ``SchemaError/Code/invalidSchema`` for the first
    ///   malformed keyword, or ``SchemaError/Code/unresolvedReference`` listing every
    ///   reference whose target was not loaded.
    mutating func finish() throws(SchemaError) {
        while let (node, value, context) = pending.popLast() {
            try compileKeywords(node, value, context)
        }
        forwardReferenceOnlyNodes()
        if !unresolved.isEmpty {
            let list = Array(Set(unresolved)).sorted()
            throw SchemaError(
                .unresolvedReference,
                "cannot resolve \(list.joined(separator: ", ")); load the schema that defines it, or fix the reference",
                unresolvedReferences: list)
        }
    }

    /// The node for the subschema at `context.pointer + tokens` (created by the scan).
    mutating func subschema(_ context: NodeContext, _ tokens: String...) throws(SchemaError) -> SchemaNode {
        try nodeAt(context.doc, context.pointer + tokens)
    }

    /// The node at any location of a loaded document, created (with everything below
    /// it) when the location was not reached by the scan, e.g. a `$ref` into a
    /// keyword this validator does not know.
    private mutating func nodeAt(_ doc: Int, _ pointer: [String]) throws(SchemaError) -> SchemaNode {
        if let node = nodes[Self.key(doc, pointer)] { return node }
        var context = rootContexts[doc]
        var value = documents[doc]
        for token in pointer {
            if case .string(let id)? = value.objectValue?["$id"] {
                try enterResource(id, &context)
            }
            guard let next = Self.step(value, token) else {
                throw SchemaError(.invalidSchema, "\(context.location): nothing at \(JSONPointer(tokens: pointer)) to compile")
            }
            value = next
            context = context.child(token)
        }
        return try scan(value, context)
    }

    private static func step(_ value: JSONValue, _ token: String) -> JSONValue? {
        switch value {
        case .object(let object): return object[token]
        case .array(let array): return Int(token).flatMap { array.indices.contains($0) ? array[$0] : nil }
        default: return nil
        }
    }

    /// Resolves a `$ref`/`$dynamicRef` value against the base URI of `context`.
    /// Returns `nil` (and remembers the URI) when the target resource is not loaded.
    mutating func resolve(_ reference: String, from context: NodeContext) throws(SchemaError) -> (node: SchemaNode, anchor: String?)? {
        let uri = URIReference(parsing: reference).resolved(against: context.base)
        let resourceKey = uri.withoutFragment.description
        let fragment = uri.fragment ?? ""
        guard let resource = resources[resourceKey] else {
            unresolved.append(uri.description)
            return nil
        }
        if fragment.isEmpty { return (try nodeAt(resource.doc, resource.pointer), nil) }
        guard let decoded = Self.percentDecoded(fragment) else {
            throw SchemaError(.invalidSchema, "\(context.location): \"\(reference)\" has an invalid percent-encoding")
        }
        if decoded.hasPrefix("/") {
            guard let pointer = JSONPointer(parsing: decoded) else {
                throw SchemaError(.invalidSchema, "\(context.location): \"\(reference)\" is not a valid JSON pointer fragment")
            }
            var value: JSONValue? = documents[resource.doc]
            for token in resource.pointer + pointer.tokens { value = value.flatMap { Self.step($0, token) } }
            guard value != nil else {
                unresolved.append(uri.description)
                return nil
            }
            return (try nodeAt(resource.doc, resource.pointer + pointer.tokens), nil)
        }
        guard let node = anchors[resourceKey + "#" + decoded] else {
            unresolved.append(uri.description)
            return nil
        }
        return (node, decoded)
    }

    /// RFC 3986 percent-decoding; `nil` for a malformed escape or invalid UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            guard b == UInt8(ascii: "%") else {
                bytes.append(b)
                continue
            }
            guard let h = iterator.next(), let l = iterator.next(), let hi = hexValue(h), let lo = hexValue(l) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
