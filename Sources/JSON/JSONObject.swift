#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON object whose members are sorted by the UTF-8 bytes of their keys.
///
/// Sorting happens once, when the object is built; lookups are a binary search and
/// iteration is in canonical order. Keys are compared byte for byte, never by
/// Unicode canonical equivalence, so `"é"` written precomposed and decomposed are two
/// different keys, exactly as they are two different byte strings on disk.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    public typealias Member = (key: String, value: JSONValue)

    @usableFromInline
    var members: [Member]

    /// An empty object.
    public init() { members = [] }

    /// Builds an object from members in any order.
    ///
    /// - Throws: ``DuplicateKeyError`` when two members share a key.
    /// - Complexity: O(n log n); O(n) when the members are already sorted.
    public init(_ unsorted: [Member]) throws(DuplicateKeyError) {
        var sorted = unsorted
        if !Self.isSorted(sorted) {
            sorted.sort { Self.precedes($0.key, $1.key) }
        }
        for i in sorted.indices.dropFirst() where Self.same(sorted[i - 1].key, sorted[i].key) {
            throw DuplicateKeyError(key: sorted[i].key)
        }
        members = sorted
    }

    /// Builds an object from a dictionary, whose keys are unique by construction.
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { (key: $0.key, value: $0.value) }.sorted { Self.precedes($0.key, $1.key) }
    }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    /// The keys in canonical order.
    public var keys: [String] { members.map(\.key) }

    /// Calls `body` with the members in canonical order, borrowed rather than copied:
    /// walking them this way costs no reference counting per member (a validator's
    /// hot loop). The buffer is valid only inside `body`.
    @inlinable
    public func withMembers<Result>(_ body: (UnsafeBufferPointer<Member>) throws -> Result) rethrows -> Result {
        try members.withUnsafeBufferPointer(body)
    }

    /// The value of member `key`, or `nil`. O(log n).
    @inlinable
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index(forKey: key) else { return nil }
            return members[i].value
        }
        set {
            let position = insertionPoint(for: key)
            if position < members.count, Self.same(members[position].key, key) {
                if let newValue { members[position].value = newValue } else { members.remove(at: position) }
            } else if let newValue {
                members.insert((key: key, value: newValue), at: position)
            }
        }
    }

    /// The position of member `key`, or `nil`. O(log n).
    @inlinable
    public func index(forKey key: String) -> Int? {
        let position = insertionPoint(for: key)
        return position < members.count && Self.same(members[position].key, key) ? position : nil
    }

    @inlinable
    func insertionPoint(for key: String) -> Int {
        var low = 0
        var high = members.count
        while low < high {
            let mid = (low + high) / 2
            if Self.precedes(members[mid].key, key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Canonical key order: lexicographic over UTF-8 bytes.
    @inlinable
    public static func precedes(_ a: String, _ b: String) -> Bool {
        compareBytes(a, b) < 0
    }

    /// Negative, zero or positive as `a`'s UTF-8 bytes sort before, equal or after `b`'s.
    @inlinable
    public static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = Swift.min(x.count, y.count)
                if n > 0 {
                    let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                    if c != 0 { return Int(c) }
                }
                return x.count - y.count
            }
        }
    }

    /// Whether `a` and `b` have the same UTF-8 bytes (`String`'s `==` compares by
    /// Unicode equivalence instead).
    @inlinable
    public static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && compareBytes(a, b) == 0
    }

    /// Wraps members already sorted by key bytes with no duplicates (the parser's path).
    @usableFromInline
    init(sortedUnchecked members: [Member]) {
        self.members = members
    }

    private static func isSorted(_ members: [Member]) -> Bool {
        for i in members.indices.dropFirst() where !precedes(members[i - 1].key, members[i].key) { return false }
        return true
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) where !same(l.key, r.key) || l.value != r.value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

/// Two members of one JSON object share a key.
public struct DuplicateKeyError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var description: String { "duplicate key \"\(key)\" in object" }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Builds an object from a literal; a repeated key is a programming error and traps.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        do {
            try self.init(elements.map { (key: $0.0, value: $0.1) })
        } catch {
            preconditionFailure("duplicate key in JSON object literal: \(error)")
        }
    }
}
