import JSON

/// Reads the top-level members of a stored payload straight from its canonical JSON
/// bytes, without building a ``JSONValue``.
///
/// Reports scan a million exposures; parsing each payload into a tree would cost more
/// than reading it from the log. The payloads the log stores are canonical JSON (no
/// whitespace, strings escaped only where JSON requires), which makes a top-level member
/// a matter of finding its key and skipping its value. Anything unexpected ends the scan
/// early and the caller treats the field as absent; nothing reads out of bounds.
///
/// Cost: one pass over the bytes up to the last member visited; no allocation unless a
/// string value is asked for.
struct CanonicalPayload {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Calls `body` with each top-level member's key bytes and value range, in order, until
    /// it returns `false`. Returns `false` when the bytes are not an object.
    @discardableResult
    func forEachMember(_ body: (_ key: UnsafeRawBufferPointer, _ value: Range<Int>) -> Bool) -> Bool {
        let n = bytes.count
        guard n >= 2, bytes[0] == 0x7B else { return false }
        var i = 1
        if bytes[1] == 0x7D { return true }
        while i < n {
            guard bytes[i] == 0x22, let keyEnd = Self.stringEnd(bytes, from: i) else { return false }
            let key = UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<(keyEnd - 1)])
            guard keyEnd < n, bytes[keyEnd] == 0x3A else { return false }
            let start = keyEnd + 1
            guard let end = Self.valueEnd(bytes, from: start) else { return false }
            if !body(key, start..<end) { return true }
            guard end < n else { return false }
            if bytes[end] == 0x7D { return true }
            guard bytes[end] == 0x2C else { return false }
            i = end + 1
        }
        return false
    }

    /// The value range of member `key`, if present.
    func range(of key: StaticString) -> Range<Int>? {
        var found: Range<Int>?
        forEachMember { name, value in
            if Self.equal(name, key) { found = value }
            return found == nil
        }
        return found
    }

    /// The string value in `range`, unescaped; `nil` when it is not a string.
    func string(_ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == 0x22 else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !inner.contains(0x5C) { return String(decoding: inner, as: UTF8.self) }
        return (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[range])))?.stringValue
    }

    /// The whole number in `range`; `nil` for anything else.
    func integer(_ range: Range<Int>) -> Int64? {
        guard !range.isEmpty else { return nil }
        var value: Int64 = 0
        var negative = false
        var i = range.lowerBound
        if bytes[i] == 0x2D {
            negative = true
            i += 1
        }
        guard i < range.upperBound else { return nil }
        while i < range.upperBound {
            let d = bytes[i]
            guard d >= 0x30 && d <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d - 0x30))
            guard !o1 && !o2 else { return nil }
            value = s
            i += 1
        }
        return negative ? -value : value
    }

    /// The member's value parsed as JSON (objects, arrays, anything); `nil` when malformed.
    func value(_ range: Range<Int>) -> JSONValue? {
        try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Whether `name` holds exactly the UTF-8 of `key`.
    @inline(__always)
    static func equal(_ name: UnsafeRawBufferPointer, _ key: StaticString) -> Bool {
        guard name.count == key.utf8CodeUnitCount else { return false }
        let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return name.elementsEqual(k)
    }

    /// The index just past the string starting at `start` (a `"`), or `nil`.
    @inline(__always)
    static func stringEnd(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case 0x5C: i += 2
            case 0x22: return i + 1
            default: i += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start`, or `nil`.
    static func valueEnd(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < b.count else { return nil }
        switch b[start] {
        case 0x22:
            return stringEnd(b, from: start)
        case 0x7B, 0x5B:
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case 0x22:
                    guard let end = stringEnd(b, from: i) else { return nil }
                    i = end
                    continue
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return nil
        default:
            var i = start
            while i < b.count, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D { i += 1 }
            return i > start ? i : nil
        }
    }
}
