extension InMemoryEventStore {
    public func scan(from position: LogPosition, limit: Int, _ body: (StoredEvent) -> Bool) throws(EventLogError) -> Int {
        guard limit > 0 else { return 0 }
        let first = Int(max(position.rawValue, 1))
        let records = recordsSlice(from: first, limit: limit)
        var visited = 0
        for record in records {
            visited += 1
            guard record.withUnsafeBytes({ body(StoredEvent(record: $0)) }) else { break }
        }
        return visited
    }
}
