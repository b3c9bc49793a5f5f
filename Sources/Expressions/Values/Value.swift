/// A CEL value: what an expression evaluates to and what variables are bound to.
///
/// An enum with payloads so evaluation needs no existential boxes or allocation for scalars;
/// lists, maps, strings and bytes share storage copy-on-write. `.object` is the door for
/// application data that should be read lazily, field by field (a customer view, an event), see
/// `LazyObject`.
///
/// Swift `==` on `Value` is *structural*: `.int(1) != .uint(1)`, NaN equals NaN, map entry order
/// is ignored. CEL's own `==` (heterogeneous numeric equality, NaN unequal to itself) is
/// `Value.celEquals(_:_:)`.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([Value])
    case map(MapValue)
    case timestamp(Timestamp)
    case duration(Duration)
    /// A type used as a value: `type(1)` is `.type(.int)`.
    case type(TypeValue)
    /// `optional.of(x)` is `.optional(x)`, `optional.none()` is `.optional(nil)`.
    indirect case optional(Value?)
    /// Application data read field by field on demand.
    case object(ObjectValue)

    /// Wraps application data whose fields are resolved only when an expression reads them.
    @inlinable
    public static func lazy<Object: LazyObject>(_ object: Object) -> Value { .object(ObjectValue(object)) }

    /// The runtime type, as `type(x)` returns it.
    public var type: TypeValue {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        case .list: return .list
        case .map: return .map
        case .timestamp: return .timestamp
        case .duration: return .duration
        case .type: return .type
        case .optional: return .optional
        case .object(let object): return TypeValue(object.typeName)
        }
    }

    /// The type name used in error messages (`int`, `map`, `google.protobuf.Timestamp`...).
    var typeName: String { type.name }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
}

extension Value: ExpressibleByDictionaryLiteral {
    /// A map literal; a key that is not a bool, int, uint or string, or a repeated key, traps,
    /// as for any literal written wrong in source code.
    public init(dictionaryLiteral elements: (Value, Value)...) {
        var map = MapValue()
        for (key, value) in elements {
            guard let mapKey = MapKey(key) else { preconditionFailure("\(key.typeName) cannot be a map key") }
            precondition(map.insert(mapKey, value), "repeated map key in a literal")
        }
        self = .map(map)
    }
}
