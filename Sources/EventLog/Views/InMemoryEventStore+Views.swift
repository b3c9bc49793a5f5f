import Synchronization

/// Sorted in-memory tables: the in-memory store's ``ViewStorage``.
final class InMemoryViews: Sendable {
    struct Tables: Sendable {
        var tables: [String: [(key: [UInt8], value: [UInt8])]] = [:]
    }

    let state = Mutex(Tables())
}

extension InMemoryEventStore: ViewStorage {
    public func readViews<T>(_ body: (any ViewReader) throws -> T) throws(EventLogError) -> T {
        let snapshot = views.state.withLock { $0 }
        return try guarded { try body(InMemoryViewTransaction(tables: snapshot)) }
    }

    public func writeViews<T: Sendable>(_ body: @escaping @Sendable (any ViewWriter) throws -> T) async throws -> T {
        try views.state.withLock { committed in
            let transaction = InMemoryViewTransaction(tables: committed)
            let value = try body(transaction)
            committed = transaction.tables
            return value
        }
    }
}

/// A working copy of the tables; committing replaces the store's copy with it.
final class InMemoryViewTransaction: ViewWriter {
    var tables: InMemoryViews.Tables

    init(tables: InMemoryViews.Tables) { self.tables = tables }

    private func index(_ rows: [(key: [UInt8], value: [UInt8])], _ key: [UInt8]) -> Int {
        var low = 0
        var high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if rows[mid].key.lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func get(_ table: ViewTable, _ key: [UInt8]) throws -> [UInt8]? {
        guard let rows = tables.tables[table.name] else { return nil }
        let i = index(rows, key)
        return i < rows.count && rows[i].key == key ? rows[i].value : nil
    }

    func scan(_ table: ViewTable, from start: [UInt8]?, reverse: Bool, _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        guard let rows = tables.tables[table.name], !rows.isEmpty else { return }
        if reverse {
            var i: Int
            if let start {
                i = index(rows, start)
                if i == rows.count || rows[i].key != start { i -= 1 }
            } else {
                i = rows.count - 1
            }
            while i >= 0 {
                guard try body(rows[i].key, rows[i].value) else { return }
                i -= 1
            }
        } else {
            var i = start.map { index(rows, $0) } ?? 0
            while i < rows.count {
                guard try body(rows[i].key, rows[i].value) else { return }
                i += 1
            }
        }
    }

    func put(_ table: ViewTable, _ key: [UInt8], _ value: [UInt8]) throws {
        let i = index(tables.tables[table.name] ?? [], key)
        modify(table) { rows in
            if i < rows.count && rows[i].key == key { rows[i].value = value } else { rows.insert((key, value), at: i) }
        }
    }

    func delete(_ table: ViewTable, _ key: [UInt8]) throws {
        let i = index(tables.tables[table.name] ?? [], key)
        modify(table) { rows in
            if i < rows.count && rows[i].key == key { rows.remove(at: i) }
        }
    }

    /// Mutates a table in place (no copy of its rows).
    private func modify(_ table: ViewTable, _ body: (inout [(key: [UInt8], value: [UInt8])]) -> Void) {
        body(&tables.tables[table.name, default: []])
    }

    func clear(_ table: ViewTable) throws {
        tables.tables[table.name] = nil
    }
}
