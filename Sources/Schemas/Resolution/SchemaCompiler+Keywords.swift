import JSON

extension SchemaCompiler {
    /// Compiles the keywords of one schema object (or boolean) into `node`.
    mutating func compileKeywords(_ node: SchemaNode, _ value: JSONValue, _ context: NodeContext) throws(SchemaError) {
        let object: JSONObject
        switch value {
        case .bool(true): return
        case .bool(false):
            node.setKeywords([.alwaysFalse])
            return
        case .object(let o): object = o
        default:
            throw SchemaError(.invalidSchema, "\(node.location): a schema must be an object or a boolean, found \(value.typeName)")
        }
        var k = ContiguousArray<Keyword>()
        func invalid(_ keyword: String, _ problem: String) -> SchemaError {
            SchemaError(.invalidSchema, "\(node.location(of: keyword)): \(problem)")
        }
        func count(_ keyword: String) throws(SchemaError) -> Int? {
            guard let v = object[keyword] else { return nil }
            guard let n = v.numberValue, n.isWholeNumber, let i = n.int64Value, i >= 0 else {
                throw invalid(keyword, "must be a non-negative integer")
            }
            return Int(clamping: i)
        }
        func number(_ keyword: String) throws(SchemaError) -> JSONNumber? {
            guard let v = object[keyword] else { return nil }
            guard let n = v.numberValue else { throw invalid(keyword, "must be a number") }
            return n
        }

        // Cheap, type-specific checks first, so the fast path fails early.
        if let types = object["type"] {
            guard let set = Self.typeSet(types) else { throw invalid("type", "must be a type name or an array of them") }
            k.append(.type(set))
        }
        if let value = object["const"] { k.append(.const(graph.keep(ConstValue(value)))) }
        if let values = object["enum"] {
            guard case .array(let list) = values else { throw invalid("enum", "must be an array") }
            k.append(.enumeration(graph.keep(EnumValues(list))))
        }
        if let divisor = try number("multipleOf") {
            guard divisor > JSONNumber(0) else { throw invalid("multipleOf", "must be greater than 0") }
            k.append(.multipleOf(graph.keep(ConstValue(.number(divisor)))))
        }
        for (keyword, upper, exclusive) in [("maximum", true, false), ("exclusiveMaximum", true, true), ("minimum", false, false), ("exclusiveMinimum", false, true)] {
            if let limit = try number(keyword) {
                k.append(.bound(graph.keep(NumericBound(limit: limit, isUpper: upper, isExclusive: exclusive))))
            }
        }
        if let n = try count("minLength") { k.append(.minLength(n)) }
        if let n = try count("maxLength") { k.append(.maxLength(n)) }
        if let pattern = object["pattern"] {
            guard case .string(let text) = pattern else { throw invalid("pattern", "must be a string") }
            k.append(.pattern(graph.keep(try regex(text, node.location(of: "pattern")))))
        }
        if options.formatAssertion, case .string(let name)? = object["format"], let format = Format(rawValue: name) {
            k.append(.format(format))
        }
        if let n = try count("minItems") { k.append(.minItems(n)) }
        if let n = try count("maxItems") { k.append(.maxItems(n)) }
        if object["uniqueItems"] == .bool(true) { k.append(.uniqueItems) }
        if let n = try count("minProperties") { k.append(.minProperties(n)) }
        if let n = try count("maxProperties") { k.append(.maxProperties(n)) }
        var dependencies: [(property: String, required: [String])] = []
        if let value = object["dependentRequired"] {
            guard case .object(let map) = value else { throw invalid("dependentRequired", "must be an object of string arrays") }
            for (property, names) in map {
                guard let list = names.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                    throw invalid("dependentRequired", "\"\(property)\" must list property names")
                }
                dependencies.append((property, list.compactMap(\.stringValue)))
            }
        }
        let members = try objectMembers(object, context, node, dependencies: dependencies)
        if let members { k.append(.objectMembers(graph.keep(members))) }
        if !dependencies.isEmpty, members?.dependencies.isEmpty != false {
            k.append(.dependentRequired(graph.keep(DependentRequired(dependencies))))
        }

        // Applicators that move into the instance.
        if object["prefixItems"] != nil || object["items"] != nil {
            var prefix: [NodeLink] = []
            if let list = object["prefixItems"] {
                guard case .array(let schemas) = list, !schemas.isEmpty else { throw invalid("prefixItems", "must be a non-empty array of schemas") }
                for i in schemas.indices { prefix.append(NodeLink(try subschema(context, "prefixItems", String(i)))) }
            }
            if case .array? = object["items"] { throw invalid("items", "must be a schema; use prefixItems for a tuple") }
            let rest = object["items"] != nil ? NodeLink(try subschema(context, "items")) : nil
            k.append(.items(prefix: graph.keep(NodeList(prefix)), rest: rest))
        }
        if object["contains"] != nil {
            let minimum = try count("minContains") ?? 1
            let maximum = try count("maxContains")
            k.append(.contains(NodeLink(try subschema(context, "contains")), min: minimum, max: maximum))
        }
        if object["propertyNames"] != nil { k.append(.propertyNames(NodeLink(try subschema(context, "propertyNames")))) }
        if case .object(let map)? = object["dependentSchemas"] {
            var list: [(property: String, schema: NodeLink)] = []
            for (property, _) in map { list.append((property, NodeLink(try subschema(context, "dependentSchemas", property)))) }
            k.append(.dependentSchemas(graph.keep(DependentSchemas(list))))
        }

        // In-place applicators.
        if let reference = object["$ref"] {
            guard case .string(let text) = reference else { throw invalid("$ref", "must be a URI reference string") }
            if let (target, _) = try resolve(text, from: context) { k.append(.ref(NodeLink(target))) }
        }
        if let reference = object["$dynamicRef"] {
            guard case .string(let text) = reference else { throw invalid("$dynamicRef", "must be a URI reference string") }
            if let (target, anchor) = try resolve(text, from: context) {
                if let anchor, dynamicAnchorNames[ObjectIdentifier(target)] == anchor {
                    graph.usesDynamicScope = true
                    k.append(.dynamicRef(NodeLink(target), anchor: graph.keep(ConstValue(.string(anchor)))))
                } else {
                    k.append(.ref(NodeLink(target)))
                }
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            guard let list = object[keyword] else { continue }
            guard case .array(let schemas) = list, !schemas.isEmpty else { throw invalid(keyword, "must be a non-empty array of schemas") }
            var links: [NodeLink] = []
            for i in schemas.indices { links.append(NodeLink(try subschema(context, keyword, String(i)))) }
            let box = graph.keep(NodeList(links))
            k.append(keyword == "allOf" ? .allOf(box) : keyword == "anyOf" ? .anyOf(box) : .oneOf(box))
        }
        if object["not"] != nil { k.append(.not(NodeLink(try subschema(context, "not")))) }
        if object["if"] != nil {
            let then = object["then"] != nil ? NodeLink(try subschema(context, "then")) : nil
            let otherwise = object["else"] != nil ? NodeLink(try subschema(context, "else")) : nil
            // Kept even without then/else: a valid `if` still annotates for unevaluated*.
            k.append(.conditional(if: NodeLink(try subschema(context, "if")), then: then, else: otherwise))
        }

        // unevaluated* read the annotations of everything above, so they come last.
        if object["unevaluatedItems"] != nil {
            node.needsAnnotations = true
            k.append(.unevaluatedItems(NodeLink(try subschema(context, "unevaluatedItems"))))
        }
        if object["unevaluatedProperties"] != nil {
            node.needsAnnotations = true
            k.append(.unevaluatedProperties(NodeLink(try subschema(context, "unevaluatedProperties"))))
        }
        node.setKeywords(k)
    }

    private static func typeSet(_ value: JSONValue) -> TypeSet? {
        func one(_ v: JSONValue) -> TypeSet? {
            guard case .string(let name) = v else { return nil }
            return TypeSet.names.first { $0.0 == name }?.1
        }
        if let single = one(value) { return single }
        guard case .array(let list) = value else { return nil }
        var set: TypeSet = []
        for item in list {
            guard let t = one(item) else { return nil }
            set.insert(t)
        }
        return set
    }

    private func regex(_ text: String, _ location: String) throws(SchemaError) -> ECMARegex {
        do {
            return try ECMARegex(text)
        } catch {
            throw SchemaError(.invalidSchema, "\(location): \"\(text)\" is not a supported ECMA-262 regular expression: \(error)")
        }
    }

    /// `properties`, `patternProperties`, `additionalProperties` and `required`, fused.
    /// `properties`, `patternProperties`, `additionalProperties`, `required` and (when
    /// they name at most 64 properties in all) `dependentRequired`, fused.
    private mutating func objectMembers(
        _ object: JSONObject, _ context: NodeContext, _ node: SchemaNode, dependencies: [(property: String, required: [String])]
    ) throws(SchemaError) -> ObjectMembers? {
        let properties = object["properties"]
        let patterns = object["patternProperties"]
        let additional = object["additionalProperties"]
        let required = object["required"]
        guard properties != nil || patterns != nil || additional != nil || required != nil || !dependencies.isEmpty else { return nil }
        var schemas: [String: NodeLink] = [:]
        var requiredNames: Set<String> = []
        if let properties {
            guard case .object(let map) = properties else {
                throw SchemaError(.invalidSchema, "\(node.location(of: "properties")): must be an object of schemas")
            }
            for (name, _) in map { schemas[name] = NodeLink(try subschema(context, "properties", name)) }
        }
        if let required {
            guard case .array(let names) = required, names.allSatisfy({ $0.stringValue != nil }) else {
                throw SchemaError(.invalidSchema, "\(node.location(of: "required")): must be an array of property names")
            }
            for case .string(let name) in names { requiredNames.insert(name) }
        }
        var names = Set(schemas.keys).union(requiredNames)
        var fused = dependencies
        let dependencyNames = dependencies.flatMap { [$0.property] + $0.required }
        if names.union(dependencyNames).count <= 64 { names.formUnion(dependencyNames) } else { fused = [] }
        let entries = names.map { (key: $0, schema: schemas[$0], required: requiredNames.contains($0)) }
        var patternList: [(regex: ECMARegex, schema: NodeLink)] = []
        if let patterns {
            guard case .object(let map) = patterns else {
                throw SchemaError(.invalidSchema, "\(node.location(of: "patternProperties")): must be an object of schemas")
            }
            for (pattern, _) in map {
                let location = node.location(of: "patternProperties")
                patternList.append((try regex(pattern, location), NodeLink(try subschema(context, "patternProperties", pattern))))
            }
        }
        return ObjectMembers(
            entries: entries,
            patterns: patternList,
            additional: additional != nil ? NodeLink(try subschema(context, "additionalProperties")) : nil,
            additionalIsFalse: additional == .bool(false),
            dependencies: fused)
    }
}
