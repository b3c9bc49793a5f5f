/// A value an ``EntityTable`` holds: it knows its own key.
protocol EntityTableValue: AnyObject {
    var key: String { get }
}

/// The working set of one share of a view: entity id to box, in an open-addressed
/// table with linear probing.
///
/// A rebuild looks an entity up for every event it folds, in a set of 100,000 entities
/// that does not fit any cache, so the cost of a lookup is the cache misses it takes.
/// `Dictionary` reads three arrays (occupancy bits, keys, values), hashes with a seeded
/// SipHash and retains the value it returns. Here a slot is 16 bytes: the key's hash
/// (worked out once per event by the thread that routes it, see ``EntityKey``) and an
/// unretained reference to the value, whose key is compared on a hash match. The
/// values are kept alive by ``values``. Because slots hold no counted references,
/// ``prefetch(hash:)`` can read ahead without atomic reference counting, which would
/// stall on each miss.
///
/// Entries are only ever added; the whole table is emptied at once.
struct EntityTable<Value: EntityTableValue> {
    private struct Slot {
        var hash: UInt64
        var value: Unmanaged<Value>?
    }

    private var slots: [Slot]
    private var mask: Int
    /// Every value in the table, which the slots reference without retaining.
    private var values: [Value] = []

    var count: Int { values.count }

    init(capacity: Int = 8) {
        let size = Self.size(for: capacity)
        slots = [Slot](repeating: Slot(hash: 0, value: nil), count: size)
        mask = size - 1
    }

    /// A power of two at least twice `capacity`: the table is at most half full.
    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        return size
    }

    /// The value stored for `key`, whose hash is `hash` (``EntityKey/hash(_:)``).
    @inline(__always)
    func value(for key: String, hash: UInt64) -> Value? {
        slots.withUnsafeBufferPointer { slots in
            var i = Int(truncatingIfNeeded: hash) & mask
            while let value = slots[i].value {
                if slots[i].hash == hash && value._withUnsafeGuaranteedRef({ $0.key == key }) {
                    return value.takeUnretainedValue()
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// Starts loading the slot of `hash` and the value in it into the cache, without
    /// waiting for either: a fold calls this a few events ahead of the one it applies.
    /// Returns a byte of what it read, for the caller to fold into a sink so the loads
    /// are not optimised away.
    @inline(__always)
    func prefetch(hash: UInt64) -> UInt64 {
        slots.withUnsafeBufferPointer { slots in
            let slot = slots[Int(truncatingIfNeeded: hash) & mask]
            guard slot.hash == hash, let value = slot.value else { return slot.hash }
            // The object's type pointer: it never changes, and it shares a line with
            // the reference count and the first stored properties.
            return value.toOpaque().load(as: UInt64.self)
        }
    }

    /// Stores `value` for its key (hash `hash`); the key must not be in the table.
    mutating func insert(_ value: Value, hash: UInt64) {
        assert(self.value(for: value.key, hash: hash) == nil, "\(value.key) is in the table already")
        if (values.count + 1) * 2 > slots.count { resize(to: slots.count * 2) }
        place(Unmanaged.passUnretained(value), hash: hash)
        values.append(value)
    }

    private mutating func place(_ value: Unmanaged<Value>, hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i].value != nil { i = (i + 1) & mask }
        slots[i] = Slot(hash: hash, value: value)
    }

    /// Makes room for `capacity` entries without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        let size = Self.size(for: capacity)
        if size > slots.count { resize(to: size) }
        values.reserveCapacity(capacity)
    }

    /// Empties the table, keeping its room.
    mutating func removeAll() {
        guard !values.isEmpty else { return }
        for i in slots.indices { slots[i] = Slot(hash: 0, value: nil) }
        values.removeAll(keepingCapacity: true)
    }

    private mutating func resize(to size: Int) {
        let old = slots
        slots = [Slot](repeating: Slot(hash: 0, value: nil), count: size)
        mask = size - 1
        for slot in old {
            if let value = slot.value { place(value, hash: slot.hash) }
        }
    }
}

/// The hash an entity id is placed by: its share (``EntityProjection/share(of:)``) and
/// its slot in that share's ``EntityTable``.
enum EntityKey {
    /// FNV-1a over the id's UTF-8 bytes, then a final mix so that the low bits (the
    /// slot) and the high bits (the share) both depend on every byte.
    @inline(__always)
    static func hash(_ key: String) -> UInt64 {
        var hash = FNV1a.hash(key.utf8)
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
