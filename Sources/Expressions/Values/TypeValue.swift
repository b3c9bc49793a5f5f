/// A runtime type, as `type(x)` returns it and as the type identifiers (`int`, `string`, `map`,
/// `google.protobuf.Timestamp`...) denote it.
///
/// Runtime types are coarse: `type([1])` and `type(['a'])` are both `list`; the element types
/// exist only for the checker (see `ExprType`).
public struct TypeValue: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }

    public static let null = TypeValue("null_type")
    public static let bool = TypeValue("bool")
    public static let int = TypeValue("int")
    public static let uint = TypeValue("uint")
    public static let double = TypeValue("double")
    public static let string = TypeValue("string")
    public static let bytes = TypeValue("bytes")
    public static let list = TypeValue("list")
    public static let map = TypeValue("map")
    public static let timestamp = TypeValue("google.protobuf.Timestamp")
    public static let duration = TypeValue("google.protobuf.Duration")
    public static let type = TypeValue("type")
    public static let optional = TypeValue("optional_type")

    /// Identifiers that evaluate to type values. `dyn` is deliberately absent: it is a checker
    /// annotation, not a runtime type.
    static let denotations: [String: TypeValue] = [
        "null_type": .null, "bool": .bool, "int": .int, "uint": .uint, "double": .double,
        "string": .string, "bytes": .bytes, "list": .list, "map": .map, "type": .type,
        "optional_type": .optional, "google.protobuf.Timestamp": .timestamp,
        "google.protobuf.Duration": .duration,
    ]
}
