extension SchemaCompiler {
    /// Points every link at a node whose only keyword is `$ref` straight at the
    /// reference's target.
    ///
    /// Catalog schemas are full of `"amount": {"$ref": "common.json#/$defs/money"}`;
    /// without this, each such property costs one extra evaluation step. Skipped when
    /// the graph uses `$dynamicRef`, whose resolution depends on the resources entered
    /// on the way. Error locations are unchanged: they name the keyword that failed,
    /// which is in the target either way.
    func forwardReferenceOnlyNodes() {
        guard !graph.usesDynamicScope else { return }
        func forward(_ link: NodeLink) -> NodeLink {
            var node = link.node
            for _ in 0..<16 {
                guard node.keywords.count == 1, case .ref(let target) = node.keywords[0], target.node !== node else { break }
                node = target.node
            }
            return NodeLink(node)
        }
        func forward(_ link: NodeLink?) -> NodeLink? { link.map(forward) }

        for node in graph.nodes {
            for index in node.keywords.indices {
                switch node.keywords[index] {
                case .contains(let link, let min, let max):
                    node.replaceKeyword(at: index, with: .contains(forward(link), min: min, max: max))
                case .propertyNames(let link):
                    node.replaceKeyword(at: index, with: .propertyNames(forward(link)))
                case .items(let prefix, let rest):
                    prefix.object.links = prefix.object.links.map(forward)
                    node.replaceKeyword(at: index, with: .items(prefix: prefix, rest: forward(rest)))
                case .allOf(let list), .anyOf(let list), .oneOf(let list):
                    list.object.links = list.object.links.map(forward)
                case .not(let link):
                    node.replaceKeyword(at: index, with: .not(forward(link)))
                case .conditional(let condition, let then, let otherwise):
                    node.replaceKeyword(at: index, with: .conditional(if: forward(condition), then: forward(then), else: forward(otherwise)))
                case .ref(let link):
                    node.replaceKeyword(at: index, with: .ref(forward(link)))
                case .unevaluatedProperties(let link):
                    node.replaceKeyword(at: index, with: .unevaluatedProperties(forward(link)))
                case .unevaluatedItems(let link):
                    node.replaceKeyword(at: index, with: .unevaluatedItems(forward(link)))
                case .dependentSchemas(let box):
                    box.object.list = box.object.list.map { ($0.property, forward($0.schema)) }
                case .objectMembers(let box):
                    let members = box.object
                    for i in members.entries.indices { members.entries[i].schema = forward(members.entries[i].schema) }
                    members.patterns = members.patterns.map { ($0.regex, forward($0.schema)) }
                    members.additional = forward(members.additional)
                default:
                    continue
                }
            }
        }
    }
}
