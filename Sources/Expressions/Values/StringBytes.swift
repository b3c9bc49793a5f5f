import Foundation

/// Code-point exact string operations.
///
/// CEL strings are sequences of Unicode code points compared without normalization. Swift's
/// `String` compares by canonical equivalence (`"é" == "e\u{301}"`), so every comparison,
/// search and hash in this module goes through UTF-8 bytes instead. UTF-8 preserves code point
/// order and is self-synchronising, so byte order is code point order and a byte match always
/// starts on a code point boundary. All functions are linear (search: product) in the sizes.
@usableFromInline
enum StringBytes {
    /// Byte-wise equality: lengths first (constant time), then the bytes in lockstep, which for
    /// the short names and codes expressions compare beats copying both into buffers.
    @inlinable @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var i = a.utf8.makeIterator()
        var j = b.utf8.makeIterator()
        while let x = i.next() {
            if x != j.next() { return false }
        }
        return true
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b` by code points.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let common = min(pa.count, pb.count)
                if common > 0 {
                    let result = memcmp(pa.baseAddress!, pb.baseAddress!, common)
                    if result != 0 { return Int(result) }
                }
                return pa.count - pb.count
            }
        }
    }

    static func hash(_ s: String, into hasher: inout Hasher) {
        var s = s
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte offset of the first occurrence of `needle` at or after byte `from`, or nil.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        if needle.isEmpty { return from <= haystack.count ? from : nil }
        guard haystack.count >= needle.count else { return nil }
        var start = from
        let last = haystack.count - needle.count
        let first = needle[0]
        while start <= last {
            if haystack[start] == first {
                var matched = true
                var k = 1
                while k < needle.count {
                    if haystack[start + k] != needle[k] {
                        matched = false
                        break
                    }
                    k += 1
                }
                if matched { return start }
            }
            start += 1
        }
        return nil
    }

    /// Byte offset of the last occurrence of `needle` starting at or before byte `through`.
    static func lastIndex(of needle: [UInt8], in haystack: [UInt8], through: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var start = min(through, haystack.count - needle.count)
        while start >= 0 {
            var matched = true
            for k in 0..<needle.count where haystack[start + k] != needle[k] {
                matched = false
                break
            }
            if matched { return start }
            start -= 1
        }
        return nil
    }

    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        let a = Array(s.utf8)
        let p = Array(prefix.utf8)
        return a.count >= p.count && a[0..<p.count].elementsEqual(p)
    }

    static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        let a = Array(s.utf8)
        let p = Array(suffix.utf8)
        return a.count >= p.count && a[(a.count - p.count)...].elementsEqual(p)
    }

    static func contains(_ s: String, _ part: String) -> Bool {
        firstIndex(of: Array(part.utf8), in: Array(s.utf8)) != nil
    }

    /// Number of code points in the first `byteCount` bytes of `bytes`.
    static func scalarCount(_ bytes: [UInt8], upTo byteCount: Int) -> Int {
        var count = 0
        for index in 0..<byteCount where bytes[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }
}

/// A string's length and first sixteen UTF-8 bytes packed in integers: comparing two
/// fingerprints settles a string comparison with three integer compares, completely for strings
/// of up to sixteen bytes (most field names, codes and enum-like values) and as a fast rejection
/// for longer ones. Map keys and literal string sets store one per string; constant field names
/// compute theirs at compile time.
struct StringFingerprint: Sendable, Equatable {
    let count: Int
    let low: UInt64
    let high: UInt64

    @inline(__always)
    init(_ s: String) {
        var s = s
        var words: (UInt64, UInt64) = (0, 0)
        count = s.withUTF8 { bytes in
            withUnsafeMutableBytes(of: &words) { destination in
                destination.copyMemory(
                    from: UnsafeRawBufferPointer(start: bytes.baseAddress, count: min(bytes.count, 16)))
            }
            return bytes.count
        }
        // Little-endian byte order is irrelevant: fingerprints are only compared for equality.
        self.low = words.0
        self.high = words.1
    }

    private init(count: Int, low: UInt64, high: UInt64) {
        self.count = count
        self.low = low
        self.high = high
    }

    /// The fingerprint of something that is not a string; equal to no string's.
    static let notAString = StringFingerprint(count: -1, low: 0, high: 0)

    /// Whether the fingerprint alone proves equality (the strings fit in it).
    var isComplete: Bool { count <= 16 }
}
