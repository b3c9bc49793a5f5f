import JSON

/// Evaluates an instance against compiled ``SchemaNode``s.
///
/// Two modes. Without `collecting`, evaluation stops at the first failing keyword and
/// builds no messages: the append path's yes/no costs a walk over the instance and
/// nothing else. With `collecting`, every keyword runs and every failure becomes a
/// ``SchemaViolation`` with its instance and schema locations; callers run this mode
/// only after the fast mode said no.
///
/// Annotations (which members and items were evaluated) are tracked only below a
/// node with `unevaluatedProperties` or `unevaluatedItems`.
struct Evaluator: ~Copyable {
    /// Nested evaluations allowed before giving up: a `$ref` cycle that never moves
    /// into the instance would otherwise recurse forever.
    static let maximumDepth = 512

    /// Unowned: every caller holds the graph for the whole evaluation, and a retain
    /// of an object all validating threads share is an atomic write they contend for.
    unowned(unsafe) let graph: SchemaGraph
    /// Read once here rather than from the graph at every node.
    private let usesDynamicScope: Bool
    let collecting: Bool
    private(set) var violations: [SchemaViolation] = []
    /// The instance location, kept only when collecting.
    private var path: [PathToken] = []
    /// The schema resources entered, outermost first, kept only for `$dynamicRef`.
    private var dynamicScope: [Int] = []
    private var depth = 0

    enum PathToken {
        case key(String)
        case index(Int)
    }

    init(graph: SchemaGraph, collecting: Bool) {
        self.graph = graph
        self.usesDynamicScope = graph.usesDynamicScope
        self.collecting = collecting
    }

    /// Evaluates `instance` against `node`.
    ///
    /// - Parameters:
    ///   - tracking: whether the caller needs `annotations` filled in.
    ///   - annotations: receives what this node evaluated, when `tracking`.
    mutating func evaluate(_ node: SchemaNode, _ instance: JSONValue, tracking: Bool, _ annotations: inout Annotations) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            report(node, "$ref", "the schema recurses more than \(Self.maximumDepth) levels deep without consuming the instance")
            return false
        }
        var enteredResource = false
        if usesDynamicScope, dynamicScope.last != node.resource {
            dynamicScope.append(node.resource)
            enteredResource = true
        }
        defer { if enteredResource { dynamicScope.removeLast() } }

        if node.needsAnnotations {
            // unevaluated* sees only what this node's own keywords evaluated.
            var local = Annotations()
            let valid = run(node, instance, tracking: true, &local)
            if valid, tracking { annotations.merge(local) }
            return valid
        }
        return run(node, instance, tracking: tracking, &annotations)
    }

    /// Evaluates `instance` against the node `link` leads to, borrowing the node (see
    /// ``Box/with(_:)``).
    @inline(__always)
    mutating func evaluate(_ link: NodeLink, _ instance: JSONValue, tracking: Bool, _ annotations: inout Annotations) -> Bool {
        link.with { node in evaluate(node, instance, tracking: tracking, &annotations) }
    }

    private mutating func run(_ node: SchemaNode, _ instance: JSONValue, tracking: Bool, _ annotations: inout Annotations) -> Bool {
        var valid = true
        let keywords = node.keywords
        for i in 0..<keywords.count where !apply(keywords[i], node, instance, tracking, &annotations) {
            valid = false
            if !collecting { return false }
        }
        return valid
    }

    private mutating func apply(
        _ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool, _ annotations: inout Annotations
    ) -> Bool {
        switch keyword {
        case .alwaysFalse:
            report(node, "false", "no value is allowed here (the schema is false)", atNode: true)
            return false
        case .type(let types):
            return checkType(types, node, instance)
        case .const(let box):
            guard !instance.isSchemaEqual(to: box.object.value) else { return true }
            report(node, "const", "expected \(Self.excerpt(box.object.value))")
            return false
        case .enumeration(let values):
            return values.with { checkEnum($0, node, instance) }
        case .multipleOf, .bound:
            return checkNumber(keyword, node, instance)
        case .maxLength, .minLength, .pattern, .format:
            return checkString(keyword, node, instance)
        case .maxItems, .minItems, .uniqueItems:
            return checkArraySize(keyword, node, instance)
        case .contains(let schema, let min, let max):
            return applyContains(schema.node, min: min, max: max, node, instance, tracking, &annotations)
        case .items(let prefix, let rest):
            return prefix.with { applyItems($0.links, rest, node, instance, tracking, &annotations) }
        case .unevaluatedItems(let schema):
            return applyUnevaluatedItems(schema.node, node, instance, &annotations)
        case .maxProperties, .minProperties, .dependentRequired:
            return checkObjectShape(keyword, node, instance)
        case .objectMembers(let members):
            return members.with { applyMembers($0, node, instance, tracking, &annotations) }
        case .propertyNames(let schema):
            return applyPropertyNames(schema.node, node, instance)
        case .dependentSchemas(let dependencies):
            return applyDependentSchemas(dependencies.object.list, instance, tracking, &annotations)
        case .unevaluatedProperties(let schema):
            return applyUnevaluatedProperties(schema.node, node, instance, &annotations)
        case .ref(let target):
            return evaluate(target, instance, tracking: tracking, &annotations)
        case .dynamicRef(let target, let anchor):
            return evaluate(resolveDynamic(target.node, anchor.object.string), instance, tracking: tracking, &annotations)
        case .allOf(let schemas):
            return schemas.with { list in
                var valid = true
                for schema in list.links where !evaluate(schema, instance, tracking: tracking, &annotations) {
                    valid = false
                    if !collecting { return false }
                }
                return valid
            }
        case .anyOf(let schemas):
            return schemas.with { applyAnyOf($0.links, node, instance, tracking, &annotations) }
        case .oneOf(let schemas):
            return schemas.with { applyOneOf($0.links, node, instance, tracking, &annotations) }
        case .not(let schema):
            return applyNot(schema.node, node, instance)
        case .conditional(let condition, let then, let otherwise):
            return applyConditional(condition.node, then?.node, otherwise?.node, instance, tracking, &annotations)
        }
    }

    /// The outermost schema resource in the dynamic scope with `$dynamicAnchor: anchor`,
    /// or the static target when none has it.
    private func resolveDynamic(_ target: SchemaNode, _ anchor: String) -> SchemaNode {
        for resource in dynamicScope {
            if let link = graph.dynamicAnchors[resource][anchor] { return link.node }
        }
        return target
    }

    // MARK: - Locations and reports

    /// Evaluates `body` with `token` appended to the instance location.
    @inline(__always)
    mutating func descend<T>(_ token: @autoclosure () -> PathToken, _ body: (inout Evaluator) -> T) -> T {
        guard collecting else { return body(&self) }
        path.append(token())
        defer { path.removeLast() }
        return body(&self)
    }

    /// Records a violation of `keyword` of `node` at the current instance location.
    mutating func report(_ node: SchemaNode, _ keyword: String, _ message: @autoclosure () -> String, atNode: Bool = false) {
        guard collecting else { return }
        violations.append(
            SchemaViolation(
                instanceLocation: currentPointer,
                keyword: keyword,
                schemaLocation: atNode ? node.location : node.location(of: keyword),
                message: message()))
    }

    var currentPointer: JSONPointer {
        JSONPointer(tokens: path.map { token in
            switch token {
            case .key(let key): return key
            case .index(let index): return String(index)
            }
        })
    }

    /// Removes and returns the violations recorded since `mark`.
    mutating func takeViolations(since mark: Int) -> [SchemaViolation] {
        guard violations.count > mark else { return [] }
        let taken = Array(violations[mark...])
        violations.removeSubrange(mark...)
        return taken
    }

    mutating func restoreViolations(_ list: [SchemaViolation]) {
        violations.append(contentsOf: list)
    }

    var violationCount: Int { violations.count }

    /// A schema value short enough for a message: canonical JSON, cut at 60 bytes.
    static func excerpt(_ value: JSONValue) -> String {
        let text = JSONWriter.canonicalString(value)
        return text.utf8.count <= 60 ? text : String(decoding: Array(text.utf8.prefix(57)), as: UTF8.self) + "..."
    }
}
