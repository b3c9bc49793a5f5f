import JSON

/// One compiled keyword of a ``SchemaNode``.
///
/// Every payload is a plain value or an unowned link to an immutable object the
/// ``SchemaGraph`` keeps alive (``Box``), so copying a keyword while evaluating costs
/// no reference counting. Keywords that look at the same object members
/// (`properties`, `patternProperties`, `additionalProperties`, `required`) are fused
/// into one ``ObjectMembers`` pass over the instance's sorted members; `prefixItems`
/// and `items` are fused likewise.
enum Keyword: Sendable {
    /// The `false` schema.
    case alwaysFalse
    case type(TypeSet)
    case const(Box<ConstValue>)
    case enumeration(Box<EnumValues>)
    case multipleOf(Box<ConstValue>)
    case bound(Box<NumericBound>)
    case maxLength(Int)
    case minLength(Int)
    case pattern(Box<ECMARegex>)
    case format(Format)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case contains(NodeLink, min: Int, max: Int?)
    case maxProperties(Int)
    case minProperties(Int)
    case objectMembers(Box<ObjectMembers>)
    case propertyNames(NodeLink)
    case dependentRequired(Box<DependentRequired>)
    case dependentSchemas(Box<DependentSchemas>)
    case items(prefix: Box<NodeList>, rest: NodeLink?)
    case allOf(Box<NodeList>)
    case anyOf(Box<NodeList>)
    case oneOf(Box<NodeList>)
    case not(NodeLink)
    case conditional(if: NodeLink, then: NodeLink?, else: NodeLink?)
    case ref(NodeLink)
    /// `$dynamicRef` whose static target carries `$dynamicAnchor: anchor`.
    case dynamicRef(NodeLink, anchor: Box<ConstValue>)
    case unevaluatedProperties(NodeLink)
    case unevaluatedItems(NodeLink)
}
