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
}
