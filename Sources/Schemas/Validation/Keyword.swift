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

/// An unowned link to an immutable object owned by a ``SchemaGraph``: copying it
/// costs nothing, and the graph guarantees the object outlives every evaluation.
struct Box<Object: AnyObject & Sendable>: @unchecked Sendable {
    unowned(unsafe) let object: Object

    init(_ object: Object) { self.object = object }
}

/// A JSON value a keyword compares against (`const`, `multipleOf`'s divisor, a
/// `$dynamicRef` anchor name).
final class ConstValue: Sendable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    var number: JSONNumber { value.numberValue ?? JSONNumber(0) }
    var string: String { value.stringValue ?? "" }
}

/// Subschemas of `allOf`, `anyOf`, `oneOf` or `prefixItems`, in order.
final class NodeList: @unchecked Sendable {
    /// Written only while compiling (see ``SchemaCompiler``), read-only afterwards.
    var links: [NodeLink]

    init(_ links: [NodeLink]) { self.links = links }
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
final class NumericBound: Sendable {
    let limit: JSONNumber
    /// The limit as a fixed-point decimal, for the allocation-free comparison.
    let fixed: FixedDecimal?
    let isUpper: Bool
    let isExclusive: Bool

    init(limit: JSONNumber, isUpper: Bool, isExclusive: Bool) {
        self.limit = limit
        fixed = FixedDecimal(limit.text)
        self.isUpper = isUpper
        self.isExclusive = isExclusive
    }

    var keyword: String {
        switch (isUpper, isExclusive) {
        case (true, false): return "maximum"
        case (true, true): return "exclusiveMaximum"
        case (false, false): return "minimum"
        case (false, true): return "exclusiveMinimum"
        }
    }
}

/// The values of an `enum`. Strings are matched by their UTF-8 bytes: by a scan for
/// short lists, through a hash set for long ones.
final class EnumValues: Sendable {
    let values: [JSONValue]
    let strings: [String]
    let stringSet: Set<String>
    /// Whether every value is a string (then `strings` alone decides).
    let onlyStrings: Bool

    init(_ values: [JSONValue]) {
        self.values = values
        strings = values.compactMap(\.stringValue)
        stringSet = strings.count > 16 ? Set(strings) : []
        onlyStrings = strings.count == values.count
    }

    func containsString(_ s: String) -> Bool {
        if strings.count > 16 {
            // `Set<String>` matches canonically equivalent strings too; confirm the bytes.
            guard stringSet.contains(s) else { return false }
            return strings.contains { Evaluator.compareUTF8($0, s) == 0 }
        }
        let length = s.utf8.count
        for candidate in strings where candidate.utf8.count == length && Evaluator.compareUTF8(candidate, s) == 0 {
            return true
        }
        return false
    }
}

/// `dependentRequired`: property → the properties it requires.
final class DependentRequired: Sendable {
    let list: [(property: String, required: [String])]

    init(_ list: [(property: String, required: [String])]) { self.list = list }
}

/// `dependentSchemas`: property → the schema the whole object must then match.
final class DependentSchemas: @unchecked Sendable {
    /// Written only while compiling, read-only afterwards.
    var list: [(property: String, schema: NodeLink)]

    init(_ list: [(property: String, schema: NodeLink)]) { self.list = list }
}

/// `properties`, `patternProperties`, `additionalProperties` and `required` of one
/// node, fused into one merge pass over the instance's sorted members.
///
/// The names' UTF-8 bytes live in one buffer owned by this object, so the pass
/// compares bytes without touching `String` reference counts.
final class ObjectMembers: @unchecked Sendable {
    struct Entry {
        /// The member name's UTF-8 bytes.
        let key: UnsafeBufferPointer<UInt8>
        /// Its `properties` schema, if any.
        var schema: NodeLink?
        /// Whether `required` lists it.
        let required: Bool
    }

    /// Sorted by the UTF-8 bytes of their names, the order ``JSON/JSONObject`` keeps
    /// members in.
    let entries: UnsafeMutableBufferPointer<Entry>
    /// The names, in the order of `entries`, for messages.
    let names: [String]
    /// Written only while compiling, read-only afterwards.
    var patterns: [(regex: ECMARegex, schema: NodeLink)]
    /// Written only while compiling, read-only afterwards.
    var additional: NodeLink?
    /// Whether the node has `additionalProperties: false`, for a clearer message.
    let additionalIsFalse: Bool
    /// `dependentRequired`, by entry index (empty unless every name fits the 64-bit
    /// presence mask of the pass).
    let dependencies: [(property: Int, required: [Int])]
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// - Parameters:
    ///   - entries: names with their schema and whether they are required, any order;
    ///     every name `dependencies` mentions must be among them.
    init(
        entries unsorted: [(key: String, schema: NodeLink?, required: Bool)], patterns: [(regex: ECMARegex, schema: NodeLink)],
        additional: NodeLink?, additionalIsFalse: Bool, dependencies: [(property: String, required: [String])]
    ) {
        let sorted = unsorted.sorted { Evaluator.compareUTF8($0.key, $1.key) < 0 }
        bytes = .allocate(capacity: max(1, sorted.reduce(0) { $0 + $1.key.utf8.count }))
        let list = UnsafeMutableBufferPointer<Entry>.allocate(capacity: sorted.count)
        var offset = 0
        for (i, entry) in sorted.enumerated() {
            let start = offset
            for b in entry.key.utf8 {
                bytes[offset] = b
                offset += 1
            }
            let key = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(bytes)[start..<offset])
            (list.baseAddress! + i).initialize(to: Entry(key: key, schema: entry.schema, required: entry.required))
        }
        entries = list
        names = sorted.map(\.key)
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.dependencies = dependencies.map { (position[$0.property]!, $0.required.map { position[$0]! }) }
        self.patterns = patterns
        self.additional = additional
        self.additionalIsFalse = additionalIsFalse
    }

    deinit {
        bytes.deallocate()
        entries.deallocate()
    }
}
