import JSON

/// A compiled JSON Schema (draft 2020-12), ready to validate instances.
///
/// Compile once, validate many times, from any thread. ``isValid(_:)`` is the fast
/// path: it stops at the first failing keyword and allocates nothing for typical
/// event payloads. ``validate(_:at:)`` and ``violations(of:)`` run the same checks
/// but collect every failure with its instance pointer, keyword and schema location;
/// `validate` first runs the fast path, so valid instances cost the same either way.
///
/// Supported: the core `$ref`/`$dynamicRef`/`$defs`/`$anchor`/`$dynamicAnchor`/`$id`
/// keywords, the applicator, unevaluated and validation vocabularies, and `format`
/// as an annotation or (see ``ValidationOptions``) an assertion. Unknown keywords
/// are ignored. References to documents outside the compilation are refused when
/// compiling; compile related documents together with ``SchemaSet``.
public struct Schema: Sendable {
    let graph: SchemaGraph
    let root: NodeLink
    /// The document this schema was compiled from.
    public let document: JSONValue
    /// The schema's absolute URI: its `$id`, or the URI it was compiled under.
    public let uri: String

    init(graph: SchemaGraph, root: SchemaNode, document: JSONValue, uri: String) {
        self.graph = graph
        self.root = NodeLink(root)
        self.document = document
        self.uri = uri
    }

    /// The base URI given to a document without `$id` when none is supplied.
    public static let anonymousURI = "urn:ledgerline:schema"

    /// Compiles one self-contained document.
    ///
    /// - Throws: ``SchemaError`` with code `invalidSchema` (a malformed keyword, named
    ///   with its location) or `unresolvedReference` (a `$ref` to another document).
    public init(_ document: JSONValue, uri: String = Schema.anonymousURI, options: ValidationOptions = .init()) throws(SchemaError) {
        let set = try SchemaSet(documents: [(uri, document)], options: options)
        self = set.schemas[0]
    }

    /// Parses and compiles one self-contained document.
    public init(parsing text: String, uri: String = Schema.anonymousURI, options: ValidationOptions = .init()) throws(SchemaError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw SchemaError(.invalidSchema, "\(uri): not JSON: \(error)", cause: error)
        }
        try self.init(document, uri: uri, options: options)
    }

    /// Whether `instance` is valid. Stops at the first failure; builds no messages.
    public func isValid(_ instance: JSONValue) -> Bool {
        Self.isValid(instance, graph: graph, root: root)
    }

    /// The fast path, for callers that keep roots rather than `Schema`s.
    static func isValid(_ instance: JSONValue, graph: SchemaGraph, root: NodeLink) -> Bool {
        var evaluator = Evaluator(graph: graph, collecting: false)
        var annotations = Annotations()
        return evaluator.evaluate(root, instance, tracking: false, &annotations)
    }

    /// Every reason `instance` is invalid (empty when it is valid), with instance
    /// locations relative to the instance root.
    public func violations(of instance: JSONValue) -> [SchemaViolation] {
        var evaluator = Evaluator(graph: graph, collecting: true)
        var annotations = Annotations()
        _ = evaluator.evaluate(root, instance, tracking: false, &annotations)
        return evaluator.violations
    }

    /// Validates `instance`, reporting locations under `location` (pass `/data` when
    /// the instance is an event payload, so messages read `/data/amount: ...`).
    ///
    /// - Throws: ``SchemaError`` with code `invalidPayload`, every violation in
    ///   ``SchemaError/violations`` and the first three in the message.
    public func validate(_ instance: JSONValue, at location: JSONPointer = .root) throws(SchemaError) {
        guard !isValid(instance) else { return }
        var found = violations(of: instance)
        if found.isEmpty {
            // Cannot happen unless both modes disagree; still never accept the instance.
            found = [SchemaViolation(instanceLocation: .root, keyword: "", schemaLocation: root.node.location, message: "invalid")]
        }
        if !location.tokens.isEmpty { found = found.map { $0.nested(under: location) } }
        throw SchemaError.invalidPayload(found)
    }
}
