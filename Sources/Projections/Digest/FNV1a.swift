/// FNV-1a (64-bit) over bytes: a hash for in-memory lookup tables (event kinds by type
/// name, entities by id), cheap on the short keys they hold. Not for anything stored or
/// compared across processes; digests use ``SHA256``.
enum FNV1a {
    @inline(__always)
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
