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
    /// The same as `field(key.name)`, which is the default. Compiled programs call this form
    /// with keys interned at compile time; implement it with a `FieldTable` to find the field
    /// without comparing strings.
    func field(_ key: FieldKey) -> Value?
}

extension LazyObject {
    public func field(_ key: FieldKey) -> Value? { field(key.name) }
}

/// A `LazyObject` as stored inside a `Value`: one class reference, so `Value` stays small.
///
/// A class that conforms to `LazyObject` is stored as it is and called through its witness
/// table, so reading a field costs one call and no reference counting. A struct is wrapped once
/// in a small adapter class. Views the rules engine reads on every event are best written as
/// final classes (holding or referencing their record) for that reason.
public struct ObjectValue: Sendable {
    @usableFromInline let reference: any LazyObject & AnyObject

    @inlinable
    public init<Object: LazyObject>(_ object: Object) {
        if let reference = object as? any LazyObject & AnyObject {
            self.reference = reference
        } else {
            self.reference = LazyObjectAdapter(object)
        }
    }

    /// The wrapped object.
    public var object: any LazyObject {
        if let adapter = reference as? any AdapterProtocol { return adapter.wrappedObject }
        return reference
    }

    /// The field's value, or nil when absent. Cost: the object's `field(_:)`.
    func field(_ name: String) -> Value? { reference.field(name) }

    /// The field's value by interned key, or nil when absent.
    @inline(__always)
    func field(_ key: FieldKey) -> Value? { reference.field(key) }

    var typeName: String { reference.typeName }
    var fieldNames: [String] { reference.fieldNames }

    /// Whether both wrap the very same instance (a cheap equality shortcut).
    func isSameInstance(as other: ObjectValue) -> Bool { reference === other.reference }

    /// All present fields as a map, in `fieldNames` order. Cost: every field is resolved.
    func materialize() -> MapValue {
        var map = MapValue()
        for name in fieldNames {
            if let value = field(name) { map.insert(.string(name), value) }
        }
        return map
    }
}

@usableFromInline
protocol AdapterProtocol {
    var wrappedObject: any LazyObject { get }
}

/// Gives a struct `LazyObject` the single-reference representation `ObjectValue` stores.
@usableFromInline
final class LazyObjectAdapter<Wrapped: LazyObject>: LazyObject, AdapterProtocol, @unchecked Sendable {
    @usableFromInline let wrapped: Wrapped

    @usableFromInline
    init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    @usableFromInline var wrappedObject: any LazyObject { wrapped }
    @usableFromInline var typeName: String { wrapped.typeName }
    @usableFromInline var fieldNames: [String] { wrapped.fieldNames }
    @usableFromInline func field(_ name: String) -> Value? { wrapped.field(name) }
    @usableFromInline func field(_ key: FieldKey) -> Value? { wrapped.field(key) }
}
