/// Application data an expression reads field by field, without converting it to a `Value`
/// whole.
///
/// Bind a conforming type with `Value.lazy(view)`. Each `view.field` the expression touches
/// calls `field(_:)` once; untouched fields cost nothing. Nested data can be another
/// `LazyObject` or a plain `Value` (`.map`, `.list`...). To CEL an object behaves like a map
/// with string keys: selection, `has()`, `'f' in obj`, indexing with a string, `size`,
/// iteration over `fieldNames` and equality all work.
///
/// Implementations must be pure: the same object must answer the same field the same way for
/// the duration of an evaluation (rules are replayed and must decide identically).
///
///     struct CustomerView: LazyObject {
///         let record: CustomerRecord
///         var typeName: String { "Customer" }
///         var fieldNames: [String] { ["name", "plan", "scores"] }
///         func field(_ name: String) -> Value? {
///             switch name {
///             case "name": return .string(record.name)
///             case "plan": return .string(record.plan)
///             case "scores": return .map(MapValue(record.scores.mapValues(Value.double)))
///             default: return nil
///             }
///         }
///     }
public protocol LazyObject: Sendable {
    /// The CEL type name reported by `type(x)` and in error messages, e.g. `"Customer"`.
    var typeName: String { get }
    /// The value of a present field, or nil when the field is absent (so `has(x.f)` is false
    /// and `x.f` is a "no such key" error).
    func field(_ name: String) -> Value?
    /// The names of the present fields, in a stable order. Used only by operations that need
    /// the whole object (iteration, `size`, equality, JSON output); cost is the implementation's.
    var fieldNames: [String] { get }
}

/// A `LazyObject` as stored inside a `Value`: one reference, so `Value` stays small.
public struct ObjectValue: Sendable {
    private final class Box: Sendable {
        let object: any LazyObject
        init(_ object: any LazyObject) { self.object = object }
    }

    private let box: Box

    public init(_ object: some LazyObject) { self.box = Box(object) }

    public var object: any LazyObject { box.object }

    /// Whether both wrap the very same instance (a cheap equality shortcut).
    func isSameInstance(as other: ObjectValue) -> Bool { box === other.box }

    /// All present fields as a map, in `fieldNames` order. Cost: every field is resolved.
    func materialize() -> MapValue {
        var map = MapValue()
        for name in object.fieldNames {
            if let value = object.field(name) { map.insert(.string(name), value) }
        }
        return map
    }
}
