import Crypto
import Foundation

#if canImport(Glibc)
/// glibc's `getrandom` (declared in sys/random.h, which the Glibc module does not export).
@_silgen_name("getrandom") private func getrandom(_ buffer: UnsafeMutableRawPointer, _ length: Int, _ flags: UInt32) -> Int
#endif

/// An event's id: a UUID, 16 bytes.
///
/// Ids make appends idempotent: re-appending an id that is stored returns its original
/// position. Ids the log generates are UUID version 7 (time-ordered), so consecutive
/// appends land next to each other in the id index instead of at random places in it.
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    public let high: UInt64
    /// The last 8 bytes, big-endian.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The nil UUID, `00000000-0000-0000-0000-000000000000` (RFC 9562, section 5.9):
    /// no event's id. The log never generates or derives it, and refuses it as an
    /// event's id, correlation id or causation id (see ``ProposedEvent/idProblem(_:_:named:)``).
    public static let nilUUID = EventID(high: 0, low: 0)

    /// Reads 16 bytes, big-endian.
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 16)
        high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Parses the canonical textual form `8-4-4-4-12` hex digits, either case.
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ EventID.parse($0) }) else { return nil }
        self = parsed
    }

    public init(_ uuid: UUID) {
        let u = uuid.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        self = bytes.withUnsafeBytes { EventID(bytes: $0) }
    }

    /// A new time-ordered id (UUID version 7): 48 bits of Unix milliseconds, then random bits.
    public static func generate(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> EventID {
        let (first, second) = randomWords()
        let high = (milliseconds << 16) | 0x7000 | (first & 0x0FFF)
        let low = (second & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return EventID(high: high, low: low)
    }

    /// Two random words from the kernel in one system call; `SystemRandomNumberGenerator`
    /// makes one call per word, and an append generates an id per event.
    private static func randomWords() -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        #if canImport(Glibc)
        // Up to 256 bytes, getrandom(2) fills the whole buffer or fails.
        if withUnsafeMutableBytes(of: &words, { getrandom($0.baseAddress!, $0.count, 0) }) == MemoryLayout.size(ofValue: words) {
            return words
        }
        #endif
        var rng = SystemRandomNumberGenerator()
        return (rng.next(), rng.next())
    }

    /// A deterministic id (UUID version 8) derived from `name` by SHA-256: the same name
    /// always gives the same id. Used where an import must be re-runnable without
    /// duplicates but the input carries no ids.
    public static func derived(from name: some DataProtocol) -> EventID {
        versionEight(SHA256.hash(data: name))
    }

    /// ``derived(ordinal:from:)`` for a name given in parts (the parts back to back are
    /// the name), so a caller need not copy them together first.
    public static func derived(ordinal: UInt64, fromParts parts: UnsafeRawBufferPointer...) -> EventID {
        var hasher = SHA256()
        for part in parts { hasher.update(bufferPointer: part) }
        return withOrdinal(ordinal, versionEight(hasher.finalize()))
    }

    private static func versionEight(_ digest: SHA256.Digest) -> EventID {
        digest.withUnsafeBytes { raw in
            let id = EventID(bytes: raw)
            return EventID(high: (id.high & ~0xF000) | 0x8000, low: (id.low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
        }
    }

    /// A deterministic id (UUID version 8) whose first 48 bits are `ordinal` and whose
    /// other bits come from SHA-256 of `name`.
    ///
    /// Like UUID version 7 puts time first, the ordinal first keeps the ids of one
    /// import (whose ordinal is the line number) in ascending order: the `ids` index then
    /// grows at a few places per batch instead of at a random leaf per event, which is
    /// most of what a bulk load costs in B-tree writes.
    public static func derived(ordinal: UInt64, from name: some DataProtocol) -> EventID {
        withOrdinal(ordinal, derived(from: name))
    }

    private static func withOrdinal(_ ordinal: UInt64, _ hashed: EventID) -> EventID {
        EventID(high: (ordinal & 0xFFFF_FFFF_FFFF) << 16 | 0x8000 | (hashed.high & 0x0FFF), low: hashed.low)
    }

    /// The ordinal in the first 48 bits of an id of the form ``derived(ordinal:from:)``
    /// makes (UUID version 8, RFC 9562 variant); `nil` for an id of any other form.
    ///
    /// An import derives the id of a line without one with the line number as the
    /// ordinal, so an id given on a line can only be another line's derived id if it
    /// has this form, and then only that of the line this names. Ids the log generates
    /// (version 7) and most clients' (version 4) never have it.
    var derivedOrdinal: UInt64? {
        guard high & 0xF000 == 0x8000, low >> 62 == 0b10 else { return nil }
        return high >> 16
    }

    /// Writes the 16 bytes, big-endian, at `offset`.
    public func store(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: high.bigEndian, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        out.withUnsafeMutableBytes { store(to: $0, at: 0) }
        return out
    }

    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (lhs: EventID, rhs: EventID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> EventID? {
        guard s.count == 36, s[8] == 0x2D, s[13] == 0x2D, s[18] == 0x2D, s[23] == 0x2D else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for b in s where b != 0x2D {
            let v: UInt64
            switch b {
            case 0x30...0x39: v = UInt64(b - 0x30)
            case 0x41...0x46: v = UInt64(b - 0x41 + 10)
            case 0x61...0x66: v = UInt64(b - 0x61 + 10)
            default: return nil
            }
            if nibbles < 16 { high = high << 4 | v } else { low = low << 4 | v }
            nibbles += 1
        }
        return nibbles == 32 ? EventID(high: high, low: low) : nil
    }
}
