/// A CEL map: keys of type bool, int, uint or string, values of any type.
///
/// Remembers insertion order, so iteration (`all`, `exists`, `map`...), JSON output and the
/// text form are deterministic, which replaying a rule against the log requires. Small maps
/// (up to 8 entries, the usual size of a payload or a score table) are searched linearly,
/// which is faster than hashing; larger ones keep a hash index. Copy-on-write like the standard
/// collections.
public struct MapValue: Sendable {
    /// One reference, so a `Value` holding a map stays two words.
    private final class Storage: @unchecked Sendable {
        // Reads happen on every field selection; mutation only while a map is being built,
        // through `insert`, which owns a unique reference. Dynamic exclusivity checks would
        // cost more than the lookups themselves.
        @exclusivity(unchecked) var keys: [MapKey] = []
        @exclusivity(unchecked) var values: [Value] = []
        /// Fingerprints of string keys (zero for other keys), parallel to `keys`.
        @exclusivity(unchecked) var fingerprints: [StringFingerprint] = []
        @exclusivity(unchecked) var index: [MapKey: Int]?

        init() {}

        init(copying other: Storage) {
            keys = other.keys
            values = other.values
            fingerprints = other.fingerprints
            index = other.index
        }
    }

    private var storage = Storage()

    /// Keys in insertion order.
    public var keys: [MapKey] { storage.keys }
    /// Values, parallel to `keys`.
    public var values: [Value] { storage.values }

    private static let linearLimit = 8

    public init() {}

    /// A map from key-value pairs; nil when a key repeats (CEL rejects repeated keys).
    public init?(_ entries: [(MapKey, Value)]) {
        storage.keys.reserveCapacity(entries.count)
        storage.values.reserveCapacity(entries.count)
        storage.fingerprints.reserveCapacity(entries.count)
        for (key, value) in entries where !insert(key, value) { return nil }
    }

    /// A map with string keys, for convenience from Swift; entries are ordered by key.
    public init(_ dictionary: [String: Value]) {
        for key in dictionary.keys.sorted() { insert(.string(key), dictionary[key]!) }
    }

    public var count: Int { storage.keys.count }
    public var isEmpty: Bool { storage.keys.isEmpty }

    public subscript(key: MapKey) -> Value? {
        position(of: key).map { storage.values[$0] }
    }

    /// The entry for a string key, as field selection `m.f` reads it.
    public subscript(field: String) -> Value? {
        self[field: field, StringFingerprint(field)]
    }

    /// The entry for a string key whose fingerprint the caller computed once.
    subscript(field field: String, fingerprint: StringFingerprint) -> Value? {
        let storage = storage
        guard storage.index == nil else { return self[.string(field)] }
        let fingerprints = storage.fingerprints
        for position in fingerprints.indices where fingerprints[position] == fingerprint {
            if fingerprint.isComplete { return storage.values[position] }
            if case .string(let s) = storage.keys[position], StringBytes.equal(s, field) {
                return storage.values[position]
            }
        }
        return nil
    }

    private func position(of key: MapKey) -> Int? {
        if let index = storage.index { return index[key] }
        for (position, candidate) in storage.keys.enumerated() where candidate == key { return position }
        return nil
    }

    /// Adds an entry; false (and no change) when the key is already present.
    @discardableResult
    public mutating func insert(_ key: MapKey, _ value: Value) -> Bool {
        guard position(of: key) == nil else { return false }
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
        storage.keys.append(key)
        storage.values.append(value)
        if case .string(let s) = key {
            storage.fingerprints.append(StringFingerprint(s))
        } else {
            storage.fingerprints.append(.notAString)
        }
        if storage.index != nil {
            storage.index![key] = storage.keys.count - 1
        } else if storage.keys.count > MapValue.linearLimit {
            var built: [MapKey: Int] = [:]
            built.reserveCapacity(storage.keys.count * 2)
            for (position, key) in storage.keys.enumerated() { built[key] = position }
            storage.index = built
        }
        return true
    }

    /// Entries in insertion order.
    public var entries: [(key: MapKey, value: Value)] { Array(zip(storage.keys, storage.values)) }

    /// The entry for any value used as a key, applying CEL's numeric key rules: a double with an
    /// integral value finds the int or uint key of the same number.
    ///
    /// Returns `.notFound` for a missing key and `.invalidKey` for a value that can never be a
    /// key (null, a list...).
    func lookup(_ key: Value) -> Lookup {
        let mapKey: MapKey
        switch key {
        case .bool(let b): mapKey = .bool(b)
        case .int(let i): mapKey = .int(i)
        case .uint(let u): mapKey = .uint(u)
        case .string(let s): mapKey = .string(s)
        case .double(let d):
            if let i = Int64(exactly: d) {
                mapKey = .int(i)
            } else if let u = UInt64(exactly: d) {
                mapKey = .uint(u)
            } else {
                return .notFound
            }
        default:
            return .invalidKey
        }
        return self[mapKey].map(Lookup.found) ?? .notFound
    }

    enum Lookup {
        case found(Value)
        case notFound
        case invalidKey
    }
}
