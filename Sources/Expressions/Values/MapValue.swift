/// A CEL map: keys of type bool, int, uint or string, values of any type.
///
/// Remembers insertion order, so iteration (`all`, `exists`, `map`...), JSON output and the
/// text form are deterministic, which replaying a rule against the log requires. Lookup is a
/// hash probe; `keys` is an array. Copy-on-write like the standard collections.
public struct MapValue: Sendable {
    /// Keys in insertion order.
    public private(set) var keys: [MapKey] = []
    private var storage: [MapKey: Value] = [:]

    public init() {}

    /// A map from key-value pairs; nil when a key repeats (CEL rejects repeated keys).
    public init?(_ entries: [(MapKey, Value)]) {
        keys.reserveCapacity(entries.count)
        storage.reserveCapacity(entries.count)
        for (key, value) in entries where !insert(key, value) { return nil }
    }

    /// A map with string keys, for convenience from Swift.
    public init(_ dictionary: [String: Value]) {
        for key in dictionary.keys.sorted() { _ = insert(.string(key), dictionary[key]!) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: MapKey) -> Value? { storage[key] }

    /// The entry for a string key, as field selection `m.f` reads it.
    public subscript(field: String) -> Value? { storage[.string(field)] }

    /// Adds an entry; false (and no change) when the key is already present.
    @discardableResult
    public mutating func insert(_ key: MapKey, _ value: Value) -> Bool {
        guard storage.updateValue(value, forKey: key) == nil else { return false }
        keys.append(key)
        return true
    }

    /// Entries in insertion order.
    public var entries: [(key: MapKey, value: Value)] { keys.map { ($0, storage[$0]!) } }

    /// The entry for any value used as a key, applying CEL's numeric key rules: a double with an
    /// integral value finds the int or uint key of the same number.
    ///
    /// Returns `.notFound` for a missing key and `.invalidKey` for a value that can never be a
    /// key (null, a list...). Cost: one hash probe.
    func lookup(_ key: Value) -> Lookup {
        switch key {
        case .bool(let b): return storage[.bool(b)].map(Lookup.found) ?? .notFound
        case .int(let i): return storage[.int(i)].map(Lookup.found) ?? .notFound
        case .uint(let u): return storage[.uint(u)].map(Lookup.found) ?? .notFound
        case .string(let s): return storage[.string(s)].map(Lookup.found) ?? .notFound
        case .double(let d):
            if let i = Int64(exactly: d) { return storage[.int(i)].map(Lookup.found) ?? .notFound }
            if let u = UInt64(exactly: d) { return storage[.uint(u)].map(Lookup.found) ?? .notFound }
            return .notFound
        default:
            return .invalidKey
        }
    }

    enum Lookup {
        case found(Value)
        case notFound
        case invalidKey
    }
}
