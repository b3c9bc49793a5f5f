import CLMDB
import Foundation
import Testing

@testable import EventLog

/// `verify` checks the indexes against the log, not only the hash chain: the chain
/// covers the records, so an index that lost, gained or misdirected an entry would
/// otherwise pass while reads by id, stream or type go wrong.
@Suite("Verifying the indexes")
struct IndexVerificationTests {
    /// A store of 30 events: customers 1–10, three events each, in rounds (so each
    /// stream's positions are 10 apart), of two types; then `damage` runs in a write
    /// transaction of its own, and the store is verified.
    private func verify(after damage: (LMDBTransaction, LMDBEventStore.Databases) throws -> Void) async throws -> VerificationReport {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        var options = LMDBEventStore.Options()
        options.sync = false
        let store = try LMDBEventStore(directory: scratch.url, options: options)
        defer { store.close() }
        for round in 0..<3 {
            for n in 1...10 {
                _ = try await store.append([round == 0 ? Fixture.contactCreated(n) : Fixture.orderPlaced(n, amount: "\(round).00")])
            }
        }
        #expect(try store.verify(progress: nil).isIntact)
        try store.env.write { txn in try damage(txn, store.databases) }
        let report = try store.verify(progress: nil)
        // The chain itself is untouched.
        #expect(report.firstBadPosition == nil)
        #expect(report.verifiedEvents == 30)
        #expect(!report.isIntact)
        return report
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Deletes one `value` of `key` (one entry of a list), not the whole list.
    private func deleteEntry(_ txn: LMDBTransaction, _ dbi: MDB_dbi, key: [UInt8], value: UInt64) throws {
        var key = key
        var value = value
        let rc = key.withUnsafeMutableBytes { k in
            withUnsafeMutableBytes(of: &value) { v in
                var mk = MDB_val(mv_size: k.count, mv_data: k.baseAddress)
                var mv = MDB_val(mv_size: v.count, mv_data: v.baseAddress)
                return mdb_del(txn.handle, dbi, &mk, &mv)
            }
        }
        #expect(rc == 0)
    }

    private func put(_ txn: LMDBTransaction, _ dbi: MDB_dbi, key: [UInt8], value: UInt64) throws {
        try key.withUnsafeBytes { k in try withUInt64Bytes(value) { v in try txn.put(dbi, k, v) } }
    }

    @Test func aPositionDroppedFromAStreamIsFound() async throws {
        // customer-4 is at positions 4, 14 and 24; without 14, 24 is listed as version 2.
        let report = try await verify { txn, dbs in try deleteEntry(txn, dbs.streams, key: bytes("customer-4"), value: 14) }
        #expect(report.indexProblem == "the stream index lists position 24 as version 2 of customer-4, but it is version 3 of customer-4")
    }

    @Test func aPositionListedUnderAnotherStreamIsFound() async throws {
        // customer-5 is at 5, 15 and 25; 6 (customer-6's first event) sorts second.
        let report = try await verify { txn, dbs in try put(txn, dbs.streams, key: bytes("customer-5"), value: 6) }
        #expect(report.indexProblem == "the stream index lists position 6 as version 2 of customer-5, but it is version 1 of customer-6")
    }

    @Test func aStreamsLastPositionDroppedIsFoundByTheCount() async throws {
        // Nothing listed is wrong; one event is listed nowhere.
        let report = try await verify { txn, dbs in try deleteEntry(txn, dbs.streams, key: bytes("customer-9"), value: 29) }
        #expect(report.indexProblem == "the stream index lists 29 positions for 30 events")
    }

    @Test func aMissingIdIsFound() async throws {
        var id: EventID?
        let report = try await verify { txn, dbs in
            let cursor = try txn.cursor(dbs.ids)
            defer { cursor.close() }
            let first = try #require(try cursor.get(MDB_FIRST))
            id = EventID(bytes: first.key)
            #expect(mdb_cursor_del(cursor.handle, 0) == 0)
        }
        #expect(id != nil)
        #expect(report.indexProblem == "the id index has 29 entries for 30 events")
    }

    @Test func anIdPointingAtAnotherEventIsFound() async throws {
        var expected = ""
        let report = try await verify { txn, dbs in
            let cursor = try txn.cursor(dbs.ids)
            defer { cursor.close() }
            let first = try #require(try cursor.get(MDB_FIRST))
            let id = EventID(bytes: first.key)
            let position = try readUInt64(first.value)
            let other: UInt64 = position == 1 ? 2 : 1
            let otherRecord = try #require(try withUInt64Bytes(other) { key in try txn.get(dbs.events, key) })
            expected = "the id index maps \(id) to position \(other), which holds event \(EventRecord.id(otherRecord))"
            try put(txn, dbs.ids, key: Array(first.key), value: other)
        }
        #expect(report.indexProblem == expected)
    }

    @Test func aPositionFiledUnderTheWrongTypeIsFound() async throws {
        let report = try await verify { txn, dbs in
            try deleteEntry(txn, dbs.types, key: bytes("ContactCreated"), value: 3)
            try put(txn, dbs.types, key: bytes("OrderPlaced"), value: 3)
        }
        #expect(report.indexProblem == "the type index lists position 3 under OrderPlaced, but it is a ContactCreated")
    }

    @Test func aWrongStreamCountIsFound() async throws {
        let report = try await verify { txn, dbs in try LMDBEventStore.setMetaValue(txn, dbs, "streams", 11) }
        #expect(report.indexProblem == "the log counts 11 streams, but the stream index has 10")
    }
}
