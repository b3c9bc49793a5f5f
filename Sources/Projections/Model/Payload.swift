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
/// once, and the index and the bytes share one allocation. A field read afterwards is a
/// short linear search over keys plus the conversion of that one value. Nested objects
/// and arrays are skipped while indexing and parsed only by ``object(_:)`` and
/// ``strings(_:)``.
///
/// Malformed bytes (which the log never holds: it stores validated canonical JSON) give
/// an empty index, so every field reads as absent rather than trapping.
///
/// Sendable because its storage is written when it is made, and only read after; a
/// storage is refilled for another payload (``StoragePool``) only once nothing else
/// holds it.
public struct Payload: @unchecked Sendable {
    /// Where one top-level member's key and value lie in the payload's bytes.
    struct Member: Sendable {
        var keyStart: Int32
        var keyEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        /// Whether the key or the value (a string) holds a backslash escape.
        var escaped: Bool
    }

    /// The index and the bytes in one allocation: a payload is made once per event
    /// folded, and copied each time an event is handed to a fold, so one buffer halves
    /// both the allocations and the reference counting of two arrays.
    private(set) var storage: Storage

    /// Indexes `bytes`, a JSON object. Cost: one pass over the bytes, no parse.
    public init(_ bytes: [UInt8]) {
        storage = bytes.withUnsafeBytes { Storage.make($0) }
    }

    /// Indexes and copies `bytes` (read in place from the log) in one allocation.
    public init(copying bytes: UnsafeRawBufferPointer) {
        storage = Storage.make(bytes)
    }

    /// As ``init(copying:)``, into a storage from `pool` when one is large enough.
    init(copying bytes: UnsafeRawBufferPointer, pool: inout StoragePool) {
        storage = Storage.make(bytes, reusing: pool.take())
    }

    /// Hands this payload's storage to `pool` when nothing else holds it, leaving the
    /// payload empty (``PageReader`` empties a page's events this way).
    mutating func release(to pool: inout StoragePool) {
        var taken = storage
        storage = Self.empty.storage
        if isKnownUniquelyReferenced(&taken) { pool.put(taken) }
    }

    /// The payload an emptied one holds.
    private static let empty = Payload()

    /// An empty object.
    public init() {
        storage = Array("{}".utf8).withUnsafeBytes { Storage.make($0) }
    }

    /// The payload's canonical JSON bytes.
    public var bytes: [UInt8] { storage.withParts { _, bytes in Array(bytes) } }

    /// The JSON object, parsed whole (for output and tests; folds use the accessors).
    public var object: JSONObject {
        storage.withParts { _, bytes in (try? JSONParser.parse(bytes))?.objectValue } ?? JSONObject()
    }

    // MARK: - Field accessors (absent or mistyped fields read as nil)

    /// A string field, unescaped.
    public func string(_ key: String) -> String? {
        storage.withParts { members, bytes in
            guard let member = Self.find(key, members, bytes), Self.byte(bytes, member.valueStart) == UInt8(ascii: "\"")
            else { return nil }
            let value = UnsafeBufferPointer(rebasing: bytes[Int(member.valueStart)..<Int(member.valueEnd)])
            if !member.escaped { return String(decoding: UnsafeBufferPointer(rebasing: value.dropFirst().dropLast()), as: UTF8.self) }
            return (try? JSONParser.parse(value))?.stringValue
        }
    }

    /// A whole-number field (`2`, `2.0`, `2e0`).
    public func int(_ key: String) -> Int64? {
        storage.withParts { members, bytes in
            guard let member = Self.find(key, members, bytes) else { return nil }
            var value: Int64 = 0
            var negative = false
            var i = Int(member.valueStart)
            let end = Int(member.valueEnd)
            if i < end, bytes[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            guard i < end, end - i <= 18 else { return Self.parse(member, bytes)?.numberValue?.int64Value }
            while i < end {
                let digit = bytes[i] &- 0x30
                guard digit < 10 else { return Self.parse(member, bytes)?.numberValue?.int64Value }
                value = value * 10 + Int64(digit)
                i += 1
            }
            return negative ? -value : value
        }
    }

    /// A number field as the nearest double (scores, probabilities; never money).
    public func double(_ key: String) -> Double? {
        storage.withParts { members, bytes in
            guard let member = Self.find(key, members, bytes), let first = Self.byte(bytes, member.valueStart),
                first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39)
            else { return nil }
            return Double(String(decoding: bytes[Int(member.valueStart)..<Int(member.valueEnd)], as: UTF8.self))
        }
    }

    public func bool(_ key: String) -> Bool? {
        storage.withParts { members, bytes in
            guard let member = Self.find(key, members, bytes) else { return nil }
            switch Self.byte(bytes, member.valueStart) {
            case UInt8(ascii: "t"): return true
            case UInt8(ascii: "f"): return false
            default: return nil
            }
        }
    }

    /// An exact amount written as a money string (`"1234.50"`), without building a `String`.
    public func money(_ key: String) -> Money? {
        storage.withParts { members, bytes in
            guard let member = Self.find(key, members, bytes), !member.escaped,
                Self.byte(bytes, member.valueStart) == UInt8(ascii: "\"")
            else { return nil }
            return Money.parse(UnsafeBufferPointer(rebasing: bytes[Int(member.valueStart + 1)..<Int(member.valueEnd - 1)]))
        }
    }

    /// An RFC 3339 timestamp field.
    public func timestamp(_ key: String) -> Timestamp? { string(key).flatMap { Timestamp(rfc3339: $0) } }

    /// A nested object field, parsed.
    public func object(_ key: String) -> JSONObject? { value(key)?.objectValue }

    /// An array of strings (tags, consent channels, merged ids); non-strings are skipped.
    public func strings(_ key: String) -> [String]? { value(key)?.arrayValue?.compactMap(\.stringValue) }

    /// Any field, parsed.
    public func value(_ key: String) -> JSONValue? {
        storage.withParts { members, bytes in Self.find(key, members, bytes).flatMap { Self.parse($0, bytes) } }
    }

    /// Whether the payload has `key`, whatever its value.
    public func contains(_ key: String) -> Bool {
        storage.withParts { members, bytes in Self.find(key, members, bytes) != nil }
    }

    // MARK: - Index

    @inline(__always)
    private static func byte(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int32) -> UInt8? {
        Int(offset) < bytes.count ? bytes[Int(offset)] : nil
    }

    private static func parse(_ member: Member, _ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[Int(member.valueStart)..<Int(member.valueEnd)]))
    }

    /// The member named `key`. Cost: compares key lengths first, then bytes.
    private static func find(
        _ key: String, _ members: UnsafeBufferPointer<Member>, _ bytes: UnsafeBufferPointer<UInt8>
    ) -> Member? {
        var name = key
        return name.withUTF8 { wanted -> Member? in
            for member in members {
                let start = bytes.baseAddress! + Int(member.keyStart)
                let length = Int(member.keyEnd - member.keyStart)
                if member.escaped, memchr(start, Int32(UInt8(ascii: "\\")), length) != nil {
                    // Written with escapes, the key is longer raw than the name it
                    // spells: compare it parsed.
                    if length > wanted.count, parseKey(member, bytes) == key { return member }
                } else if length == wanted.count, memcmp(start, wanted.baseAddress!, wanted.count) == 0 {
                    return member
                }
            }
            return nil
        }
    }

    private static func parseKey(_ member: Member, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        (try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[Int(member.keyStart - 1)...Int(member.keyEnd)])))?
            .stringValue
    }

    /// Appends the top-level members of the object in `b` to `members`; `false` when
    /// `b` is not one.
    static func index(_ b: UnsafeBufferPointer<UInt8>, into members: inout MemberList) -> Bool {
        var i = 0
        skipSpace(b, &i)
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace(b, &i)
        if i < b.count, b[i] == UInt8(ascii: "}") { return true }
        while true {
            skipSpace(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return false }
            let keyStart = i + 1
            guard let (keyEnd, keyEscaped) = skipString(b, &i) else { return false }
            skipSpace(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace(b, &i)
            let valueStart = i
            var valueEscaped = false
            guard i < b.count else { return false }
            switch b[i] {
            case UInt8(ascii: "\""):
                guard let (_, escaped) = skipString(b, &i) else { return false }
                valueEscaped = escaped
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard skipContainer(b, &i) else { return false }
            default:
                while i < b.count, !isDelimiter(b[i]) { i += 1 }
            }
            guard i > valueStart else { return false }
            members.append(
                Member(
                    keyStart: Int32(keyStart), keyEnd: Int32(keyEnd), valueStart: Int32(valueStart), valueEnd: Int32(i),
                    escaped: keyEscaped || valueEscaped))
            skipSpace(b, &i)
            guard i < b.count else { return false }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            return b[i] == UInt8(ascii: "}")
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
        while let found = quoteOrBackslash(b, from: i) {
            if b[found] == UInt8(ascii: "\"") {
                i = found + 1
                return (found, escaped)
            }
            escaped = true
            i = found + 2
        }
        return nil
    }

    /// The offset of the first quote or backslash at or after `start`.
    ///
    /// Tests eight bytes at a time: a byte equal to the one sought is zero after an
    /// exclusive or, and `(x - 0x01…) & ~x & 0x80…` marks the lowest zero byte of `x`
    /// exactly (a borrow can only mark bytes above it), so the lowest marked byte of
    /// either test is the answer. Payload strings are short: this beats two `memchr`
    /// calls per string, which is what the index did before.
    @inline(__always)
    private static func quoteOrBackslash(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= b.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let marks = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
            if marks != 0 { return i + marks.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < b.count {
            if base[i] == 0x22 || base[i] == 0x5C { return i }
            i += 1
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

extension Payload {
    /// Members found while indexing: kept on the stack up to its capacity, in an array
    /// past it (a payload with that many top-level fields is rare).
    struct MemberList {
        let scratch: UnsafeMutableBufferPointer<Member>
        private(set) var count = 0
        private var spill: [Member] = []

        init(scratch: UnsafeMutableBufferPointer<Member>) { self.scratch = scratch }

        mutating func append(_ member: Member) {
            if count < scratch.count {
                scratch[count] = member
            } else {
                if spill.isEmpty { spill = Array(scratch) }
                spill.append(member)
            }
            count += 1
        }

        mutating func removeAll() {
            count = 0
            spill = []
        }

        func withMembers<R>(_ body: (UnsafeBufferPointer<Member>) -> R) -> R {
            if count <= scratch.count { return body(UnsafeBufferPointer(rebasing: scratch[..<count])) }
            return spill.withUnsafeBufferPointer(body)
        }
    }

    struct StorageHeader {
        var memberCount: Int32
        /// Bytes of the tail in use: the index, then the payload's bytes.
        var byteCount: Int32
        /// Bytes the tail has room for, so a storage can be reused for another payload.
        var room: Int
    }

    /// Storages of payloads no event holds any more, to be refilled: a rebuild decodes a
    /// million payloads, and allocating and freeing each cost the reading thread about
    /// a quarter of its time. Used by one thread at a time.
    struct StoragePool {
        private var storages: [Storage] = []
        /// Storages kept at most; past this they are freed.
        let limit: Int

        init(limit: Int) { self.limit = limit }

        var count: Int { storages.count }

        mutating func take() -> Storage? { storages.popLast() }

        mutating func put(_ storage: Storage) {
            if storages.count < limit { storages.append(storage) }
        }
    }

    /// A payload's member index followed by its bytes, in the tail of one object.
    final class Storage: ManagedBuffer<StorageHeader, UInt8> {
        /// Indexes `bytes` and copies the index and the bytes into a new storage.
        /// Malformed bytes get an empty index.
        static func make(_ bytes: UnsafeRawBufferPointer, reusing spare: Storage? = nil) -> Storage {
            withUnsafeTemporaryAllocation(of: Member.self, capacity: 24) { scratch in
                var members = MemberList(scratch: scratch)
                let text = bytes.bindMemory(to: UInt8.self)
                if !Payload.index(text, into: &members) { members.removeAll() }
                return members.withMembers { members in
                    let indexSize = members.count * MemoryLayout<Member>.stride
                    let needed = indexSize + bytes.count
                    let storage: Storage
                    if let spare, spare.header.room >= needed {
                        // Only the pool held it: no reader can see it change.
                        spare.header.memberCount = Int32(members.count)
                        spare.header.byteCount = Int32(bytes.count)
                        storage = spare
                    } else {
                        // The object (16 bytes of header, then 16 of `StorageHeader`) is
                        // at least `prefetchableLines` cache lines long; the room is
                        // rounded up so that a storage fits most later payloads.
                        let room = max((needed + 255) & ~255, prefetchableLines * 64 - 32)
                        storage = unsafeDowncast(
                            Storage.create(minimumCapacity: room) { _ in
                                StorageHeader(memberCount: Int32(members.count), byteCount: Int32(bytes.count), room: room)
                            }, to: Storage.self)
                    }
                    storage.withUnsafeMutablePointerToElements { elements in
                        let raw = UnsafeMutableRawPointer(elements)
                        if let base = members.baseAddress {
                            raw.initializeMemory(as: Member.self, from: base, count: members.count)
                        }
                        if let base = bytes.baseAddress { (raw + indexSize).copyMemory(from: base, byteCount: bytes.count) }
                    }
                    return storage
                }
            }
        }

        /// Cache lines from the start of every storage that lie inside it: storages are
        /// made at least this many lines long, so ``ProjectedEvent/prefetch(_:lines:)``
        /// may load them without first reading the storage's size (a load that would
        /// wait for the very miss it means to start).
        static let prefetchableLines = 3

        /// Calls `body` with the member index and the bytes.
        @inline(__always)
        func withParts<R>(_ body: (UnsafeBufferPointer<Member>, UnsafeBufferPointer<UInt8>) -> R) -> R {
            withUnsafeMutablePointers { header, elements in
                let raw = UnsafeRawPointer(elements)
                let count = Int(header.pointee.memberCount)
                let indexSize = count * MemoryLayout<Member>.stride
                return body(
                    UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Member.self), count: count),
                    UnsafeBufferPointer(
                        start: (raw + indexSize).assumingMemoryBound(to: UInt8.self), count: Int(header.pointee.byteCount)))
            }
        }
    }
}
