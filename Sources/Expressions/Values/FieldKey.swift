import Synchronization

/// A field name interned for fast lookup: every distinct name gets a small integer `id`, the
/// same for the whole process.
///
/// Programs intern the field names they select when they are compiled and pass keys, not
/// strings, to `LazyObject.field(_:)`; a `FieldTable` finds the accessor by `id` with one array
/// index. Interning takes a lock, so create keys once (at compile time, in a `static let`),
/// never per lookup.
public struct FieldKey: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let id: Int

    /// The key for `name`, registering it on first use.
    public init(_ name: String) {
        self.name = name
        let bytes = Array(name.utf8)  // by bytes: CEL names compare by code points, not canonically
        self.id = FieldKey.registry.withLock { registry in
            if let id = registry[bytes] { return id }
            let id = registry.count
            registry[bytes] = id
            return id
        }
    }

    public static func == (a: FieldKey, b: FieldKey) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { name }

    private static let registry = Mutex<[[UInt8]: Int]>([:])
}
