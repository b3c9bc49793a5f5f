import Foundation

/// Customer id → unit number, for a million units: an open-addressing hash table over the
/// ids' UTF-8 bytes, kept in one byte arena.
///
/// A `[String: Int32]` spends most of a large report hashing with a per-process seed,
/// validating and allocating a `String` per id, and rehashing as it grows. Here an id is
/// hashed (FNV-1a 64) straight from the bytes the log stored; each slot keeps the upper
/// half of its hash beside the unit number, so a probe touches the id bytes only on a
/// likely match, and growth rehashes from the slots alone.
///
/// Cost: one hash and one slot read per lookup (plus one comparison on a hit); 8 bytes per
/// slot at most half full, plus the ids and 4 bytes of offset per unit.
struct CustomerIndex {
    private var arena: [UInt8] = []
    /// Where each unit's id starts in ``arena``; one more entry than units.
    private var starts: [UInt32] = [0]
    /// Upper 32 bits of the id's hash, then unit number + 1; 0 when empty. A power of two.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 1024)

    var count: Int { starts.count - 1 }

    /// Makes room for about `units` ids without growing.
    mutating func reserveCapacity(_ units: Int) {
        var size = slots.count
        while size < units * 2 { size *= 2 }
        if size > slots.count { rehash(size) }
        starts.reserveCapacity(units + 1)
    }

    /// The unit of `id`, or `nil`.
    func find(_ id: UnsafeRawBufferPointer) -> Int? {
        probe(id, hash: Self.hash(id)).unit
    }

    /// The unit of `id`, adding it as the next unit when it is new.
    mutating func insert(_ id: UnsafeRawBufferPointer) -> (unit: Int, inserted: Bool) {
        if count * 2 >= slots.count { rehash(slots.count * 2) }
        let hash = Self.hash(id)
        let found = probe(id, hash: hash)
        if let unit = found.unit { return (unit, false) }
        let unit = count
        slots[found.slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(unit + 1)
        arena.append(
            contentsOf: UnsafeBufferPointer(start: id.baseAddress?.assumingMemoryBound(to: UInt8.self), count: id.count)
        )
        starts.append(UInt32(arena.count))
        return (unit, true)
    }

    /// Inserts each of `ids` in order, as ``insert(_:)`` would, and returns the unit of each
    /// and whether it was new.
    ///
    /// Faster for large tables: the slots of the whole batch are read in one loop first, so
    /// their cache misses overlap instead of following one another.
    mutating func insert(batch ids: [UnsafeRawBufferPointer]) -> [(unit: Int, inserted: Bool)] {
        while (count + ids.count) * 2 >= slots.count { rehash(slots.count * 2) }
        var hashes = [UInt64](repeating: 0, count: ids.count)
        var warm: UInt64 = 0
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            for (i, id) in ids.enumerated() {
                let hash = Self.hash(id)
                hashes[i] = hash
                warm &+= slots[Int(truncatingIfNeeded: hash) & mask]
            }
        }
        var results: [(unit: Int, inserted: Bool)] = []
        results.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() {
            let found = probe(id, hash: hashes[i])
            if let unit = found.unit {
                results.append((unit, false))
                continue
            }
            let unit = count
            slots[found.slot] = (hashes[i] & 0xFFFF_FFFF_0000_0000) | UInt64(unit + 1)
            arena.append(
                contentsOf: UnsafeBufferPointer(
                    start: id.baseAddress?.assumingMemoryBound(to: UInt8.self), count: id.count))
            starts.append(UInt32(arena.count))
            results.append((unit, true))
        }
        // Keeps the warming loop from being optimised away; never true for a real table.
        if warm == 1 { slots[0] = slots[0] }
        return results
    }

    /// Where `id` is (its unit), or the empty slot where it would go.
    @inline(__always)
    private func probe(_ id: UnsafeRawBufferPointer, hash: UInt64) -> (unit: Int?, slot: Int) {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return (nil, slot) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let unit = Int(entry & 0xFFFF_FFFF) - 1
                    if equals(unit, id) { return (unit, slot) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `unit` as text.
    func id(of unit: Int) -> String {
        String(decoding: arena[Int(starts[unit])..<Int(starts[unit + 1])], as: UTF8.self)
    }

    private func equals(_ unit: Int, _ id: UnsafeRawBufferPointer) -> Bool {
        let start = Int(starts[unit])
        guard Int(starts[unit + 1]) - start == id.count else { return false }
        return arena.withUnsafeBytes { stored in
            id.count == 0 || memcmp(stored.baseAddress! + start, id.baseAddress!, id.count) == 0
        }
    }

    /// Rebuilds the table with `size` slots, walking the ids in unit order (the arena is read
    /// front to back).
    private mutating func rehash(_ size: Int) {
        let mask = size - 1
        var grown = [UInt64](repeating: 0, count: size)
        let units = count
        arena.withUnsafeBytes { stored in
            starts.withUnsafeBufferPointer { starts in
                grown.withUnsafeMutableBufferPointer { grown in
                    for unit in 0..<units {
                        let bytes = UnsafeRawBufferPointer(rebasing: stored[Int(starts[unit])..<Int(starts[unit + 1])])
                        let hash = Self.hash(bytes)
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while grown[slot] != 0 { slot = (slot + 1) & mask }
                        grown[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(unit + 1)
                    }
                }
            }
        }
        slots = grown
    }

    /// FNV-1a 64 with a final avalanche, so sequential ids spread over the table.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
