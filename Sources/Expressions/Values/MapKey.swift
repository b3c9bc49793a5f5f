/// A key of a CEL map: a bool, an int, a uint or a string.
///
/// Keys follow CEL's heterogeneous numeric equality: `.int(2)` and `.uint(2)` are the same key
/// (so `{2: 'a', 2u: 'b'}` is a repeated key), and a double with an integral value finds them
/// (see `MapValue.lookup`). Strings compare by code points, not by Unicode canonical
/// equivalence, as CEL requires; Swift's `String ==` would treat `"é"` and `"e\u{301}"` alike.
public enum MapKey: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case string(String)

    /// The key for a value, or nil when the value's type cannot be a key.
    public init?(_ value: Value) {
        switch value {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = .uint(u)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    /// The key as a value.
    public var value: Value {
        switch self {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return .uint(u)
        case .string(let s): return .string(s)
        }
    }

    public static func == (lhs: MapKey, rhs: MapKey) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): return a >= 0 && UInt64(a) == b
        case (.string(let a), .string(let b)): return StringBytes.equal(a, b)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .bool(let b):
            hasher.combine(0 as UInt8)
            hasher.combine(b)
        case .int(let i) where i >= 0:
            hasher.combine(1 as UInt8)
            hasher.combine(UInt64(i))
        case .int(let i):
            hasher.combine(2 as UInt8)
            hasher.combine(i)
        case .uint(let u):
            hasher.combine(1 as UInt8)
            hasher.combine(u)
        case .string(let s):
            hasher.combine(3 as UInt8)
            StringBytes.hash(s, into: &hasher)
        }
    }

    public var description: String { value.literal }
}
