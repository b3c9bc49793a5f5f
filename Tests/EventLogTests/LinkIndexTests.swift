import CLMDB
import Foundation
import Testing

@testable import EventLog

/// The index by correlation and causation id (``EventLink``): "what did this request
/// set off?" and "what did this event cause?" read only those events. A store of
/// format 1 gains the index when opened; `verify` checks it against the log.
@Suite("The link index")
struct LinkIndexTests {
    static let request = EventID("0190a8d2-0000-7000-8000-0000000000aa")!
    static let other = EventID("0190a8d2-0000-7000-8000-0000000000bb")!
    static let signup = EventID("0190a8d2-0000-7000-8000-000000000001")!

    /// 20 events: every third belongs to `request` (positions 3, 6, … 18); positions 4,
    /// 10 and 16 were caused by the sign-up (position 1); position 20 belongs to
    /// `other` and was caused by the sign-up too. One append per event, or all in one
    /// (whose index entries the store writes in key order, not position order).
    private func append(to store: any EventStore, inOneBatch: Bool = false) async throws {
        var events: [ProposedEvent] = []
        for n in 1...20 {
            var event = Fixture.contactCreated(n)
            if n == 1 { event.id = Self.signup }
            if n % 3 == 0 { event.correlationId = Self.request }
            if n == 4 || n == 10 || n == 16 || n == 20 { event.causationId = Self.signup }
            if n == 20 { event.correlationId = Self.other }
            events.append(event)
        }
        if inOneBatch {
            _ = try await store.append(events)
        } else {
            for event in events { _ = try await store.append([event]) }
        }
    }

    private func positions(_ store: any EventStore, _ link: EventLink, from: UInt64? = nil, _ direction: ReadDirection = .forward, limit: Int = 100) throws -> [UInt64] {
        try store.readLinked(link, from: from.map { LogPosition($0) }, direction: direction, limit: limit).map(\.position.rawValue)
    }

    private func open(_ scratch: ScratchDirectory) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.sync = false
        return try LMDBEventStore(directory: scratch.url, options: options)
    }

    /// Writes the 20 events into a store at `scratch` and takes it back to format 1
    /// (no link database, the format says 1), running `damage` in that transaction too.
    private func makeFormat1Store(_ scratch: ScratchDirectory, damage: (LMDBTransaction, LMDBEventStore.Databases) throws -> Void = { _, _ in }) async throws {
        let store = try open(scratch)
        defer { store.close() }
        try await append(to: store)
        try store.env.write { txn in
            #expect(mdb_drop(txn.handle, store.databases.links, 1) == 0)
            try LMDBEventStore.setMetaValue(txn, store.databases, "format", 1)
            try damage(txn, store.databases)
        }
    }

    @Test(arguments: StoreKind.allCases, [false, true])
    func eventsAreReadByTheirCorrelationAndCausation(kind: StoreKind, inOneBatch: Bool) async throws {
        try await kind.withStore { store in
            try await append(to: store, inOneBatch: inOneBatch)
            #expect(try positions(store, .correlation(Self.request)) == [3, 6, 9, 12, 15, 18])
            #expect(try positions(store, .correlation(Self.request), from: 7, limit: 2) == [9, 12])
            #expect(try positions(store, .correlation(Self.request), from: 13, .backward) == [12, 9, 6, 3])
            #expect(try positions(store, .correlation(Self.request), .backward, limit: 1) == [18])
            #expect(try positions(store, .correlation(Self.request), from: 2, .backward) == [])
            #expect(try positions(store, .causation(Self.signup)) == [4, 10, 16, 20])
            #expect(try positions(store, .correlation(Self.other)) == [20])
            #expect(try positions(store, .causation(Self.request)) == [], "an id read as the other kind of link")
            #expect(try positions(store, .correlation(Self.signup)) == [])
            #expect(try store.verify(progress: nil).isIntact)
        }
    }

    /// The order the writer puts a batch's entries in is the order of their keys' bytes.
    @Test func linksSortLikeTheirKeys() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<40).map { _ in EventID(high: generator.next() & 0xFFFF_0000_0000_00FF, low: generator.next()) }
        let links = ids.enumerated().map { $0.offset % 2 == 0 ? EventLink.correlation($0.element) : .causation($0.element) }
        let byKeys = links.sorted { a, b in a.withKey { x in b.withKey { y in x.lexicographicallyPrecedes(y) } } }
        #expect(links.sorted { $0.precedes($1) } == byKeys)
    }

    /// A store written before the index existed (format 1, no `links` database) gains
    /// it, complete, the first time it is opened, and says format 2 afterwards.
    @Test func aFormat1StoreIsIndexedWhenOpened() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try await makeFormat1Store(scratch)
        let store = try open(scratch)
        defer { store.close() }
        #expect(try store.env.read { txn in try LMDBEventStore.metaValue(txn, store.databases, "format") } == 2)
        #expect(try positions(store, .correlation(Self.request)) == [3, 6, 9, 12, 15, 18])
        #expect(try positions(store, .causation(Self.signup)) == [4, 10, 16, 20])
        #expect(try store.verify(progress: nil).isIntact)
        // And the upgraded store goes on indexing new events.
        var next = Fixture.contactCreated(21)
        next.correlationId = Self.request
        _ = try await store.append([next])
        #expect(try positions(store, .correlation(Self.request)) == [3, 6, 9, 12, 15, 18, 21])
    }

    /// Upgrading reads every record; a damaged one (too short to hold its ids) is
    /// left for `verify` to name instead of ending the process.
    @Test func aDamagedRecordDoesNotStopTheUpgrade() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try await makeFormat1Store(scratch) { txn, databases in
            // Position 6 (which carries a correlation id) cut to 10 bytes.
            let short = [UInt8](repeating: 6, count: 10)
            try short.withUnsafeBytes { value in try withUInt64Bytes(6) { key in try txn.put(databases.events, key, value) } }
        }
        let store = try open(scratch)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(report.firstBadPosition == LogPosition(6))
        #expect(report.problem?.hasPrefix("the record is damaged: ") == true, "\(report.problem ?? "")")
    }

    /// `verify` finds a link entry dropped, one filed under an id its event does not
    /// carry, and a key that names no link.
    @Test(arguments: [0, 1, 2])
    func verifyFindsAWrongLinkEntry(damage: Int) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let store = try open(scratch)
        defer { store.close() }
        try await append(to: store)
        try store.env.write { txn in
            let dbi = store.databases.links
            func edit(_ link: EventLink, _ position: UInt64, delete: Bool) {
                link.withKey { key in
                    var position = position
                    withUnsafeMutableBytes(of: &position) { value in
                        var mk = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
                        var mv = MDB_val(mv_size: value.count, mv_data: value.baseAddress)
                        #expect((delete ? mdb_del(txn.handle, dbi, &mk, &mv) : mdb_put(txn.handle, dbi, &mk, &mv, 0)) == 0)
                    }
                }
            }
            switch damage {
            case 0: edit(.causation(Self.signup), 10, delete: true)
            case 1: edit(.correlation(Self.request), 4, delete: false)
            default:
                var key: [UInt8] = [9] + Array(repeating: 0, count: 16)
                var position: UInt64 = 1
                key.withUnsafeMutableBytes { k in
                    withUnsafeMutableBytes(of: &position) { v in
                        var mk = MDB_val(mv_size: k.count, mv_data: k.baseAddress)
                        var mv = MDB_val(mv_size: v.count, mv_data: v.baseAddress)
                        #expect(mdb_put(txn.handle, dbi, &mk, &mv, 0) == 0)
                    }
                }
            }
        }
        let report = try store.verify(progress: nil)
        #expect(report.firstBadPosition == nil)
        let expected = [
            "the link index lists 10 positions for 11 correlation and causation ids the log's events carry",
            "the link index lists position 4 under correlation \(Self.request), but that event does not carry it",
            "the link index holds a key of 17 bytes that names no correlation or causation id",
        ][damage]
        #expect(report.indexProblem == expected)
    }
}
