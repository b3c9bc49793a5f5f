/// Writes a value's canonical bytes into memory of a fixed size, for
/// ``JSONWriter/canonicalBytes(_:reservingCapacity:)``.
///
/// Every event appended or imported is encoded this way, so it writes through a
/// pointer rather than appending to an array byte by byte (each append checks the
/// array's capacity and uniqueness). It never writes past the end: when the value
/// does not fit, ``write(_:)`` says so and the caller tries again with more room.
/// The bytes are the same as ``JSONWriter``'s canonical output.
struct CanonicalEmitter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// Writes `value`; `false` if it did not fit (what was written is then partial).
    mutating func write(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return put("null")
        case .bool(let b): return put(b ? "true" : "false")
        case .number(let n):
            var text = n.text
            return text.withUTF8 { put($0) }
        case .string(let s): return putString(s)
        case .array(let elements):
            guard put(UInt8(ascii: "[")) else { return false }
            let fits = elements.withUnsafeBufferPointer { elements in
                for i in elements.indices {
                    if i > 0 { guard put(UInt8(ascii: ",")) else { return false } }
                    guard write(elements[i]) else { return false }
                }
                return true
            }
            return fits && put(UInt8(ascii: "]"))
        case .object(let object):
            guard put(UInt8(ascii: "{")) else { return false }
            let fits = object.withMembers { members in
                for i in members.indices {
                    if i > 0 { guard put(UInt8(ascii: ",")) else { return false } }
                    guard putString(members[i].key), put(UInt8(ascii: ":")), write(members[i].value) else { return false }
                }
                return true
            }
            return fits && put(UInt8(ascii: "}"))
        }
    }

    private mutating func putString(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { putString(utf8: $0) }
    }

    /// A JSON string literal with the canonical escapes (see ``JSONWriter``): at most
    /// six bytes for each byte of `source`, plus two.
    mutating func putString(utf8 source: UnsafeBufferPointer<UInt8>) -> Bool {
        guard put(UInt8(ascii: "\"")) else { return false }
        var runStart = 0
        for i in 0..<source.count {
            let b = source[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            guard put(UnsafeBufferPointer(rebasing: source[runStart..<i])) else { return false }
            runStart = i + 1
            let fits: Bool
            switch b {
            case 0x22: fits = put("\\\"")
            case 0x5C: fits = put("\\\\")
            case 0x08: fits = put("\\b")
            case 0x0C: fits = put("\\f")
            case 0x0A: fits = put("\\n")
            case 0x0D: fits = put("\\r")
            case 0x09: fits = put("\\t")
            default: fits = put("\\u00") && put(Self.hexDigit(b >> 4)) && put(Self.hexDigit(b & 0xF))
            }
            guard fits else { return false }
        }
        return put(UnsafeBufferPointer(rebasing: source[runStart..<source.count])) && put(UInt8(ascii: "\""))
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) -> Bool {
        guard count < capacity else { return false }
        base[count] = byte
        count += 1
        return true
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= capacity - count else { return false }
        if let source = bytes.baseAddress, bytes.count > 0 {
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
        return true
    }

    @inline(__always)
    private mutating func put(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { put($0) }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }
}
