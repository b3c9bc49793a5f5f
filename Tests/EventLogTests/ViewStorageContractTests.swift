import EventLog
import Foundation
import Testing

/// View tables keep the same contract in both stores.
@Suite struct ViewStorageContractTests {
    private func storage(_ store: any EventStore) throws -> any ViewStorage {
        try #require(store as? any ViewStorage)
    }

    @Test(arguments: StoreKind.allCases)
    func writesAreAtomicAndReadsSeeCommittedRows(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let views = try storage(store)
            let table = ViewTable("customers")
            let other = ViewTable("customers2")
            try await views.writeViews { writer in
                for n in [3, 1, 2] { try writer.put(table, Array(bigEndian: UInt64(n)), Array("c\(n)".utf8)) }
                try writer.put(other, Array(bigEndian: 1), [9])
            }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await views.writeViews { writer in
                    try writer.put(table, Array(bigEndian: 4), [4])
                    throw Boom()
                }
            }
            try views.readViews { reader in
                #expect(try reader.get(table, Array(bigEndian: 4)) == nil)
                #expect(try reader.get(table, Array(bigEndian: 2)) == Array("c2".utf8))
                var keys: [UInt64] = []
                try reader.scan(table, from: nil, reverse: false) { key, _ in keys.append(key.bigEndianUInt64()); return true }
                #expect(keys == [1, 2, 3])
                keys = []
                try reader.scan(table, from: nil, reverse: true) { key, _ in keys.append(key.bigEndianUInt64()); return true }
                #expect(keys == [3, 2, 1])
                #expect(try reader.floor(table, Array(bigEndian: 2))?.key == Array(bigEndian: 2))
                #expect(try reader.floor(table, Array(bigEndian: 9))?.key == Array(bigEndian: 3))
                #expect(try reader.floor(table, Array(bigEndian: 0)) == nil)
            }
            try await views.writeViews { writer in
                try writer.clear(table)
                try writer.delete(other, Array(bigEndian: 7))
            }
            try views.readViews { reader in
                var count = 0
                try reader.scan(table, from: nil, reverse: false) { _, _ in count += 1; return true }
                #expect(count == 0)
                #expect(try reader.get(other, Array(bigEndian: 1)) == [9])
            }
        }
    }

    /// Rows put in ascending order are appended when they sort last and put in place
    /// otherwise: rows after every key, before and between existing ones, over existing
    /// ones, in a table that sorts before another's, and rows handed over out of order
    /// all read back as written, in key order.
    @Test(arguments: StoreKind.allCases)
    func rowsPutInAscendingOrderReadBackAsWritten(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let views = try storage(store)
            let early = ViewTable("a-table")
            let late = ViewTable("b-table")
            let last = ViewTable("c-table")
            @Sendable func rows(_ writer: any ViewWriter, _ table: ViewTable, _ rows: [(UInt64, String)]) throws {
                try writer.putAscending(table) { put in
                    for (n, value) in rows {
                        try Array(bigEndian: n).withUnsafeBytes { key in
                            try Array(value.utf8).withUnsafeBytes { try put(key, $0) }
                        }
                    }
                }
            }
            try await views.writeViews { writer in
                try rows(writer, late, stride(from: 100, to: 2_000, by: 10).map { (UInt64($0), "old \($0)") })
            }
            try await views.writeViews { writer in
                // Before, between, over and after the existing keys, in one ascending run.
                try rows(writer, late, stride(from: 5, to: 3_000, by: 5).map { (UInt64($0), "new \($0)") })
                // A table that sorts before: every row lands before existing keys.
                try rows(writer, early, (0..<500).map { (UInt64($0), "early \($0)") })
                // Out of order: still put, each where it belongs.
                try rows(writer, last, (1...50).reversed().map { (UInt64($0), "last \($0)") })
            }
            try views.readViews { reader in
                func read(_ table: ViewTable) throws -> [(UInt64, String)] {
                    var found: [(UInt64, String)] = []
                    try reader.scan(table, from: nil, reverse: false) { key, value in
                        found.append((key.bigEndianUInt64(), String(decoding: value, as: UTF8.self)))
                        return true
                    }
                    return found
                }
                let lateRows = try read(late)
                #expect(lateRows.map(\.0) == stride(from: 5, to: 3_000, by: 5).map(UInt64.init))
                #expect(lateRows.allSatisfy { $0.1 == "new \($0.0)" })
                let earlyRows = try read(early)
                #expect(earlyRows.map(\.0) == (0..<500).map(UInt64.init))
                #expect(earlyRows.allSatisfy { $0.1 == "early \($0.0)" })
                #expect(try read(last).map(\.1) == (1...50).map { "last \($0)" })
            }
        }
    }
}
