import CLMDB

extension LMDBEventStore {
    public func scan(from position: LogPosition, limit: Int, _ body: (StoredEvent) -> Bool) throws(EventLogError) -> Int
    {
        guard limit > 0 else { return 0 }
        return try guarded {
            try env.read { txn in
                try isScan(txn, from: max(position.rawValue, 1), limit: limit)
                    ? env.scanning { try scan(txn, from: position, limit: limit, body) }
                    : scan(txn, from: position, limit: limit, body)
            }
        }
    }

    private func scan(_ txn: LMDBTransaction, from position: LogPosition, limit: Int, _ body: (StoredEvent) -> Bool)
        throws -> Int
    {
        try withCursor(txn, databases.events) { cursor in
            var visited = 0
            let first = max(position.rawValue, 1)
            var entry = try withUInt64Bytes(first) { key in try cursor.get(MDB_SET_RANGE, key: key) }
            while let current = entry, visited < limit {
                let expected = first + UInt64(visited)
                if let problem = Self.damagedKey(
                    current.key, expected: expected, after: visited > 0 ? expected - 1 : nil)
                {
                    throw problem
                }
                if let problem = EventRecord.structuralProblem(current.value) {
                    throw EventLogError.damagedRecord(at: expected, problem)
                }
                visited += 1
                guard body(StoredEvent(record: current.value)) else { break }
                entry = try cursor.get(MDB_NEXT)
            }
            return visited
        }
    }
}
