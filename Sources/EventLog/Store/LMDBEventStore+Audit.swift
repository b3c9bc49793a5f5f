import CLMDB
import Foundation

extension LMDBEventStore {
    /// Recomputes the hash chain from position 1 and checks that positions are gapless,
    /// that each record is well formed and sits under its own position. Stops at the
    /// first position that does not hold together and names it.
    ///
    /// Cost: one sequential scan of the log and one SHA-256 per event, in a single read
    /// transaction (the writer keeps appending meanwhile; the scan sees the log as it
    /// stood when it began).
    public func verify(progress: (@Sendable (LogPosition, LogPosition) -> Void)?) throws(EventLogError) -> VerificationReport {
        try guarded {
            try env.read { txn in
                let head = try Self.readHead(txn, databases)
                return try withCursor(txn, databases.events) { cursor in
                    try Self.verifyChain(head: head, progress: progress) { visit in
                        var entry = try cursor.get(MDB_FIRST)
                        while let current = entry {
                            let key = current.key.count == 8 ? readUInt64(current.key) : 0
                            guard visit(key, current.value) else { return }
                            entry = try cursor.get(MDB_NEXT)
                        }
                    }
                }
            }
        }
    }

    /// The chain check shared by both stores. `entries` calls its visitor with each
    /// (position key, record) in key order and stops when the visitor returns `false`.
    static func verifyChain(
        head: LogHead, progress: (@Sendable (LogPosition, LogPosition) -> Void)?,
        entries: ((UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Void
    ) throws -> VerificationReport {
        var previous = EventHash.genesis
        var expected: UInt64 = 1
        var bad: (position: UInt64, problem: String)?
        try entries { key, record in
            if key != expected {
                bad = (expected, key > expected ? "position \(expected) is missing (the next stored position is \(key))" : "a record is stored under an invalid key")
                return false
            }
            if let problem = EventRecord.structuralProblem(record) {
                bad = (key, "the record is damaged: \(problem)")
                return false
            }
            if EventRecord.position(record).rawValue != key {
                bad = (key, "the record says it is position \(EventRecord.position(record)) but is stored at \(key)")
                return false
            }
            let computed = EventRecord.chainHash(previous: previous, body: EventRecord.body(record))
            let stored = EventRecord.hash(record)
            if computed != stored {
                bad = (key, "the hash does not match: this event, or the chain before it, was altered (stored \(stored.description.prefix(16))…, computed \(computed.description.prefix(16))…)")
                return false
            }
            previous = stored
            if let progress, key % 65_536 == 0 { progress(LogPosition(key), head.position) }
            expected += 1
            return true
        }
        if bad == nil, expected - 1 != head.position.rawValue {
            bad = (expected, "the log ends at \(expected - 1) but its head is \(head.position)")
        }
        if let bad {
            return VerificationReport(verifiedEvents: expected - 1, head: head, firstBadPosition: LogPosition(bad.position), problem: bad.problem)
        }
        progress?(head.position, head.position)
        return VerificationReport(verifiedEvents: expected - 1, head: head, firstBadPosition: nil, problem: nil)
    }

    public func statistics() throws(EventLogError) -> LogStatistics {
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("data.mdb").path)[.size] as? Int) ?? 0
        return try guarded {
            try env.read { txn in
                let head = try Self.readHead(txn, databases)
                var types: [EventType: Int] = [:]
                try withCursor(txn, databases.types) { cursor in
                    var entry = try cursor.get(MDB_FIRST)
                    while let current = entry {
                        types[EventType(unchecked: String(decoding: current.key, as: UTF8.self))] = try cursor.duplicateCount()
                        entry = try cursor.get(MDB_NEXT_NODUP)
                    }
                }
                func recordedAt(_ op: MDB_cursor_op) throws -> Timestamp? {
                    try withCursor(txn, databases.events) { cursor in
                        guard let entry = try cursor.get(op), EventRecord.structuralProblem(entry.value) == nil else { return nil }
                        return Timestamp(rawValue: EventRecord.i64(entry.value, 60))
                    }
                }
                return LogStatistics(
                    events: UInt64(try txn.entryCount(databases.events)),
                    streams: Int(try Self.metaValue(txn, databases, "streams")),
                    head: head,
                    types: types,
                    fileBytes: fileBytes,
                    usedBytes: env.usedBytes,
                    recordBytes: Int(try Self.metaValue(txn, databases, "recordBytes")),
                    firstRecordedAt: try recordedAt(MDB_FIRST),
                    lastRecordedAt: try recordedAt(MDB_LAST))
            }
        }
    }
}
