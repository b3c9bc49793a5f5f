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

    /// Rows put from bytes the caller holds are appended when they sort last and put
    /// in place otherwise: rows in order after existing ones, rows before and between
    /// them, rows of a table that sorts before another's, and rows already there
    /// (overwritten) all read back as written, in key order.
    @Test(arguments: StoreKind.allCases)
    func rowsPutInAndOutOfKeyOrderReadBackInOrder(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let views = try storage(store)
            let early = ViewTable("a-table")
            let late = ViewTable("b-table")
            @Sendable func put(_ writer: any ViewWriter, _ table: ViewTable, _ n: UInt64, _ value: String) throws {
                try Array(bigEndian: n).withUnsafeBytes { key in
                    try Array(value.utf8).withUnsafeBytes { try writer.put(table, key: key, value: $0) }
                }
            }
            try await views.writeViews { writer in
                for n in stride(from: 100, to: 2_000, by: 10) { try put(writer, late, UInt64(n), "late \(n)") }
            }
            try await views.writeViews { writer in
                // Ascending, after every key of the database: appended.
                for n in stride(from: 2_000, to: 3_000, by: 10) { try put(writer, late, UInt64(n), "late \(n)") }
                // Before and between existing keys, and in a table that sorts first.
                for n in stride(from: 5, to: 3_000, by: 10) { try put(writer, late, UInt64(n), "late \(n)") }
                for n in stride(from: 0, to: 500, by: 1) { try put(writer, early, UInt64(n), "early \(n)") }
                // Overwritten.
                for n in stride(from: 100, to: 3_000, by: 100) { try put(writer, late, UInt64(n), "new \(n)") }
            }
            try views.readViews { reader in
                var rows: [(UInt64, String)] = []
                try reader.scan(late, from: nil, reverse: false) { key, value in
                    rows.append((key.bigEndianUInt64(), String(decoding: value, as: UTF8.self)))
                    return true
                }
                let keys = Set(stride(from: 100, to: 3_000, by: 10)).union(stride(from: 5, to: 3_000, by: 10)).sorted()
                #expect(rows.map(\.0) == keys.map(UInt64.init))
                for (n, value) in rows { #expect(value == (n % 100 == 0 ? "new \(n)" : "late \(n)")) }
                var earlyCount = 0
                try reader.scan(early, from: nil, reverse: false) { key, value in
                    #expect(String(decoding: value, as: UTF8.self) == "early \(key.bigEndianUInt64())")
                    earlyCount += 1
                    return true
                }
                #expect(earlyCount == 500)
            }
        }
    }
}
