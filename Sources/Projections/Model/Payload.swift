import EventLog
import JSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An event's payload as folds read it: the stored canonical JSON bytes with an index of
/// their top-level members, and values turned into Swift values only when asked for.
///
/// Folds read three to six fields of a payload that holds ten or more (a page visit's
/// referrer, session and campaign tags are no view's business). Parsing the whole
/// object would allocate a string for every key and value; indexing it walks the bytes
/// once and allocates one small array, and a field read afterwards is a short linear
/// search over keys plus the conversion of that one value. Nested objects and arrays
/// are skipped while indexing and parsed only by ``object(_:)`` and ``strings(_:)``.
///
/// Malformed bytes (which the log never holds: it stores validated canonical JSON) give
/// an empty index, so every field reads as absent rather than trapping.
public struct Payload: Sendable {
    /// Where one top-level member's key and value lie in ``bytes``.
    struct Member: Sendable {
        var keyStart: Int32
        var keyEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        /// Whether the key or the value (a string) holds a backslash escape.
        var escaped: Bool
    }

    public let bytes: [UInt8]
    let members: [Member]

    /// Indexes `bytes`, a JSON object. Cost: one pass over the bytes, no parse.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        members = bytes.withUnsafeBufferPointer { Self.index($0) } ?? []
    }

    /// An empty object.
    public init() {
        bytes = Array("{}".utf8)
        members = []
    }

    /// The JSON object, parsed whole (for output and tests; folds use the accessors).
    public var object: JSONObject { (try? JSONParser.parse(bytes))?.objectValue ?? JSONObject() }

    /// Whether the payload has `key`, whatever its value.
    public func contains(_ key: String) -> Bool { find(key) != nil }

    // MARK: - Field accessors (absent or mistyped fields read as nil)

    /// A string field, unescaped.
    public func string(_ key: String) -> String? {
        guard let member = find(key), byte(at: member.valueStart) == UInt8(ascii: "\"") else { return nil }
        if !member.escaped {
            return bytes.withUnsafeBufferPointer { buffer in
                String(
                    decoding: UnsafeBufferPointer(
                        rebasing: buffer[Int(member.valueStart + 1)..<Int(member.valueEnd - 1)]), as: UTF8.self)
            }
        }
        return parse(member)?.stringValue
    }

    /// A whole-number field (`2`, `2.0`, `2e0`).
    public func int(_ key: String) -> Int64? {
        guard let member = find(key) else { return nil }
        var value: Int64 = 0
        var negative = false
        var i = Int(member.valueStart)
        let end = Int(member.valueEnd)
        if i < end, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < end, end - i <= 18 else { return parse(member)?.numberValue?.int64Value }
        while i < end {
            let digit = bytes[i] &- 0x30
            guard digit < 10 else { return parse(member)?.numberValue?.int64Value }
            value = value * 10 + Int64(digit)
            i += 1
        }
        return negative ? -value : value
    }

    /// A number field as the nearest double (scores, probabilities; never money).
    public func double(_ key: String) -> Double? {
        guard let member = find(key), let first = byte(at: member.valueStart),
            first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39)
        else { return nil }
        return Double(String(decoding: bytes[Int(member.valueStart)..<Int(member.valueEnd)], as: UTF8.self))
    }

    public func bool(_ key: String) -> Bool? {
        guard let member = find(key) else { return nil }
        switch byte(at: member.valueStart) {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// An exact amount written as a money string (`"1234.50"`), without building a `String`.
    public func money(_ key: String) -> Money? {
        guard let member = find(key), !member.escaped, byte(at: member.valueStart) == UInt8(ascii: "\"") else {
            return nil
        }
        return bytes.withUnsafeBufferPointer { buffer in
            Money.parse(UnsafeBufferPointer(rebasing: buffer[Int(member.valueStart + 1)..<Int(member.valueEnd - 1)]))
        }
    }

    /// An RFC 3339 timestamp field.
    public func timestamp(_ key: String) -> Timestamp? { string(key).flatMap { Timestamp(rfc3339: $0) } }

    /// A nested object field, parsed.
    public func object(_ key: String) -> JSONObject? { find(key).flatMap(parse)?.objectValue }

    /// An array of strings (tags, consent channels, merged ids); non-strings are skipped.
    public func strings(_ key: String) -> [String]? { find(key).flatMap(parse)?.arrayValue?.compactMap(\.stringValue) }

    /// Any field, parsed.
    public func value(_ key: String) -> JSONValue? { find(key).flatMap(parse) }

    // MARK: - Index

    private func byte(at offset: Int32) -> UInt8? {
        Int(offset) < bytes.count ? bytes[Int(offset)] : nil
    }

    private func parse(_ member: Member) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            try? JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[Int(member.valueStart)..<Int(member.valueEnd)]))
        }
    }

    /// The member named `key`. Cost: compares key lengths first, then bytes.
    private func find(_ key: String) -> Member? {
        var name = key
        return name.withUTF8 { wanted -> Member? in
            bytes.withUnsafeBufferPointer { buffer -> Member? in
                for member in members {
                    let start = buffer.baseAddress! + Int(member.keyStart)
                    let length = Int(member.keyEnd - member.keyStart)
                    if member.escaped, memchr(start, Int32(UInt8(ascii: "\\")), length) != nil {
                        // Written with escapes, the key is longer raw than the name it
                        // spells: compare it parsed.
                        if length > wanted.count, parseKey(member) == key { return member }
                    } else if length == wanted.count, memcmp(start, wanted.baseAddress!, wanted.count) == 0 {
                        return member
                    }
                }
                return nil
            }
        }
    }

    private func parseKey(_ member: Member) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            try? JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[Int(member.keyStart - 1)...Int(member.keyEnd)]))
                .stringValue
        }
    }

    /// The top-level members of the object in `b`, or `nil` when it is not one.
    static func index(_ b: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var i = 0
        skipSpace(b, &i)
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [Member] = []
        members.reserveCapacity(12)
        skipSpace(b, &i)
        if i < b.count, b[i] == UInt8(ascii: "}") { return members }
        while true {
            skipSpace(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            guard let (keyEnd, keyEscaped) = skipString(b, &i) else { return nil }
            skipSpace(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace(b, &i)
            let valueStart = i
            var valueEscaped = false
            guard i < b.count else { return nil }
            switch b[i] {
            case UInt8(ascii: "\""):
                guard let (_, escaped) = skipString(b, &i) else { return nil }
                valueEscaped = escaped
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard skipContainer(b, &i) else { return nil }
            default:
                while i < b.count, !isDelimiter(b[i]) { i += 1 }
            }
            guard i > valueStart else { return nil }
            members.append(
                Member(
                    keyStart: Int32(keyStart), keyEnd: Int32(keyEnd), valueStart: Int32(valueStart), valueEnd: Int32(i),
                    escaped: keyEscaped || valueEscaped))
            skipSpace(b, &i)
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            return b[i] == UInt8(ascii: "}") ? members : nil
        }
    }

    @inline(__always)
    private static func isDelimiter(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A
            || c == 0x0D || c == 0x09
    }

    @inline(__always)
    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Skips the string starting at `i` (its opening quote); returns the offset of the
    /// closing quote and whether it held an escape, leaving `i` after the closing quote.
    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> (Int, Bool)? {
        var escaped = false
        i += 1
        // Most strings hold no escape: find the closing quote with `memchr`, and walk
        // byte by byte only when a backslash comes before it.
        if i < b.count, let base = b.baseAddress,
            let quote = memchr(base + i, Int32(UInt8(ascii: "\"")), b.count - i)
        {
            let end = UnsafePointer<UInt8>(quote.assumingMemoryBound(to: UInt8.self)) - base
            if memchr(base + i, Int32(UInt8(ascii: "\\")), end - i) == nil {
                i = end + 1
                return (end, false)
            }
        }
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\""):
                let end = i
                i += 1
                return (end, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                i += 2
            default:
                i += 1
            }
        }
        return nil
    }

    /// Skips an object or array starting at `i`, strings inside included.
    private static func skipContainer(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        var depth = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\""):
                guard skipString(b, &i) != nil else { return false }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    i += 1
                    return true
                }
            default:
                break
            }
            i += 1
        }
        return false
    }
}
