import CLMDB
import Foundation

extension LMDBEventStore {
    /// The planner's view of committed state, read through the write transaction.
    struct WriteLookup: AppendLookup {
        let store: LMDBEventStore
        let txn: LMDBTransaction
        let streamCursor: LMDBCursor
        /// Counts the bytes of the stored records read to compare re-appended ids, when given.
        var recordsRead: RecordsRead? = nil

        /// Bytes of stored records a lookup read (see ``WriteLookup/recordsRead``).
        final class RecordsRead {
            var bytes = 0
        }

        func committedVersions(of streams: [StreamName]) throws -> [UInt64] {
            try streams.map { try LMDBEventStore.committedVersion(streamCursor, $0) }
        }

        /// Walks the id index once, front to back, beside `ids` (in ascending order): each
        /// seek lands on the first stored id at or after the one sought, and every id
        /// below that one is known absent without another seek. A batch of new ids
        /// past all the stored ones (an import's, whose ids lead with the line number)
        /// costs one seek, not one per id.
        func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {
            let cursor = try txn.cursor(store.databases.ids)
            defer { cursor.close() }
            var key = [UInt8](repeating: 0, count: 16)
            /// The first stored id at or after the last one sought; `nil` before a seek.
            var atOrAfter: (id: EventID, position: UInt64)?
            assert(zip(ids, ids.dropFirst()).allSatisfy { $0 <= $1 }, "ids must be given in ascending order")
            for id in ids {
                if let stored = atOrAfter, id < stored.id { continue }
                if atOrAfter.map({ id > $0.id }) ?? true {
                    key.withUnsafeMutableBytes { id.store(to: $0, at: 0) }
                    // No stored id at or after this one: none of the rest is stored.
                    guard let entry = try key.withUnsafeBytes({ raw in try cursor.seek(atOrAfter: raw) }) else { return }
                    guard entry.key.count == 16 else {
                        throw EventLogError(
                            .corrupted, "the store is damaged: the id index holds a key of \(entry.key.count) bytes where an id takes 16; run `ledgerline verify`")
                    }
                    atOrAfter = (EventID(bytes: entry.key), try readUInt64(entry.value))
                }
                guard let stored = atOrAfter, stored.id == id else { continue }
                let position = stored.position
                guard let record = try withUInt64Bytes(position, { raw in try txn.get(store.databases.events, raw) }) else {
                    throw EventLogError(.corrupted, "the id index maps \(id) to position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position), eventID: id)
                }
                recordsRead?.bytes += record.count
                body(id, record)
            }
        }
    }
}
