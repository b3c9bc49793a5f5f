/// Customer id → unit number, for a million units: an open-addressing hash table over the
/// ids' UTF-8 bytes, kept in one byte arena.
///
/// A `[String: Int32]` spends most of a large report hashing with a per-process seed,
/// validating and allocating a `String` per id, and rehashing as it grows. Here an id is
/// hashed (FNV-1a 64) straight from the bytes the log stored, compared with `memcmp`-like
/// loops against the arena, and growth reuses the stored hashes.
///
/// Cost: one hash and usually one comparison per lookup; about 20 bytes per unit beyond
/// the ids themselves.
struct CustomerIndex {
    private var arena: [UInt8] = []
    /// Where each unit's id starts in ``arena``; one more entry than units.
    private var starts: [UInt32] = [0]
    private var hashes: [UInt64] = []
    /// Unit number + 1 per slot, 0 when empty; the count is a power of two.
    private var slots: [Int32] = [Int32](repeating: 0, count: 1024)

    var count: Int { hashes.count }

    /// The unit of `id`, or `nil`.
    func find(_ id: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(id)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == hash && equals(entry - 1, id) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The unit of `id`, adding it as the next unit when it is new.
    mutating func insert(_ id: UnsafeRawBufferPointer) -> (unit: Int, inserted: Bool) {
        let hash = Self.hash(id)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == hash && equals(entry - 1, id) { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        let unit = hashes.count
        arena.append(contentsOf: id)
        starts.append(UInt32(arena.count))
        hashes.append(hash)
        if (unit + 1) * 2 > slots.count {
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = Int32(unit + 1)
        return (unit, true)
    }

    /// The id of `unit` as text.
    func id(of unit: Int) -> String {
        String(decoding: arena[Int(starts[unit])..<Int(starts[unit + 1])], as: UTF8.self)
    }

    private func equals(_ unit: Int, _ id: UnsafeRawBufferPointer) -> Bool {
        let start = Int(starts[unit])
        let end = Int(starts[unit + 1])
        guard end - start == id.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            var i = 0
            while i < id.count {
                if stored[start + i] != id[i] { return false }
                i += 1
            }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        let mask = size - 1
        var grown = [Int32](repeating: 0, count: size)
        for (unit, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(unit + 1)
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
