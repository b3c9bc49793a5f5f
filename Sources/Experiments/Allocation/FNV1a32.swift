/// FNV-1a, 32 bits, over UTF-16 code units: the hash every GrowthBook SDK buckets with.
///
/// GrowthBook's JavaScript SDK feeds `String.charCodeAt(i)`, a UTF-16 code unit, to the
/// hash; the Python SDK feeds `ord(c)` over a `str`, which agrees for the BMP. To land
/// every customer in the same bucket as those SDKs, this hasher consumes UTF-16 code
/// units too: an emoji outside the BMP is two units (a surrogate pair), `é` is one.
///
/// The hasher is a value: combine units into it, read ``value``. Continuing from a
/// saved state is how a seed is hashed once and reused for every customer.
///
/// Cost: one xor and one multiply per code unit. ASCII strings are read straight from
/// their UTF-8 storage, other strings are transcoded on the fly; nothing allocates.
public struct FNV1a32: Sendable, Hashable {
    /// The FNV-1a 32-bit offset basis.
    public static let offsetBasis: UInt32 = 0x811C_9DC5
    /// The FNV 32-bit prime, 2^24 + 2^8 + 0x93.
    public static let prime: UInt32 = 0x0100_0193

    /// The hash of everything combined so far.
    @usableFromInline var _value: UInt32
    public var value: UInt32 { _value }

    /// A hasher that has consumed nothing.
    @inlinable
    public init() { _value = Self.offsetBasis }

    /// A hasher resuming from a previously read ``value``.
    @inlinable
    public init(state: UInt32) { _value = state }

    /// Mixes in one UTF-16 code unit.
    @inlinable
    public mutating func combine(_ unit: UInt16) {
        _value = (_value ^ UInt32(unit)) &* Self.prime
    }

    /// Mixes in every UTF-16 code unit of `units`.
    @inlinable
    public mutating func combine(units: UnsafeBufferPointer<UInt16>) {
        var h = _value
        for unit in units { h = (h ^ UInt32(unit)) &* Self.prime }
        _value = h
    }

    /// Mixes in the UTF-16 code units of `string`, in order.
    @inlinable
    public mutating func combine(_ string: String) {
        let fast: Bool? = string.utf8.withContiguousStorageIfAvailable { bytes in
            combine(utf8: bytes)
            return true
        }
        if fast == nil {
            for unit in string.utf16 { combine(unit) }
        }
    }

    /// Mixes in the UTF-16 code units of the valid UTF-8 text in `bytes`.
    ///
    /// ASCII bytes are their own code units; longer sequences are decoded to a scalar
    /// and emitted as one unit, or as a surrogate pair above U+FFFF.
    @inlinable
    public mutating func combine(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var h = _value
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                h = (h ^ UInt32(b0)) &* Self.prime
                i += 1
                continue
            }
            var scalar: UInt32
            if b0 < 0xE0 {
                scalar = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F)
                i += 2
            } else if b0 < 0xF0 {
                scalar = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
                i += 3
            } else {
                scalar = (UInt32(b0 & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3F) << 12)
                    | (UInt32(bytes[i + 2] & 0x3F) << 6) | UInt32(bytes[i + 3] & 0x3F)
                i += 4
            }
            if scalar >= 0x1_0000 {
                scalar -= 0x1_0000
                h = (h ^ (0xD800 + (scalar >> 10))) &* Self.prime
                h = (h ^ (0xDC00 + (scalar & 0x3FF))) &* Self.prime
            } else {
                h = (h ^ scalar) &* Self.prime
            }
        }
        _value = h
    }

    /// Mixes in the decimal digits of `number`, as JavaScript's `String(number)` writes them.
    ///
    /// This is the second round of hash version 2, which hashes the text of the first hash.
    @inlinable
    public mutating func combine(decimal number: UInt32) {
        // Peel digits least significant first, packing them so the most significant
        // ends up in the lowest nibble; then emit nibble by nibble.
        var n = number
        var packed: UInt64 = 0
        var count = 0
        repeat {
            packed = (packed << 4) | UInt64(n % 10)
            n /= 10
            count += 1
        } while n != 0
        var h = _value
        for _ in 0..<count {
            h = (h ^ (0x30 + UInt32(packed & 0xF))) &* Self.prime
            packed >>= 4
        }
        _value = h
    }

    /// The hash of `string`'s UTF-16 code units.
    @inlinable
    public static func hash(_ string: String) -> UInt32 {
        var hasher = FNV1a32()
        hasher.combine(string)
        return hasher.value
    }
}
