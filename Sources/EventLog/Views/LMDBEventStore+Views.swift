import CLMDB

extension LMDBEventStore: ViewStorage {
    public func readViews<T>(_ body: (any ViewReader) throws -> T) throws(EventLogError) -> T {
        try guarded { try env.read { txn in try body(LMDBViewTransaction(txn: txn, dbi: databases.views)) } }
    }

    public func writeViews<T: Sendable>(_ body: @escaping @Sendable (any ViewWriter) throws -> T) async throws -> T {
        let dbi = databases.views
        let result = await writer.submitCustom { txn in
            try body(LMDBViewTransaction(txn: txn, dbi: dbi))
        }
        return try result.get() as! T
    }
}

/// View tables in the `views` database: key = table name, a zero byte, the key.
struct LMDBViewTransaction: ViewWriter {
    let txn: LMDBTransaction
    let dbi: MDB_dbi

    private func fullKey(_ table: ViewTable, _ key: [UInt8]) -> [UInt8] { table.prefix + key }

    func get(_ table: ViewTable, _ key: [UInt8]) throws -> [UInt8]? {
        let full = fullKey(table, key)
        return try full.withUnsafeBytes { raw in try txn.get(dbi, raw).map { Array($0) } }
    }

    func scan(_ table: ViewTable, from start: [UInt8]?, reverse: Bool, _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        let cursor = try txn.cursor(dbi)
        defer { cursor.close() }
        let prefix = table.prefix
        var entry: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
        if reverse {
            // Position at the last key <= start (or the table's last key).
            let target = start.map { prefix + $0 } ?? (Array(prefix.dropLast()) + [1])
            entry = try target.withUnsafeBytes { raw in try cursor.get(MDB_SET_RANGE, key: raw) }
            if let found = entry {
                if start == nil || !Array(found.key).elementsEqual(target) { entry = try cursor.get(MDB_PREV) }
            } else {
                entry = try cursor.get(MDB_LAST)
            }
        } else {
            let target = prefix + (start ?? [])
            entry = try target.withUnsafeBytes { raw in try cursor.get(MDB_SET_RANGE, key: raw) }
        }
        while let current = entry, current.key.count >= prefix.count, current.key.starts(with: prefix) {
            guard try body(Array(current.key[prefix.count...]), Array(current.value)) else { return }
            entry = try cursor.get(reverse ? MDB_PREV : MDB_NEXT)
        }
    }

    func put(_ table: ViewTable, _ key: [UInt8], _ value: [UInt8]) throws {
        let full = fullKey(table, key)
        try full.withUnsafeBytes { k in try value.withUnsafeBytes { v in try txn.put(dbi, k, v) } }
    }

    func put(_ table: ViewTable, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        try Self.withFullKey(table.prefix, key) { full in try txn.put(dbi, full, value) }
    }

    /// One cursor for all the rows. The database's last key is read once: rows up to it
    /// are put in place, and from the first row past it on (the rows ascend) each is
    /// appended (see ``LMDBCursor/putAppendingIfLast(key:value:)``). A commit that only
    /// updates rows (a live view's) so never tries an append that cannot succeed.
    func putAscending(
        _ table: ViewTable,
        _ body: (_ put: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let cursor = try txn.cursor(dbi)
        defer { cursor.close() }
        let prefix = table.prefix
        let last = try cursor.get(MDB_LAST).map { Array($0.key) }
        var appending = last == nil
        try body { key, value in
            try Self.withFullKey(prefix, key) { full in
                if !appending, let last, last.lexicographicallyPrecedes(full) { appending = true }
                if appending {
                    try cursor.putAppendingIfLast(key: full, value: value)
                } else {
                    try cursor.put(key: full, value: value, flags: 0)
                }
            }
        }
    }

    /// Calls `body` with the table's prefix and `key` in one buffer on the stack.
    private static func withFullKey(
        _ prefix: [UInt8], _ key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try withUnsafeTemporaryAllocation(byteCount: prefix.count + key.count, alignment: 1) { full in
            prefix.withUnsafeBytes { full.copyMemory(from: $0) }
            if !key.isEmpty { (full.baseAddress! + prefix.count).copyMemory(from: key.baseAddress!, byteCount: key.count) }
            try body(UnsafeRawBufferPointer(full))
        }
    }

    func delete(_ table: ViewTable, _ key: [UInt8]) throws {
        let full = fullKey(table, key)
        try full.withUnsafeBytes { k in _ = try txn.delete(dbi, k) }
    }

    func clear(_ table: ViewTable) throws {
        let cursor = try txn.cursor(dbi)
        defer { cursor.close() }
        let prefix = table.prefix
        var entry = try prefix.withUnsafeBytes { raw in try cursor.get(MDB_SET_RANGE, key: raw) }
        while let current = entry, current.key.starts(with: prefix) {
            try lmdbCheck(mdb_cursor_del(cursor.handle, 0), "clearing view table \(table)")
            entry = try cursor.get(MDB_NEXT)
        }
    }
}
