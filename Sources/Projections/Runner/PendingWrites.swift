import EventLog

/// One row to put (or delete, when `value` is `nil`) in a commit.
struct ViewWrite: Sendable {
    var table: ViewTable
    var key: [UInt8]
    var value: [UInt8]?
}

/// Rows of one table encoded back to back into one buffer, in key order: row `i` is
/// `bytes[ends[i - 1]..<ends[i]]` (from 0 for the first).
///
/// A rebuild commits a row for every entity it saw; encoding each into an array of its
/// own cost more than the encoding, most of it in fresh heap pages.
struct RowBlock: Sendable {
    var table: ViewTable
    var keys: [[UInt8]] = []
    var bytes = RowBytes()
    var ends: [Int] = []

    init(table: ViewTable) { self.table = table }

    /// Calls `body` with each row's key and value bytes, in order.
    func forEach(_ body: ([UInt8], UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { all in
            var start = 0
            for (key, end) in zip(keys, ends) {
                try body(key, UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }
}

/// What a projection hands to a commit: encoded rows, then single writes.
struct PendingWrites: Sendable {
    var blocks: [RowBlock] = []
    var writes: [ViewWrite] = []
}
