import CLMDB
import Foundation

/// Raw LMDB on the same data, for the benchmarks' baselines (not part of the product API).
///
/// It writes exactly the records and index keys the engine writes — the same encoded
/// bytes, the same keys in the same order, the same transaction sizes and the same
/// durability — with plain `mdb_put` calls and nothing else, so the engine's
/// throughput divided by this one is the engine's own overhead.
@_spi(Benchmarking)
public final class RawLMDBBaseline: @unchecked Sendable {
    /// One transaction's worth of encoded records and index entries.
    public struct Batch: Sendable {
        let planner: AppendPlanner
        public var count: Int { planner.recordCount }
    }

    private let env: LMDBEnvironment
    private let databases: LMDBEventStore.Databases

    public init(directory: URL, sync: Bool) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let env = try LMDBEnvironment(directory: directory, mapSize: 8 << 30, sync: sync)
        self.env = env
        let dupFlags = Int32(MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP)
        databases = try env.write { txn in
            LMDBEventStore.Databases(
                events: try env.openDatabase("events", flags: Int32(MDB_CREATE | MDB_INTEGERKEY), in: txn),
                ids: try env.openDatabase("ids", flags: Int32(MDB_CREATE), in: txn),
                streams: try env.openDatabase("streams", flags: Int32(MDB_CREATE) | dupFlags, in: txn),
                types: try env.openDatabase("types", flags: Int32(MDB_CREATE) | dupFlags, in: txn),
                meta: try env.openDatabase("meta", flags: Int32(MDB_CREATE), in: txn),
                views: try env.openDatabase("views", flags: Int32(MDB_CREATE), in: txn),
                links: try env.openDatabase("links", flags: Int32(MDB_CREATE) | dupFlags, in: txn))
        }
    }

    /// Raw reads through `store`'s own environment and databases, so the engine and the
    /// baseline can take turns on one mapping: LMDB forbids opening an environment twice
    /// in one process. Only for reading; the store must stay open while this is used.
    public init(readingThrough store: LMDBEventStore) {
        env = store.env
        databases = store.databases
    }

    /// Encodes `events` as the engine would (positions from 1) in batches of `batchSize`.
    public static func encode(_ events: [ProposedEvent], batchSize: Int, clock: @Sendable () -> Timestamp = { .now }) throws -> [Batch] {
        final class Versions: AppendLookup {
            var committed: [StreamName: UInt64] = [:]
            func committedVersions(of streams: [StreamName]) throws -> [UInt64] { streams.map { committed[$0] ?? 0 } }
            func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {}
        }
        let versions = Versions()
        var head = LogHead.empty
        var last = Timestamp(rawValue: 0)
        var batches: [Batch] = []
        var start = 0
        while start < events.count {
            let slice = Array(events[start..<min(events.count, start + batchSize)])
            var planner = AppendPlanner(head: head, lastRecordedAt: last)
            let prepared = try ProposedEvent.prepare(slice, validator: nil, maxRecordBytes: 1 << 20)
            _ = try planner.plan(prepared, lookup: versions, now: clock())
            planner.forEachStreamEntry { stream, positions in versions.committed[stream, default: 0] += UInt64(positions.count) }
            head = LogHead(position: planner.head, hash: planner.headHash)
            last = planner.lastRecordedAt
            batches.append(Batch(planner: planner))
            start += batchSize
        }
        return batches
    }

    /// Writes one batch in one transaction: the log with `MDB_APPEND`, the indexes with
    /// plain puts in key order, then commits.
    public func write(_ batch: Batch) throws {
        let planner = batch.planner
        try env.write { txn in
            let events = try txn.cursor(databases.events)
            defer { events.close() }
            try planner.forEachRecord { position, record in
                try withUInt64Bytes(position) { key in try events.put(key: key, value: record, flags: Int32(MDB_APPEND)) }
            }
            try LMDBEventStore.putLinks(txn, databases, of: planner)
            var idKey = [UInt8](repeating: 0, count: 16)
            for entry in planner.sortedIdEntries() {
                idKey.withUnsafeMutableBytes { entry.id.store(to: $0, at: 0) }
                try idKey.withUnsafeBytes { key in try withUInt64Bytes(entry.position) { value in try txn.put(databases.ids, key, value) } }
            }
            try planner.forEachStreamEntry { stream, positions in
                var name = stream.rawValue
                try name.withUTF8 { key in
                    for position in positions { try withUInt64Bytes(position) { value in try txn.put(databases.streams, UnsafeRawBufferPointer(key), value) } }
                }
            }
            try planner.forEachTypeEntry { type, positions in
                var name = type.rawValue
                try name.withUTF8 { key in
                    for position in positions { try withUInt64Bytes(position) { value in try txn.put(databases.types, UnsafeRawBufferPointer(key), value) } }
                }
            }
        }
    }

    /// Writes `batches` in the naive layout issue 2 measures against (about 47,000
    /// events/s on its reference machine): the log with `MDB_APPEND` as here, and one
    /// stream index keyed by stream name and version, written in the events' order, in
    /// transactions of `transactionSize` events. With the workload's 100,000 streams
    /// each index key lands at a random leaf, so every transaction rewrites pages all
    /// over the B-tree. Returns the events written and the seconds the transactions
    /// took (building the keys first is not counted).
    ///
    /// Measured beside the engine, it places the machine: how fast this layout goes
    /// says how expensive B-tree writes are here, so how much of an import's time its
    /// writes can be expected to take.
    public func writeNaively(_ batches: [Batch], transactionSize: Int) throws -> (events: Int, seconds: Double) {
        var versions: [StreamName: UInt64] = [:]
        let keys = batches.map { batch in
            var keys = [[UInt8]](repeating: [], count: batch.count)
            batch.planner.forEachStreamEntry { stream, positions in
                for position in positions {
                    let version = versions[stream, default: 0] + 1
                    versions[stream] = version
                    keys[Int(position - batch.planner.firstPosition.rawValue)] =
                        Array(stream.rawValue.utf8) + [0] + withUnsafeBytes(of: version.bigEndian, Array.init)
                }
            }
            return keys
        }
        let streams = try env.write { txn in try env.openDatabase("naive-streams", flags: Int32(MDB_CREATE), in: txn) }
        let started = DispatchTime.now().uptimeNanoseconds
        var events = 0
        for (batch, batchKeys) in zip(batches, keys) {
            for start in stride(from: 0, to: batch.count, by: transactionSize) {
                let range = start..<min(batch.count, start + transactionSize)
                try env.write { txn in
                    try batch.planner.forEachRecord(in: range) { i, position, record in
                        try withUInt64Bytes(position) { position in
                            try txn.put(databases.events, position, record, flags: Int32(MDB_APPEND))
                            try batchKeys[i].withUnsafeBytes { key in try txn.put(streams, key, position) }
                        }
                    }
                }
                events += range.count
            }
        }
        return (events, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// Scans every record with a cursor and copies out its bytes (into one buffer, reused
    /// from record to record), as a reader that keeps them past the transaction does;
    /// returns the count.
    public func scanAll() throws -> Int {
        try env.read { txn in
            let cursor = try txn.cursor(databases.events)
            defer { cursor.close() }
            var count = 0
            var checksum: UInt8 = 0
            var copied: [UInt8] = []
            copied.reserveCapacity(1 << 20)
            var entry = try cursor.get(MDB_FIRST)
            while let current = entry {
                copied.removeAll(keepingCapacity: true)
                copied.append(contentsOf: current.value)
                checksum &+= copied[copied.count - 1]
                count += 1
                entry = try cursor.get(MDB_NEXT)
            }
            return count + Int(checksum) * 0
        }
    }

    /// Reads a stream's positions and copies out the bytes of each of its records (the
    /// least a reader keeping them past the transaction does); returns the count.
    public func readStream(_ stream: StreamName) throws -> Int {
        try env.read { txn in
            let cursor = try txn.cursor(databases.streams)
            defer { cursor.close() }
            var name = stream.rawValue
            guard try name.withUTF8({ key in try cursor.get(MDB_SET, key: UnsafeRawBufferPointer(key)) }) != nil else { return 0 }
            var copied: [UInt8] = []
            copied.reserveCapacity(64 << 10)
            func copy(_ position: UInt64) throws -> Int {
                guard let record = try withUInt64Bytes(position, { key in try txn.get(databases.events, key) }) else { return 0 }
                copied.append(contentsOf: record)
                return 1
            }
            var count = 0
            if try cursor.duplicateCount() == 1, let only = try cursor.get(MDB_GET_CURRENT) {
                count = try copy(try readUInt64(only.value))
            } else {
                var page = try cursor.get(MDB_GET_MULTIPLE)
                while let current = page {
                    for i in 0..<(current.value.count / 8) {
                        count += try copy(current.value.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    }
                    page = try cursor.get(MDB_NEXT_MULTIPLE)
                }
            }
            precondition(copied.count > 0 || count == 0)
            return count
        }
    }
}

extension LMDBEventStore {
    /// Transactions committed and events written by this store's writer since it opened.
    @_spi(Benchmarking)
    public var writerStatistics: (commits: Int, events: Int) { writer.statistics }

    /// Appends whose plan the stager made while the group ahead of them committed (see
    /// the writer's documentation), since the store opened.
    @_spi(Benchmarking)
    public var stagedAppends: Int { writer.stagedCount }

    /// What the scheduler counted for the writer thread so far; `nil` where `/proc`
    /// does not say.
    @_spi(Benchmarking)
    public var writerScheduling: ThreadScheduling? { writer.threadID.flatMap(ThreadScheduling.thread) }
}
