/// Key-value tables kept beside the log, in the same storage and the same transactions.
///
/// Consumers of the log (projections, rules, scoring, delivery) keep their state and
/// their checkpoint here. Because a ``ViewStorage/writeViews(_:)`` body runs in one
/// transaction, a consumer that writes its rows and its checkpoint together can never
/// skip or repeat an event, whatever crashes.
///
/// Keys are bytes and sort byte-wise within a table; encode numbers big-endian so they
/// sort numerically.
public protocol ViewStorage: AnyObject, Sendable {
    /// Runs `body` against one consistent snapshot of every table. Never waits for writers.
    func readViews<T>(_ body: (any ViewReader) throws -> T) throws(EventLogError) -> T

    /// Runs `body` in one write transaction and returns once it is durable. When `body`
    /// throws, nothing it wrote is kept.
    func writeViews<T: Sendable>(_ body: @escaping @Sendable (any ViewWriter) throws -> T) async throws -> T
}

/// A table: a name, stored as a key prefix.
public struct ViewTable: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// `name`, then a zero byte: every key of the table starts with it.
    let prefix: [UInt8]

    /// A table named `name` (letters, digits, `.`, `-`, `_`, `:`).
    public init(_ name: String) {
        precondition(!name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "invalid view table name \(name)")
        self.name = name
        prefix = Array(name.utf8) + [0]
    }

    public var description: String { name }
}

public protocol ViewReader {
    /// The value under `key`, or `nil`.
    func get(_ table: ViewTable, _ key: [UInt8]) throws -> [UInt8]?

    /// Visits entries in key order (or reverse) starting at `start` (inclusive; the
    /// first or last key when `nil`), until `body` returns `false`.
    func scan(_ table: ViewTable, from start: [UInt8]?, reverse: Bool, _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws
}

public protocol ViewWriter: ViewReader {
    func put(_ table: ViewTable, _ key: [UInt8], _ value: [UInt8]) throws
    /// Puts a row from bytes the caller holds, without copying it into an array of its own.
    func put(_ table: ViewTable, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws
    /// Puts many rows of `table`: `body` calls `put` for each, in ascending key order.
    /// A store may append the rows that sort after all of its keys without searching for
    /// each (LMDB then also fills its pages instead of splitting them in half), so a
    /// commit of many rows should write them this way. Rows out of order are still put,
    /// only at the cost of an ordinary put.
    func putAscending(
        _ table: ViewTable,
        _ body: (_ put: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws
    func delete(_ table: ViewTable, _ key: [UInt8]) throws
    /// Removes every entry of the table.
    func clear(_ table: ViewTable) throws
}

extension ViewReader {
    /// Every entry whose key starts with `prefix`, in key order, until `body` returns `false`.
    public func scan(_ table: ViewTable, prefix: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws {
        try scan(table, from: prefix, reverse: false) { key, value in
            guard key.starts(with: prefix) else { return false }
            return try body(key, value)
        }
    }

    /// The last entry with a key at or before `key` (for point-in-time lookups over keys
    /// that end in a big-endian position).
    public func floor(_ table: ViewTable, _ key: [UInt8]) throws -> (key: [UInt8], value: [UInt8])? {
        var found: (key: [UInt8], value: [UInt8])?
        try scan(table, from: key, reverse: true) { k, v in
            found = (k, v)
            return false
        }
        return found
    }
}

/// Big-endian encodings, so numbers sort numerically as view keys.
extension Array where Element == UInt8 {
    public init(bigEndian value: UInt64) {
        self = Swift.withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// The big-endian `UInt64` at `offset`.
    public func bigEndianUInt64(at offset: Int = 0) -> UInt64 {
        precondition(count >= offset + 8)
        return self[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension ViewWriter {
    public func put(_ table: ViewTable, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        try put(table, Array(key), Array(value))
    }

    /// One ``put(_:key:value:)`` per row.
    public func putAscending(
        _ table: ViewTable,
        _ body: (_ put: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        try body { key, value in try put(table, key: key, value: value) }
    }
}
