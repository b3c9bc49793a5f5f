import JSON

/// One compiled keyword of a ``SchemaNode``.
///
/// Keywords that must look at the same object members (`properties`,
/// `patternProperties`, `additionalProperties`, `required`) are fused into one
/// ``ObjectMembers`` pass over the instance's sorted members; `prefixItems` and
/// `items` are fused likewise.
enum Keyword: @unchecked Sendable {
    /// The `false` schema (or a keyword value that can never be satisfied).
    case alwaysFalse
    case type(TypeSet)
    case const(JSONValue)
    case enumeration(EnumValues)
    case multipleOf(JSONNumber)
    case bound(NumericBound)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case format(Format)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case contains(NodeLink, min: Int, max: Int?)
    case maxProperties(Int)
    case minProperties(Int)
    case objectMembers(ObjectMembers)
    case propertyNames(NodeLink)
    case dependentRequired([(property: String, required: [String])])
    case dependentSchemas([(property: String, schema: NodeLink)])
    case items(prefix: [NodeLink], rest: NodeLink?)
    case allOf([NodeLink])
    case anyOf([NodeLink])
    case oneOf([NodeLink])
    case not(NodeLink)
    case conditional(if: NodeLink, then: NodeLink?, else: NodeLink?)
    case ref(NodeLink)
    /// `$dynamicRef` whose static target carries `$dynamicAnchor: anchor`.
    case dynamicRef(NodeLink, anchor: String)
    case unevaluatedProperties(NodeLink)
    case unevaluatedItems(NodeLink)
}

/// The JSON types a `type` keyword allows, as a bit set.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1 << 0)
    static let boolean = TypeSet(rawValue: 1 << 1)
    static let object = TypeSet(rawValue: 1 << 2)
    static let array = TypeSet(rawValue: 1 << 3)
    static let number = TypeSet(rawValue: 1 << 4)
    static let integer = TypeSet(rawValue: 1 << 5)
    static let string = TypeSet(rawValue: 1 << 6)

    static let names: [(String, TypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array),
        ("number", .number), ("integer", .integer), ("string", .string),
    ]

    /// `string`, `string or null`, `integer, string or null`.
    var phrase: String {
        let parts = Self.names.filter { contains($0.1) }.map(\.0)
        guard parts.count > 1 else { return parts.first ?? "nothing" }
        return parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`.
struct NumericBound: Sendable {
    var limit: JSONNumber
    /// The limit's value when it is an integer that fits, for a fast comparison.
    var integerLimit: Int64?
    var isUpper: Bool
    var isExclusive: Bool

    var keyword: String {
        switch (isUpper, isExclusive) {
        case (true, false): return "maximum"
        case (true, true): return "exclusiveMaximum"
        case (false, false): return "minimum"
        case (false, true): return "exclusiveMinimum"
        }
    }
}

/// The values of an `enum`, with the strings also in a set for an O(1) check.
struct EnumValues: Sendable {
    var values: [JSONValue]
    var strings: Set<String>
    /// Whether every value is a string (then `strings` alone decides).
    var onlyStrings: Bool
}

/// `properties`, `patternProperties`, `additionalProperties` and `required` of one
/// node, fused into one merge pass over the instance's sorted members.
struct ObjectMembers: @unchecked Sendable {
    struct Entry {
        /// The member name.
        var key: String
        /// Its `properties` schema, if any.
        var schema: NodeLink?
        /// Whether `required` lists it.
        var required: Bool
    }

    /// Sorted by the UTF-8 bytes of `key`, the order ``JSON/JSONObject`` keeps members in.
    var entries: [Entry]
    var patterns: [(regex: ECMARegex, schema: NodeLink)]
    var additional: NodeLink?
    /// Whether the node has `additionalProperties: false`, for a clearer message.
    var additionalIsFalse: Bool
    var hasProperties: Bool
    var hasRequired: Bool
}
