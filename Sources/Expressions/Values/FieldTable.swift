/// Fast field-name dispatch for `LazyObject` implementations.
///
/// A Swift `switch` over twenty field names compares the name against each case in turn; a
/// `FieldTable` finds the accessor in one bucket chosen by the name's length and first and last
/// bytes, then confirms with one byte comparison. Build it once (a `static let`) and call it
/// from `field(_:)`:
///
///     struct CustomerView: LazyObject {
///         let record: CustomerRecord
///         static let fields = FieldTable<CustomerView>([
///             ("name", { .string($0.record.name) }),
///             ("email", { $0.record.email.map(Value.string) }),   // nil: absent, has() is false
///             ("scores", { .map(MapValue($0.record.scores.mapValues(Value.double))) }),
///         ])
///         var typeName: String { "Customer" }
///         var fieldNames: [String] { Self.fields.names.filter { field($0) != nil } }
///         func field(_ name: String) -> Value? { Self.fields.value(of: name, in: self) }
///         func field(_ key: FieldKey) -> Value? { Self.fields.value(of: key, in: self) }
///     }
///
/// Cost: O(1) per lookup plus the accessor; by `FieldKey` (what compiled programs pass) one
/// array index, by name one bucket probe and a byte comparison. No hashing, no allocation.
public struct FieldTable<Root>: Sendable {
    public typealias Accessor = @Sendable (Root) -> Value?

    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var name: String
        @usableFromInline var accessor: Accessor
    }

    @usableFromInline let buckets: [[Entry]]
    /// Accessors by `FieldKey.id`; ids of names not in the table are out of range or nil.
    @usableFromInline let byID: [Accessor?]
    /// The field names, in the order given.
    public let names: [String]

    @usableFromInline static var bucketCount: Int { 64 }

    public init(_ fields: [(String, Accessor)]) {
        var buckets = Array(repeating: [Entry](), count: Self.bucketCount)
        for (name, accessor) in fields {
            buckets[Self.bucket(name)].append(Entry(name: name, accessor: accessor))
        }
        self.buckets = buckets
        self.names = fields.map(\.0)
        let keyed = fields.map { (FieldKey($0.0).id, $0.1) }
        var byID = [Accessor?](repeating: nil, count: (keyed.map(\.0).max() ?? -1) + 1)
        for (id, accessor) in keyed { byID[id] = accessor }
        self.byID = byID
    }

    /// The accessor's value for the field with that key, or nil when there is no such field.
    @inlinable
    public func value(of key: FieldKey, in root: Root) -> Value? {
        guard key.id < byID.count, let accessor = byID[key.id] else { return nil }
        return accessor(root)
    }

    @inlinable @inline(__always)
    static func bucket(_ name: String) -> Int {
        let utf8 = name.utf8
        guard let first = utf8.first else { return 0 }
        return (utf8.count &* 7 &+ Int(first)) & (bucketCount - 1)
    }

    /// The accessor's value for the named field, or nil when there is no such field.
    @inlinable
    public func value(of name: String, in root: Root) -> Value? {
        for entry in buckets[Self.bucket(name)] where StringBytes.equal(entry.name, name) {
            return entry.accessor(root)
        }
        return nil
    }

    /// Whether the table has a field of that name (present or not in a given object).
    public func contains(_ name: String) -> Bool {
        buckets[Self.bucket(name)].contains { StringBytes.equal($0.name, name) }
    }
}
