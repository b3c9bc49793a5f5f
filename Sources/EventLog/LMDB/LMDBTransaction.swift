import CLMDB

/// A borrowed LMDB transaction: valid only inside the closure that hands it out.
struct LMDBTransaction {
    let handle: OpaquePointer

    /// The value stored under `key`, or `nil`. The buffer points into the map and is
    /// valid until the transaction ends or the next write.
    @inline(__always)
    func get(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer) throws(LMDBFailure) -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try lmdbCheck(rc, "reading a key")
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    @inline(__always)
    func put(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, flags: Int32 = 0) throws(LMDBFailure) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try lmdbCheck(mdb_put(handle, dbi, &k, &v, UInt32(flags)), "writing a key")
    }

    /// Deletes `key` (and all its duplicates); `false` when it was not there.
    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer) throws(LMDBFailure) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try lmdbCheck(rc, "deleting a key")
        return true
    }

    /// Removes every entry of `dbi`, keeping the database.
    func clear(_ dbi: MDB_dbi) throws(LMDBFailure) {
        try lmdbCheck(mdb_drop(handle, dbi, 0), "clearing a database")
    }

    func cursor(_ dbi: MDB_dbi) throws(LMDBFailure) -> LMDBCursor {
        var cursor: OpaquePointer?
        try lmdbCheck(mdb_cursor_open(handle, dbi, &cursor), "opening a cursor")
        return LMDBCursor(handle: cursor!)
    }

    /// Number of entries (for a dupsort database: of all values).
    func entryCount(_ dbi: MDB_dbi) throws(LMDBFailure) -> Int {
        var stat = MDB_stat()
        try lmdbCheck(mdb_stat(handle, dbi, &stat), "reading database statistics")
        return stat.ms_entries
    }

    /// Pages a database uses (branch + leaf + overflow).
    func pageCount(_ dbi: MDB_dbi) throws(LMDBFailure) -> Int {
        var stat = MDB_stat()
        try lmdbCheck(mdb_stat(handle, dbi, &stat), "reading database statistics")
        return stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages
    }
}

/// An LMDB cursor. Close it before its transaction ends: a write transaction frees its
/// cursors when it commits or aborts, so closing one afterwards frees it twice.
struct LMDBCursor {
    let handle: OpaquePointer

    func close() { mdb_cursor_close(handle) }

    /// Moves the cursor; returns the key and value there, or `nil` at MDB_NOTFOUND.
    @inline(__always)
    func get(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil, value: UnsafeRawBufferPointer? = nil) throws(LMDBFailure)
        -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
    {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val(mv_size: value?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: value?.baseAddress))
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try lmdbCheck(rc, "moving a cursor")
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// Moves to the first key at or after `key` (`MDB_SET_RANGE`); returns it and its
    /// value, or `nil` when every key sorts before `key`. A failure reads as a lookup's.
    @inline(__always)
    func seek(atOrAfter key: UnsafeRawBufferPointer) throws(LMDBFailure) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, MDB_SET_RANGE)
        if rc == MDB_NOTFOUND { return nil }
        try lmdbCheck(rc, "reading a key")
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// Puts `key`, appending it when it sorts after every key of the database, as an
    /// ordinary put otherwise. An append neither searches the tree (the cursor is at
    /// its end already) nor splits a full leaf in half (LMDB starts a new one), so keys
    /// written in ascending order into an empty range fill their pages.
    @inline(__always)
    func putAppendingIfLast(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(LMDBFailure) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let rc = mdb_cursor_put(handle, &k, &v, UInt32(MDB_APPEND))
        // MDB_KEYEXIST: the key does not sort after the last one; nothing was written.
        try lmdbCheck(rc == MDB_KEYEXIST ? mdb_cursor_put(handle, &k, &v, 0) : rc, "writing a key")
    }

    @inline(__always)
    func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: Int32) throws(LMDBFailure) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try lmdbCheck(mdb_cursor_put(handle, &k, &v, UInt32(flags)), "writing through a cursor")
    }

    /// Number of duplicates at the cursor's key.
    @inline(__always)
    func duplicateCount() throws(LMDBFailure) -> Int {
        var count = 0
        try lmdbCheck(mdb_cursor_count(handle, &count), "counting duplicates")
        return count
    }
}

/// Native-endian `UInt64` keys and duplicates, for `MDB_INTEGERKEY`/`MDB_INTEGERDUP`.
@inline(__always)
func withUInt64Bytes<T, E: Error>(_ value: UInt64, _ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
    var v = value
    return try withUnsafeBytes(of: &v) { (raw) throws(E) -> T in try body(raw) }
}

/// A position (or count) stored as a key or value of 8 bytes. Any other length is a
/// damaged page, refused with a message rather than read past its end (a trap).
@inline(__always)
func readUInt64(_ bytes: UnsafeRawBufferPointer) throws(EventLogError) -> UInt64 {
    guard bytes.count == 8 else { throw EventLogError.damagedEntry(length: bytes.count) }
    return bytes.loadUnaligned(as: UInt64.self)
}
