/// FNV-1a, 32 bits, over UTF-16 code units: the hash every GrowthBook SDK buckets with.
///
/// GrowthBook's JavaScript SDK feeds `String.charCodeAt(i)`, a UTF-16 code unit, to the
/// hash. To land every customer in the same bucket as that SDK, this hasher consumes
/// UTF-16 code units too: an emoji outside the BMP is two units (a surrogate pair), `é`
/// is one. (GrowthBook's Python SDK feeds code points, which agrees below U+10000 only.)
///
/// The hasher is a value: combine units into it, read ``value``. Continuing from a
/// saved state is how a seed is hashed once and reused for every customer.
///
/// Cost: one xor and one multiply per code unit, a serial chain of about four cycles
/// per unit. ASCII text is read straight from a string's UTF-8 storage; other text is
/// transcoded on the fly. Nothing allocates.
public struct FNV1a32: Sendable, Hashable {
    /// The FNV-1a 32-bit offset basis.
    public static let offsetBasis: UInt32 = 0x811C_9DC5
    /// The FNV 32-bit prime, 2^24 + 2^8 + 0x93.
    public static let prime: UInt32 = 0x0100_0193

    @usableFromInline var state: UInt32

    /// The hash of everything combined so far.
    @inlinable public var value: UInt32 { state }

    /// A hasher that has consumed nothing.
    @inlinable
    public init() { state = Self.offsetBasis }

    /// A hasher resuming from a previously read ``value``.
    @inlinable
    public init(state: UInt32) { self.state = state }

    /// Mixes in one UTF-16 code unit.
    @inlinable
    public mutating func combine(_ unit: UInt16) {
        state = (state ^ UInt32(unit)) &* Self.prime
    }

    /// Mixes in every UTF-16 code unit of `units`.
    @inlinable
    public mutating func combine(units: UnsafeBufferPointer<UInt16>) {
        var h = state
        for unit in units { h = (h ^ UInt32(unit)) &* Self.prime }
        state = h
    }

    /// Mixes in the UTF-16 code units of `string`, in order.
    @inlinable
    public mutating func combine(_ string: String) {
        let start = state
        if let h = string.utf8.withContiguousStorageIfAvailable({ Self.mix(start, utf8: $0) }) {
            state = h
        } else {
            for unit in string.utf16 { combine(unit) }
        }
    }

    /// Mixes in the UTF-16 code units of the valid UTF-8 text in `bytes`.
    @inlinable
    public mutating func combine(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        state = Self.mix(state, utf8: bytes)
    }

    /// `h` after the UTF-16 code units of the valid UTF-8 text `bytes`: ASCII bytes in a
    /// tight loop, anything else through ``mixTranscoding(_:utf8:from:)``.
    @inlinable @inline(__always)
    static func mix(_ start: UInt32, utf8 bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h = start
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b >= 0x80 { return mixTranscoding(h, utf8: bytes, from: i) }
            h = (h ^ UInt32(b)) &* prime
            i += 1
        }
        return h
    }

    /// Two hashers fed the same valid UTF-8 text at once. Their multiply chains are
    /// independent, so the processor runs them side by side: hashing a customer id for an
    /// experiment and for its namespace costs little more than hashing it once.
    @inlinable @inline(__always)
    static func mix(_ a: UInt32, _ b: UInt32, utf8 bytes: UnsafeBufferPointer<UInt8>) -> (UInt32, UInt32) {
        var x = a
        var y = b
        var i = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            if byte >= 0x80 {
                return (mixTranscoding(x, utf8: bytes, from: i), mixTranscoding(y, utf8: bytes, from: i))
            }
            x = (x ^ UInt32(byte)) &* prime
            y = (y ^ UInt32(byte)) &* prime
            i += 1
        }
        return (x, y)
    }

    /// The slow path of ``mix(_:utf8:)``: decodes UTF-8 from `from` on and mixes each
    /// scalar as one unit, or as a surrogate pair above U+FFFF.
    @usableFromInline
    static func mixTranscoding(_ start: UInt32, utf8 bytes: UnsafeBufferPointer<UInt8>, from: Int) -> UInt32 {
        var h = start
        var i = from
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            var scalar: UInt32
            if b0 < 0x80 {
                scalar = UInt32(b0)
                i += 1
            } else if b0 < 0xE0 {
                scalar = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F)
                i += 2
            } else if b0 < 0xF0 {
                scalar = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
                i += 3
            } else {
                scalar =
                    (UInt32(b0 & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3F) << 12)
                    | (UInt32(bytes[i + 2] & 0x3F) << 6) | UInt32(bytes[i + 3] & 0x3F)
                i += 4
            }
            if scalar >= 0x1_0000 {
                scalar -= 0x1_0000
                h = (h ^ (0xD800 + (scalar >> 10))) &* prime
                h = (h ^ (0xDC00 + (scalar & 0x3FF))) &* prime
            } else {
                h = (h ^ scalar) &* prime
            }
        }
        return h
    }

    /// Mixes in the decimal digits of `number`, as JavaScript's `String(number)` writes them.
    ///
    /// This is the second round of hash version 2, which hashes the text of the first
    /// hash. The ten digit positions are computed independently (no chain of divisions)
    /// and all ten are stepped through, leading zeros being skipped by a select rather
    /// than a branch, so the varying length of the number costs no misprediction.
    @inlinable
    public mutating func combine(decimal number: UInt32) {
        let n = number
        // How many leading positions of the ten-digit, zero-padded form to skip.
        var skip = 9
        skip &-= n >= 10 ? 1 : 0
        skip &-= n >= 100 ? 1 : 0
        skip &-= n >= 1000 ? 1 : 0
        skip &-= n >= 10_000 ? 1 : 0
        skip &-= n >= 100_000 ? 1 : 0
        skip &-= n >= 1_000_000 ? 1 : 0
        skip &-= n >= 10_000_000 ? 1 : 0
        skip &-= n >= 100_000_000 ? 1 : 0
        skip &-= n >= 1_000_000_000 ? 1 : 0
        var h = state
        @inline(__always) func step(_ position: Int, _ digit: UInt32) {
            let mixed = (h ^ (0x30 | digit)) &* Self.prime
            h = position >= skip ? mixed : h
        }
        step(0, n / 1_000_000_000)
        step(1, n / 100_000_000 % 10)
        step(2, n / 10_000_000 % 10)
        step(3, n / 1_000_000 % 10)
        step(4, n / 100_000 % 10)
        step(5, n / 10_000 % 10)
        step(6, n / 1000 % 10)
        step(7, n / 100 % 10)
        step(8, n / 10 % 10)
        step(9, n % 10)
        state = h
    }

    /// The hash of `string`'s UTF-16 code units.
    @inlinable
    public static func hash(_ string: String) -> UInt32 {
        var hasher = FNV1a32()
        hasher.combine(string)
        return hasher.value
    }
}
