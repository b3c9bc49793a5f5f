#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 JSON parser that builds ``JSONValue``s in canonical form.
///
/// Strict means: no comments, no trailing commas, no leading zeros, no lone UTF-16
/// surrogates, no invalid UTF-8, no duplicate object keys, no control characters in
/// strings, and nothing but whitespace after the value. Nesting deeper than
/// `maxDepth` is refused rather than risking the stack.
///
/// Cost: one pass over the bytes; ASCII strings without escapes are copied once.
public struct JSONParser: ~Copyable {
    /// The default limit on array and object nesting.
    public static let defaultMaxDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private let maxDepth: Int
    private var scratch: [UInt8] = []
    private var keyStack: [KeySpan] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        // Room for the keys of a typical event line's objects at once: one allocation
        // per parse instead of the four or five that growing from empty takes.
        keyStack.reserveCapacity(32)
    }

    /// Parses exactly one JSON value from `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return value
    }

    /// Parses exactly one JSON value from `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(bytes.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
    }

    /// Parses exactly one JSON value from the UTF-8 bytes of `text`.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONParseError> = copy.withUTF8 { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer, maxDepth: maxDepth)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses exactly one JSON value from `bytes`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer, maxDepth: maxDepth)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        // The members go straight into the array the object keeps and are put in order
        // there: one allocation per object. Each key's span of raw input bytes goes on a
        // stack shared by nested objects (this object's entries are the ones from `base`
        // up); the spans are what gets sorted, by input bytes rather than Strings.
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)
        let base = keyStack.count
        defer { keyStack.removeLast(keyStack.count - base) }
        var rawKeys = true
        while true {
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a string key in the object, found \(describeCurrent())")
            }
            let keyStart = position
            let key = try parseString()
            let rawCount = position - keyStart - 2
            if rawKeys && key.utf8.count != rawCount { rawKeys = false }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after the object key \"\(key)\"")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key: key, value: value))
            keyStack.append(KeySpan(start: keyStart + 1, count: rawCount, index: members.count - 1, in: bytes))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                continue
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                break
            }
            throw error("expected ',' or '}' in the object, found \(describeCurrent())")
        }
        guard rawKeys else {
            // A key had escapes: compare the decoded strings.
            do {
                return .object(try JSONObject(members))
            } catch {
                throw self.error("duplicate key \"\(error.key)\" in the object")
            }
        }
        let count = members.count
        let input = bytes.baseAddress!
        let duplicate: Int? = keyStack.withUnsafeMutableBufferPointer { stack in
            var keys = UnsafeMutableBufferPointer(rebasing: stack[base...])
            // The key spans are sorted, not the members: spans are small and trivial to
            // move. Ties go by input order, so equal keys end up side by side, the later
            // one second. Small objects (most, often sorted or nearly so) by insertion,
            // large ones by the library sort, O(n log n) whatever the order.
            var moved = false
            if count > 24 {
                keys.sort { a, b in
                    let order = a.compare(b, in: input)
                    return order != 0 ? order < 0 : a.index < b.index
                }
                moved = true
            } else {
                var i = 1
                while i < count {
                    let key = keys[i]
                    var j = i
                    while j > 0, keys[j - 1].compare(key, in: input) > 0 {
                        keys[j] = keys[j - 1]
                        j -= 1
                    }
                    if j != i {
                        keys[j] = key
                        moved = true
                    }
                    i += 1
                }
            }
            if moved {
                // Put the members in the keys' order: moved out and back, no copies.
                members.withUnsafeMutableBufferPointer { members in
                    withUnsafeTemporaryAllocation(of: JSONObject.Member.self, capacity: count) { spare in
                        let old = spare.baseAddress!
                        old.moveInitialize(from: members.baseAddress!, count: count)
                        for k in 0..<count { (members.baseAddress! + k).moveInitialize(from: old + keys[k].index, count: 1) }
                    }
                }
            }
            for k in keys.indices.dropFirst() where keys[k - 1].compare(keys[k], in: input) == 0 { return k }
            return nil
        }
        if let duplicate {
            position = keyStack[base + duplicate].start - 1
            throw error("duplicate key \"\(members[duplicate].key)\" in the object")
        }
        return .object(JSONObject(sortedUnchecked: members))
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                continue
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            throw error("expected ',' or ']' in the array, found \(describeCurrent())")
        }
    }

    // MARK: - Scalars

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input, expected \(literal)") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw error("unexpected \(describeCurrent()), expected a value") }
        position += count
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("expected a digit in the number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw error("a number may not have a leading zero") }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("expected a digit after the decimal point") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("expected a digit in the exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return JSONNumber(unchecked: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        var ascii = true
        // Fast path: no escapes. Eight bytes at a time while none of them ends the
        // string, starts an escape or is a control character (URLs, notes and titles
        // are tens of bytes long); then byte by byte, which also finds what stopped it.
        // The tests are the classic ones for "some byte of the word is zero / less
        // than n", which are exact as to whether any byte is.
        let input = UnsafeRawPointer(bytes.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= bytes.count {
            let word = input.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let stops = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            if stops & highs != 0 { break }
            if word & highs != 0 { ascii = false }
            position += 8
        }
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else {
                    position = start
                    throw error("the string is not valid UTF-8")
                }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("a control character (0x\(String(b, radix: 16))) must be escaped inside a string") }
            if b >= 0x80 { ascii = false }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string") }
        // Slow path: escapes.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                guard let s = String(validating: scratch, as: UTF8.self) else { throw error("the string is not valid UTF-8") }
                return s
            }
            if b < 0x20 { throw error("a control character (0x\(String(b, radix: 16))) must be escaped inside a string") }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw error("unterminated escape sequence") }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("a high surrogate \\u\(String(scalar, radix: 16)) must be followed by a low surrogate")
                    }
                    position += 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid low surrogate \\u\(String(low, radix: 16))") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("a lone low surrogate \\u\(String(scalar, radix: 16)) is not a character")
                }
                appendUTF8(scalar)
            default:
                position -= 1
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("expected four hex digits after \\u")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let b = bytes[position]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    private func error(_ reason: String) -> JSONParseError {
        var line = 1
        var lineStart = 0
        let end = min(position, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(offset: position, line: line, column: position - lineStart + 1, reason: reason)
    }
}

/// Where an object key's raw bytes are in the input (keys without escapes only), and
/// which member it names; what the parser sorts an object's members by.
private struct KeySpan {
    let start: Int
    let count: Int
    /// The member's position in input order.
    let index: Int
    /// The first eight bytes, big-endian, zero-padded: most keys differ there, so most
    /// comparisons are one integer comparison. Raw keys hold no zero bytes (control
    /// characters must be escaped), so the padding orders a key before its extensions.
    let prefix: UInt64

    init(start: Int, count: Int, index: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        self.start = start
        self.count = count
        self.index = index
        var prefix: UInt64 = 0
        for k in 0..<8 { prefix = prefix << 8 | UInt64(k < count ? bytes[start + k] : 0) }
        self.prefix = prefix
    }

    /// Negative, zero or positive as this key's bytes sort before, equal or after `other`'s.
    @inline(__always)
    func compare(_ other: KeySpan, in input: UnsafePointer<UInt8>) -> Int {
        if prefix != other.prefix { return prefix < other.prefix ? -1 : 1 }
        let n = min(count, other.count)
        var k = 8
        while k < n {
            let x = input[start + k]
            let y = input[other.start + k]
            if x != y { return Int(x) - Int(y) }
            k += 1
        }
        return count - other.count
    }
}
