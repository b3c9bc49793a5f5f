import CLMDB
import Foundation
import Synchronization

/// The event log on LMDB: the product's store.
///
/// ## Layout
/// One LMDB environment (a folder holding `data.mdb` and `lock.mdb`) with these
/// named databases:
///
/// | database | key | value |
/// |---|---|---|
/// | `events` | `seq` (native u64, `MDB_INTEGERKEY`) | the record (see the log format article) |
/// | `ids` | event id, 16 bytes | `seq` (native u64) |
/// | `streams` | stream name, UTF-8 | every `seq` of the stream, as sorted duplicates (`MDB_DUPFIXED`, `MDB_INTEGERDUP`) |
/// | `types` | event type, UTF-8 | every `seq` of the type, as sorted duplicates |
/// | `meta` | `format`, `streams`, `recordBytes` | u64 |
/// | `views` | table name, a zero byte, key | the consumers' rows (see ``ViewStorage``) |
///
/// A stream's version is the number of its duplicates, so appending an event writes
/// one small duplicate instead of a (stream, version) key at a random place. Within a
/// transaction, index entries are written in key order, so a batch touches each index
/// page once rather than once per event.
///
/// ## Writing
/// One writer thread owns every write transaction. Concurrent ``append(_:)`` calls
/// queue up; the writer takes everything queued (up to ``Options/maxGroupEvents``),
/// plans each batch in turn, writes them in one transaction and acknowledges each
/// batch only after `mdb_txn_commit` returned — after `fsync`, unless
/// ``Options/sync`` is off. This is group commit: under load, one disk flush
/// acknowledges many appenders. While a group commits, a second thread plans the
/// appends queued behind it, so the writer only writes them next (see
/// ``Writer``). When the map fills up the writer grows it and retries.
///
/// ## Reading
/// Reads use pooled read-only transactions and never wait for the writer. Long reads
/// use every core: a forward read of 1,024 events or more is split by position (the
/// log has no gaps), and a stream or type read of 512 events or more by its index's
/// list; each part is looked up and decoded on its own thread, in a read transaction
/// of its own on the same snapshot (same `mdb_txn_id`; if a commit slipped in between,
/// the read runs on one thread instead). Records are asked into the cache as soon as
/// they are found, so their cache misses overlap. A damaged record fails the whole
/// read with its position, whichever part found it.
public final class LMDBEventStore: EventStore, @unchecked Sendable {
    public struct Options: Sendable {
        /// Create the store when the folder holds none (`init` does; other commands do not).
        public var create = true
        /// The map size to start with; it doubles whenever it fills up.
        public var initialMapSize = 256 << 20
        /// `fsync` on every commit. Off only for tests and throwaway stores.
        public var sync = true
        /// The largest record accepted, in bytes (payload, metadata and envelope).
        public var maxRecordBytes = 1 << 20
        /// The most events one write transaction takes from the queue.
        public var maxGroupEvents = 50_000
        /// The most record bytes one write transaction takes from the queue.
        public var maxGroupBytes = 64 << 20
        /// Checks every payload before it is appended.
        public var validator: (any EventValidator)?
        /// The clock that stamps `recordedAt`.
        public var clock: @Sendable () -> Timestamp = { Timestamp.now }
        /// Tests only: called on the writer thread once a group is planned, before it is
        /// written. Blocking holds the group in flight; throwing fails the group.
        var groupWillWrite: (@Sendable () throws -> Void)?

        public init() {}
    }

    /// The newest log format this build reads and writes. Format 2 added the index by
    /// correlation and causation id; a format 1 store is upgraded when it is opened.
    public static let formatVersion: UInt64 = 2

    public let directory: URL
    let env: LMDBEnvironment
    let databases: Databases
    let options: Options
    let notifier = HeadNotifier()
    /// Wakes polling subscriptions when another process commits (see ``CommitWatcher``).
    let commitWatcher: SharedCommitWatcher
    let writer: Writer

    struct Databases: Sendable {
        let events: MDB_dbi
        let ids: MDB_dbi
        let streams: MDB_dbi
        let types: MDB_dbi
        let meta: MDB_dbi
        let views: MDB_dbi
        /// Positions by ``EventLink`` (format 2).
        let links: MDB_dbi
    }

    /// Opens the store in `directory`, creating it when ``Options/create`` allows.
    public init(directory: URL, options: Options = Options()) throws(EventLogError) {
        self.directory = directory
        self.options = options
        let dataFile = directory.appendingPathComponent("data.mdb")
        commitWatcher = SharedCommitWatcher(file: dataFile.path) { [notifier] in notifier.publish() }
        // LMDB takes an empty data file for a new environment and writes one over it;
        // only a command that may create a store should let it.
        if !options.create, let size = (try? FileManager.default.attributesOfItem(atPath: dataFile.path))?[.size] as? NSNumber, size.intValue == 0 {
            throw EventLogError(
                .storeNotFound,
                "\(dataFile.path) is empty, so there is no event store in \(directory.path) (a copy that did not finish?); restore it from a backup, or run `ledgerline init` to start a new one")
        }
        if let unreachable = Self.unreachable(dataFile) { throw unreachable }
        let creating = !FileManager.default.fileExists(atPath: dataFile.path)
        /// Folders this call makes, outermost first: their entries in their parents are
        /// made durable with the store's first commit.
        var madeFolders: [URL] = []
        if creating {
            guard options.create else { throw Self.noStore(in: directory) }
            madeFolders = try Self.makeFolders(directory, otherwise: "pass another --data")
        }
        do {
            env = try LMDBEnvironment(directory: directory, mapSize: options.initialMapSize, sync: options.sync)
        } catch {
            throw Self.openFailure(error, directory: directory)
        }
        databases = try Self.openDatabases(env, directory: directory)
        if creating && options.sync {
            // The first commit is on disk, but the new file's name (and any folder made
            // for it) is an entry in its parent folder, which only an fsync of that
            // folder makes durable: without it, a power cut just after `init` can leave
            // no store at all.
            Self.syncEntries(in: directory, made: madeFolders)
        }
        writer = Writer()
        let initial = try Self.loadWriterState(env, databases)
        writer.start(store: self, state: initial)
    }

    deinit {
        writer.stop()
    }

    /// Makes `directory` and the folders above it that are missing; returns those it
    /// made, outermost first. A failure says why in words Foundation's error does not
    /// give ("error 512"): the nearest existing path above is a file, or a folder this
    /// process may not write to; `advice` says what to do instead.
    static func makeFolders(_ directory: URL, otherwise advice: String) throws(EventLogError) -> [URL] {
        var made: [URL] = []
        var existing = directory.standardizedFileURL
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            made.insert(existing, at: 0)
            existing.deleteLastPathComponent()
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            var isFolder: ObjCBool = false
            var reason = folderFailureReason(error, in: existing, otherwise: advice)
            if FileManager.default.fileExists(atPath: existing.path, isDirectory: &isFolder), !isFolder.boolValue {
                reason = "\(existing.path) is a file, not a folder; \(advice)"
            } else if !made.isEmpty, !FileManager.default.isWritableFile(atPath: existing.path) {
                reason = "this user may not create folders in \(existing.path); \(advice) or change its permissions"
            }
            throw EventLogError(.storage, "cannot create \(directory.path): \(reason)")
        }
        return made
    }

    /// Flushes to disk the entries of a file just created in `directory`, and of the
    /// folders ``makeFolders(_:otherwise:)`` `made` for it, each in its parent (best
    /// effort: a file system that cannot sync folders keeps them as durable as it makes
    /// them).
    static func syncEntries(in directory: URL, made: [URL]) {
        let folders = [directory.standardizedFileURL] + made.map { $0.deletingLastPathComponent() }
        for path in Set(folders.map(\.path)) {
            let fd = open(path, O_RDONLY | O_DIRECTORY)
            guard fd >= 0 else { continue }
            _ = fsync(fd)
            _ = Glibc.close(fd)
        }
    }

    /// Stops the writer after the queued appends, then closes the environment once the
    /// reads in progress end. Appends and reads after this fail with
    /// ``EventLogError/Code/closed``; the folder may be opened again at once.
    public func close() {
        writer.stop()
        env.close()
    }

    private static func openDatabases(_ env: LMDBEnvironment, directory: URL) throws(EventLogError) -> Databases {
        let dupFlags = Int32(MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP)
        let formatKey = Array("format".utf8)
        // A store that exists opens in a read transaction, so opening never waits for
        // another process's write.
        let open = { (txn: LMDBTransaction, create: Int32) throws -> Databases in
            let meta = try env.openDatabase("meta", flags: create, in: txn)
            let stored = try formatKey.withUnsafeBytes { key in try txn.get(meta, key).map(readUInt64) }
            if let stored, stored > formatVersion {
                throw EventLogError(
                    .unsupportedFormat,
                    "the store in \(directory.path) uses log format \(stored), newer than this build reads (format \(formatVersion)); upgrade ledgerline")
            }
            // A new store, or an older format to upgrade: both need a write transaction.
            if stored ?? 0 < formatVersion, create == 0 { throw LMDBFailure(code: MDB_NOTFOUND, operation: "reading the format") }
            let databases = Databases(
                events: try env.openDatabase("events", flags: create | Int32(MDB_INTEGERKEY), in: txn),
                ids: try env.openDatabase("ids", flags: create, in: txn),
                streams: try env.openDatabase("streams", flags: create | dupFlags, in: txn),
                types: try env.openDatabase("types", flags: create | dupFlags, in: txn),
                meta: meta,
                views: try env.openDatabase("views", flags: create, in: txn),
                links: try env.openDatabase("links", flags: create | dupFlags, in: txn))
            if stored ?? 0 < formatVersion {
                if stored == 1 { try indexLinks(txn, databases) }
                try formatKey.withUnsafeBytes { key in try withUInt64Bytes(formatVersion) { value in try txn.put(meta, key, value) } }
            }
            return databases
        }
        return try guarded {
            do {
                return try env.readCommitting { txn in try open(txn, 0) }
            } catch let failure as LMDBFailure where failure.code == MDB_NOTFOUND {
                return try env.write { txn in try open(txn, Int32(MDB_CREATE)) }
            } catch let failure as LMDBFailure {
                throw failure.advisingRestore("in the pages LMDB reads to open the store")
            }
        }
    }

    /// Upgrades a format 1 store to format 2: indexes every event of the log by the
    /// links it carries, in the upgrade's write transaction (about a second per million
    /// events, once).
    private static func indexLinks(_ txn: LMDBTransaction, _ databases: Databases) throws {
        let cursor = try txn.cursor(databases.events)
        defer { cursor.close() }
        var entry = try cursor.get(MDB_FIRST)
        while let current = entry {
            // A damaged record is left for `verify` to name; its fields cannot be trusted.
            if current.key.count == 8, EventRecord.structuralProblem(current.value) == nil {
                let position = readUInt64(current.key)
                try EventLink.forEach(in: current.value) { link in
                    try link.withKey { key in try withUInt64Bytes(position) { value in try txn.put(databases.links, key, value) } }
                }
            }
            entry = try cursor.get(MDB_NEXT)
        }
    }

    /// Lists each record `planner` seals under the links it carries, in key order.
    static func putLinks(_ txn: LMDBTransaction, _ databases: Databases, of planner: AppendPlanner) throws {
        for entry in planner.sortedLinkEntries() {
            try entry.link.withKey { key in try withUInt64Bytes(entry.position) { value in try txn.put(databases.links, key, value) } }
        }
    }

    // MARK: - Appending

    public func append(_ events: [ProposedEvent]) async throws(EventLogError) -> AppendResult {
        guard !events.isEmpty else { return AppendResult(events: [], head: try head().position) }
        let batch = try ProposedEvent.prepare(events, validator: options.validator, maxRecordBytes: options.maxRecordBytes)
        return try await writer.submit(BatchHandover(batch)).get()
    }

    // MARK: - Reading

    public func read(from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try guarded { try env.read { txn in try readEvents(txn, from: position, direction: direction, limit: limit) } }
    }

    /// The events from `position` on, read in `txn`, which must be a read transaction:
    /// a long read hands it to another thread (see ``readForwardInParts(_:from:limit:)``),
    /// which LMDB allows for read transactions only.
    func readEvents(_ txn: LMDBTransaction, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        // A long forward read walks the file in order: let the kernel read ahead.
        guard direction == .forward, try isScan(txn, from: max(position?.rawValue ?? 1, 1), limit: limit) else {
            return try readEventsUnadvised(txn, from: position, direction: direction, limit: limit)
        }
        return try env.scanning { try readEventsUnadvised(txn, from: position, direction: direction, limit: limit) }
    }

    /// Forward reads of at least this many events are scans (see ``LMDBEnvironment/scanning(_:)``):
    /// the pages a subscription catches up by (512 events) and longer.
    static let scanThreshold = 256

    /// Whether a forward read from `first` of at most `limit` events reads at least
    /// ``scanThreshold`` of them. A subscription that has caught up asks for a whole
    /// page and finds an event or two: that is no scan, and costs no `madvise`. One
    /// look at the head, only for a read that asks for that many.
    func isScan(_ txn: LMDBTransaction, from first: UInt64, limit: Int) throws -> Bool {
        guard limit >= Self.scanThreshold else { return false }
        let head = try Self.readHead(txn, databases).position.rawValue
        return head >= first && head - first + 1 >= UInt64(Self.scanThreshold)
    }

    private func readEventsUnadvised(_ txn: LMDBTransaction, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        if direction == .forward, let events = try readForwardInParts(txn, from: max(position?.rawValue ?? 1, 1), limit: limit) {
            return events
        }
        return try withCursor(txn, databases.events) { cursor in
            var entry: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
            switch direction {
            case .forward:
                entry = try withUInt64Bytes(max(position?.rawValue ?? 1, 1)) { key in try cursor.get(MDB_SET_RANGE, key: key) }
            case .backward:
                if let position {
                    entry = try withUInt64Bytes(position.rawValue) { key in try cursor.get(MDB_SET_RANGE, key: key) }
                    if let found = entry, readUInt64(found.key) > position.rawValue {
                        entry = try cursor.get(MDB_PREV)
                    } else if entry == nil {
                        entry = try cursor.get(MDB_LAST)
                    }
                } else {
                    entry = try cursor.get(MDB_LAST)
                }
            }
            let step = direction == .forward ? MDB_NEXT : MDB_PREV
            // Walking the cursor is cheap; decoding is most of a read. Collect the
            // records (valid while the transaction lives), then decode them.
            var records: [(position: UInt64, bytes: UnsafeRawBufferPointer)] = []
            records.reserveCapacity(min(limit, 4096))
            // Positions have no gaps, so each key but a backward read's first is known
            // before it is read; one that is not is damage, and a number read from it
            // would name a position that never existed.
            var expected = direction == .forward ? max(position?.rawValue ?? 1, 1) : nil
            var damagedKey: EventLogError?
            while let current = entry, records.count < limit {
                if let problem = Self.damagedKey(current.key, expected: expected, after: records.last?.position, direction: direction) {
                    damagedKey = problem
                    break
                }
                let key = readUInt64(current.key)
                records.append((key, current.value))
                expected = direction == .forward ? key + 1 : key - 1
                entry = try cursor.get(step)
            }
            // The records before the damaged key are damaged first, if any is.
            let events = try decodeRecords(records)
            if let damagedKey { throw damagedKey }
            return events
        }
    }

    /// Why a key of the log, where the read expected position `expected` (`nil` when
    /// any will do) after `previous`, cannot be a position, or `nil` when it can.
    ///
    /// A key that is damaged reads as a number like any other. Named as the position
    /// of a damaged record it sends the reader looking for, say, position
    /// 3,770,585,493,217,504,385; what can be said is where the log stops reading well.
    static func damagedKey(_ key: UnsafeRawBufferPointer, expected: UInt64?, after previous: UInt64?, direction: ReadDirection = .forward) -> EventLogError? {
        let found: String
        if key.count != 8 {
            found = "it is \(key.count) bytes, not 8"
        } else if readUInt64(key) == 0 {
            found = "it reads 0, which is no position"
        } else if let expected, readUInt64(key) != expected {
            found = "it reads \(readUInt64(key)), not \(expected)"
        } else {
            return nil
        }
        let advice = "run `ledgerline verify` to see how far the log holds, then restore data.mdb from a backup or an export"
        let place: String
        if let previous {
            place =
                direction == .forward
                ? "the log reads well up to position \(previous), but the next record's key is damaged"
                : "the log reads well back to position \(previous), but the key of the record before it is damaged"
        } else if let expected {
            place = "the key of the record where position \(expected) belongs is damaged"
        } else {
            place = "the key of the log's last record is damaged"
        }
        return EventLogError(.corrupted, "\(place) (\(found)); \(advice)", position: expected.map { LogPosition($0) })
    }

    /// Reads of at least this many events decode them on every core.
    static let parallelDecodeThreshold = 1_024
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// A long forward read split by position into one part per core, each walked and
    /// decoded on its own thread in a transaction of its own on `txn`'s snapshot.
    ///
    /// Positions run without gaps from 1 to the head, so where each part starts is known
    /// before anything is read, and the walk (a cache miss per record) is shared out as
    /// well as the decoding. `nil` — read it on one cursor instead — for a short read,
    /// when a commit landed before the other transactions began, or when a part finds a
    /// gap, which only a damaged log has.
    private func readForwardInParts(_ txn: LMDBTransaction, from first: UInt64, limit: Int) throws -> [RecordedEvent]? {
        guard Self.cores > 1, limit >= Self.parallelDecodeThreshold else { return nil }
        let head = try Self.readHead(txn, databases).position.rawValue
        guard head >= first else { return nil }
        let n = Int(min(UInt64(limit), head - first + 1))
        guard n >= Self.parallelDecodeThreshold else { return nil }
        let events = databases.events
        return try readInParts(txn, count: n, threshold: Self.parallelDecodeThreshold) { txn, range, emit in
            try self.withCursor(txn, events) { cursor in
                var expected = first + UInt64(range.lowerBound)
                var entry = try withUInt64Bytes(expected) { key in try cursor.get(MDB_SET_RANGE, key: key) }
                for _ in range {
                    guard let current = entry, readUInt64(current.key) == expected else { return false }
                    // Step first and ask for the next record, so that loading it
                    // overlaps with decoding this one.
                    entry = try cursor.get(MDB_NEXT)
                    if let next = entry { ledgerline_prefetch(next.value.baseAddress, next.value.count) }
                    guard emit(expected, current.value) else { return true }
                    expected += 1
                }
                return true
            }
        }
    }

    /// Reads of at least this many scattered positions (a stream, a type) look them up
    /// on every core.
    ///
    /// Waking a second thread costs tens of microseconds here, and more at the tail: a
    /// lookup costs about one. Measured on 2 cores (`readType`, 1,000 reads each), the
    /// split lost below 256 positions (p50 136 µs on one thread against 181 split, at
    /// 128; p99 251 against 1,074), was even at 512 (p50 12-18% better split, p99 mixed)
    /// and won from 768 (p50 484-494 µs against 650-711). At the old 64, a 100-event
    /// stream read (`ledgerline-bench stream-read`) had a p99 of 234-361 µs in four runs;
    /// on one thread, 190-221.
    static let parallelLookupThreshold = 512

    /// The events at `positions`, an index's list, in that order; `missing` says what a
    /// position the log lacks means. `txn` must be a read transaction, as for
    /// ``readEvents(_:from:direction:limit:)``.
    ///
    /// Each lookup descends the `events` tree to a leaf page nothing else read, so a
    /// stream's read is a chain of cache misses. A long list is looked up in one
    /// contiguous part per core, each in a transaction of its own on `txn`'s snapshot.
    /// Either way each record is found first and asked into the cache at once, then
    /// decoded, so its misses overlap with the next lookups.
    private func readRecords(_ txn: LMDBTransaction, at positions: [UInt64], missing: @escaping @Sendable (UInt64) -> EventLogError) throws -> [RecordedEvent] {
        let events = databases.events
        @Sendable func lookUp(_ txn: LMDBTransaction, _ range: Range<Int>) throws -> [(position: UInt64, bytes: UnsafeRawBufferPointer)] {
            try positions[range].map { position in
                guard let bytes = try withUInt64Bytes(position, { key in try txn.get(events, key) }) else { throw missing(position) }
                ledgerline_prefetch(bytes.baseAddress, bytes.count)
                return (position, bytes)
            }
        }
        if Self.cores > 1, positions.count >= Self.parallelLookupThreshold,
            let found = try readInParts(txn, count: positions.count, threshold: Self.parallelLookupThreshold, { txn, range, emit in
                for record in try lookUp(txn, range) where !emit(record.position, record.bytes) { break }
                return true
            })
        {
            return found
        }
        return try decodeRecords(lookUp(txn, positions.indices))
    }

    /// `count` events read in one contiguous part per core (each at least half of
    /// `threshold` long), every part on its own thread: the first in `txn`, whose thread
    /// waits for all of them meanwhile, the others each in a read transaction of its own
    /// on `txn`'s snapshot. `read(txn, range, emit)` is ``decodeInParts(count:parts:_:)``'s
    /// producer, given the transaction its part reads in. `nil` when a commit landed
    /// before a part's transaction began, or a part could not read its whole range.
    private func readInParts(
        _ txn: LMDBTransaction, count: Int, threshold: Int,
        _ read: @escaping @Sendable (LMDBTransaction, Range<Int>, (UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Bool
    ) throws -> [RecordedEvent]? {
        nonisolated(unsafe) let txn = txn  // a read transaction, used by one thread at a time
        return try decodeInParts(count: count, parts: Self.parts(count, threshold: threshold)) { part, range, emit in
            if part == 0 { return try read(txn, range, emit) }
            return try self.env.readSameSnapshot(as: txn) { sibling in try read(sibling, range, emit) } ?? false
        }
    }

    /// One part per core, each at least half of `threshold` long.
    private static func parts(_ count: Int, threshold: Int) -> Int {
        max(1, min(cores, count / (threshold / 2)))
    }

    /// Decodes `records` in order: on this thread for a short read, else a contiguous
    /// part per core. A damaged record fails the whole read, with the first damaged
    /// position, either way.
    private func decodeRecords(_ records: [(position: UInt64, bytes: UnsafeRawBufferPointer)]) throws -> [RecordedEvent] {
        guard Self.cores > 1, records.count >= Self.parallelDecodeThreshold else {
            var strings = RecordStrings()
            return try records.map { try decodeRecord($0.bytes, at: $0.position, strings: &strings) }
        }
        nonisolated(unsafe) let records = records
        let events = try decodeInParts(count: records.count, parts: Self.parts(records.count, threshold: Self.parallelDecodeThreshold)) { _, range, emit in
            for i in range where !emit(records[i].position, records[i].bytes) { break }
            return true
        }
        return events!
    }

    /// Builds `count` events on `parts` threads at once, part `k` holding the events at
    /// `k * count / parts ..< (k + 1) * count / parts`.
    ///
    /// `produce(k, range, emit)` calls `emit(position, record)` for each record of its
    /// range in order, stopping when `emit` returns `false` (a damaged record), and
    /// returns whether it could produce its whole range. Returns `nil` when a part could
    /// not; throws the first damaged record, or the first error a part threw.
    private func decodeInParts(
        count n: Int, parts: Int,
        _ produce: @Sendable (Int, Range<Int>, (UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Bool
    ) throws -> [RecordedEvent]? {
        var failure: Error?
        var incomplete = false
        let events = [RecordedEvent](unsafeUninitializedCapacity: n) { buffer, count in
            // `done[k]` events from part k's start are initialized; `problems[k]` holds its
            // first damaged record; `outcomes[k]` whether it produced its range or threw.
            var done = [Int](repeating: 0, count: parts)
            var problems = [(position: UInt64, problem: String)?](repeating: nil, count: parts)
            var outcomes = [Result<Bool, Error>](repeating: .success(false), count: parts)
            @Sendable func bounds(_ part: Int) -> Range<Int> { (part * n / parts)..<((part + 1) * n / parts) }
            done.withUnsafeMutableBufferPointer { done in
                problems.withUnsafeMutableBufferPointer { problems in
                    outcomes.withUnsafeMutableBufferPointer { outcomes in
                        nonisolated(unsafe) let buffer = buffer
                        nonisolated(unsafe) let done = done
                        nonisolated(unsafe) let problems = problems
                        nonisolated(unsafe) let outcomes = outcomes
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            var strings = RecordStrings()
                            let range = bounds(part)
                            outcomes[part] = Result {
                                try produce(part, range) { position, bytes in
                                    if let problem = EventRecord.structuralProblem(bytes) {
                                        problems[part] = (position, problem)
                                        return false
                                    }
                                    (buffer.baseAddress! + range.lowerBound + done[part]).initialize(to: EventRecord.decode(bytes, strings: &strings))
                                    done[part] += 1
                                    return true
                                }
                            }
                        }
                    }
                }
            }
            let damaged = problems.lazy.compactMap { $0 }.first
            for outcome in outcomes {
                switch outcome {
                case .failure(let error): failure = failure ?? error
                case .success(let complete): incomplete = incomplete || !complete
                }
            }
            if let damaged, failure == nil { failure = EventLogError.damagedRecord(at: damaged.position, damaged.problem) }
            if failure != nil || incomplete {
                for part in 0..<parts { (buffer.baseAddress! + bounds(part).lowerBound).deinitialize(count: done[part]) }
                count = 0
            } else {
                count = n
            }
        }
        if let failure { throw failure }
        return incomplete ? nil : events
    }

    public func readStream(_ stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try guarded {
            try env.read { txn in
                let positions = try withCursor(txn, databases.streams) { cursor in
                    try streamPositions(cursor, stream: stream, from: version, direction: direction, limit: limit)
                }
                return try readRecords(txn, at: positions) { position in
                    Self.streamListsMissing(stream, position)
                }
            }
        }
    }

    /// The positions of a stream's events from `version` in `direction`, at most `limit`.
    ///
    /// Cost: forward reads walk whole pages of positions (about 500 per page) to the
    /// first wanted one; backward reads from the end step one position at a time.
    private func streamPositions(_ cursor: LMDBCursor, stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var name = stream.rawValue
        let found = try name.withUTF8 { key in try cursor.get(MDB_SET, key: UnsafeRawBufferPointer(key)) }
        guard found != nil else { return [] }
        let count = UInt64(try cursor.duplicateCount())
        var out: [UInt64] = []
        if count == 1 {
            // A single value is stored inline, not as a duplicate set: GET_MULTIPLE has nothing to give.
            // Version 1 is the only one: forward it is read from versions up to 1,
            // backward from versions 1 and up.
            let wanted = direction == .forward ? (version?.rawValue ?? 1) <= 1 : (version?.rawValue ?? 1) >= 1
            guard wanted, let current = try cursor.get(MDB_GET_CURRENT) else { return [] }
            return [readUInt64(current.value)]
        }
        switch direction {
        case .forward:
            let first = max(version?.rawValue ?? 1, 1)
            guard first <= count else { return [] }
            out.reserveCapacity(min(limit, Int(count - first + 1)))
            var seen: UInt64 = 0
            var page = try cursor.get(MDB_GET_MULTIPLE)
            while let current = page, out.count < limit {
                let n = UInt64(current.value.count / 8)
                if seen + n >= first {
                    let startIndex = first > seen ? Int(first - seen - 1) : 0
                    for i in startIndex..<Int(n) where out.count < limit {
                        out.append(current.value.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    }
                }
                seen += n
                page = try cursor.get(MDB_NEXT_MULTIPLE)
            }
        case .backward:
            let last = min(version?.rawValue ?? count, count)
            guard last >= 1 else { return [] }
            out.reserveCapacity(min(limit, Int(last)))
            if last == count {
                var entry = try cursor.get(MDB_LAST_DUP)
                while let current = entry, out.count < limit {
                    out.append(readUInt64(current.value))
                    entry = try cursor.get(MDB_PREV_DUP)
                }
            } else {
                var all: [UInt64] = []
                all.reserveCapacity(Int(last))
                var page = try cursor.get(MDB_GET_MULTIPLE)
                while let current = page, UInt64(all.count) < last {
                    for i in 0..<(current.value.count / 8) { all.append(current.value.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
                    page = try cursor.get(MDB_NEXT_MULTIPLE)
                }
                for i in stride(from: Int(last) - 1, through: 0, by: -1) where out.count < limit { out.append(all[i]) }
            }
        }
        return out
    }

    public func readType(_ type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try guarded {
            try env.read { txn in
                let positions = try withCursor(txn, databases.types) { cursor in
                    try typePositions(cursor, type: type, from: position, direction: direction, limit: limit)
                }
                return try readRecords(txn, at: positions) { position in
                    EventLogError(.corrupted, "the type index lists position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position))
                }
            }
        }
    }

    public func readLinked(_ link: EventLink, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try guarded {
            try env.read { txn in
                let positions = try withCursor(txn, databases.links) { cursor in
                    try link.withKey { key in try listedPositions(cursor, key: key, from: position, direction: direction, limit: limit) }
                }
                return try readRecords(txn, at: positions) { position in
                    EventLogError(.corrupted, "the link index lists position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position))
                }
            }
        }
    }

    /// The positions of a type's events from `position` in `direction`, at most `limit`.
    private func typePositions(_ cursor: LMDBCursor, type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var name = type.rawValue
        return try name.withUTF8 { utf8 in try listedPositions(cursor, key: UnsafeRawBufferPointer(utf8), from: position, direction: direction, limit: limit) }
    }

    /// The positions listed under `key` in a dup-sorted index from `position` in
    /// `direction`, at most `limit`: one seek into the sorted positions, then one step
    /// per event.
    private func listedPositions(_ cursor: LMDBCursor, key: UnsafeRawBufferPointer, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var out: [UInt64] = []
        switch direction {
        case .forward:
            var entry = try withUInt64Bytes(max(position?.rawValue ?? 1, 1)) { value in try cursor.get(MDB_GET_BOTH_RANGE, key: key, value: value) }
            while let current = entry, out.count < limit {
                out.append(readUInt64(current.value))
                entry = try cursor.get(MDB_NEXT_DUP)
            }
        case .backward:
            // The first position after `position`, then one step back (nothing when
            // that was the key's first); with none after it, or no `position`, the
            // key's last.
            let after = position.flatMap { $0.rawValue < .max ? $0.rawValue + 1 : nil }
            var entry = try after.flatMap { first in
                try withUInt64Bytes(first) { value in try cursor.get(MDB_GET_BOTH_RANGE, key: key, value: value) }
            }
            if entry != nil {
                entry = try cursor.get(MDB_PREV_DUP)
            } else if try cursor.get(MDB_SET, key: key) != nil {
                entry = try cursor.get(MDB_LAST_DUP)
            }
            while let current = entry, out.count < limit {
                out.append(readUInt64(current.value))
                entry = try cursor.get(MDB_PREV_DUP)
            }
        }
        return out
    }

    public func firstPosition(recordedAtOrAfter time: Timestamp) throws(EventLogError) -> LogPosition? {
        try guarded {
            try env.read { txn in
                let head = try Self.readHead(txn, databases).position.rawValue
                // The first position in [low, high) recorded at or after `time`; high if none.
                var (low, high) = (UInt64(1), head + 1)
                while low < high {
                    let mid = low + (high - low) / 2
                    guard let record = try withUInt64Bytes(mid, { key in try txn.get(databases.events, key) }), record.count >= EventRecord.headerSize else {
                        throw EventLogError(.corrupted, "position \(mid) is missing from the log or damaged; run `ledgerline verify`", position: LogPosition(mid))
                    }
                    if EventRecord.i64(record, 60) < time.rawValue { low = mid + 1 } else { high = mid }
                }
                return low <= head ? LogPosition(low) : nil
            }
        }
    }

    public func event(id: EventID) throws(EventLogError) -> RecordedEvent? {
        try guarded {
            try env.read { txn in
                try lookupRecord(txn, id: id) { bytes in
                    guard let bytes else { return nil }
                    return try decodeRecord(bytes, at: EventRecord.position(bytes).rawValue)
                }
            }
        }
    }

    public func head() throws(EventLogError) -> LogHead {
        try guarded { try env.read { txn in try Self.readHead(txn, databases) } }
    }

    public func streamVersion(_ stream: StreamName) throws(EventLogError) -> StreamVersion {
        try guarded {
            try env.read { txn in
                try withCursor(txn, databases.streams) { cursor in StreamVersion(try Self.committedVersion(cursor, stream)) }
            }
        }
    }

    public func streams(prefix: String, after: StreamName?, limit: Int) throws(EventLogError) -> [StreamSummary] {
        // No stream name is longer than the maximum, so no longer prefix starts one (and
        // LMDB refuses keys over 511 bytes).
        guard limit > 0, prefix.utf8.count <= StreamName.maximumLength else { return [] }
        return try guarded {
            try env.read { txn in
                try withCursor(txn, databases.streams) { cursor in
                    var out: [StreamSummary] = []
                    var prefix = prefix
                    try prefix.withUTF8 { prefix in
                        let prefix = UnsafeRawBufferPointer(prefix)
                        // The first key at or after the prefix, or after `after` when that is later.
                        var entry: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
                        if var after = after?.rawValue, !after.utf8.lexicographicallyPrecedes(prefix) {
                            entry = try after.withUTF8 { after in
                                let after = UnsafeRawBufferPointer(after)
                                let found = try cursor.get(MDB_SET_RANGE, key: after)
                                guard let found, found.key.elementsEqual(after) else { return found }
                                return try cursor.get(MDB_NEXT_NODUP)
                            }
                        } else {
                            entry = try prefix.isEmpty ? cursor.get(MDB_FIRST) : cursor.get(MDB_SET_RANGE, key: prefix)
                        }
                        while let current = entry, out.count < limit, current.key.starts(with: prefix) {
                            out.append(try streamSummary(txn, cursor, name: current.key, first: current.value))
                            entry = try cursor.get(MDB_NEXT_NODUP)
                        }
                    }
                    return out
                }
            }
        }
    }

    /// The summary of the stream at the cursor, which stands on its first position.
    /// Leaves the cursor on the stream's last position.
    private func streamSummary(_ txn: LMDBTransaction, _ cursor: LMDBCursor, name: UnsafeRawBufferPointer, first: UnsafeRawBufferPointer) throws -> StreamSummary {
        let stream = StreamName(unchecked: String(decoding: name, as: UTF8.self))
        let count = try cursor.duplicateCount()
        let firstPosition = readUInt64(first)
        // A lone position is stored inline: the cursor is already on the last one.
        let lastPosition = count == 1 ? firstPosition : try cursor.get(MDB_LAST_DUP).map { readUInt64($0.value) } ?? firstPosition
        func record(_ position: UInt64) throws -> StoredEvent {
            guard let bytes = try withUInt64Bytes(position, { key in try txn.get(databases.events, key) }) else {
                throw Self.streamListsMissing(stream, position)
            }
            if let problem = EventRecord.structuralProblem(bytes) { throw EventLogError.damagedRecord(at: position, problem) }
            return StoredEvent(record: bytes)
        }
        let (firstEvent, lastEvent) = (try record(firstPosition), try record(lastPosition))
        return StreamSummary(
            stream: stream, version: StreamVersion(UInt64(count)), firstPosition: LogPosition(firstPosition), lastPosition: LogPosition(lastPosition),
            firstRecordedAt: firstEvent.recordedAt, lastRecordedAt: lastEvent.recordedAt, lastType: lastEvent.type)
    }

    /// The error for a stream index entry whose record is not in the log.
    private static func streamListsMissing(_ stream: StreamName, _ position: UInt64) -> EventLogError {
        EventLogError(.corrupted, "stream \(stream) lists position \(position), which is not in the log; run `ledgerline verify`", stream: stream, position: LogPosition(position))
    }

    public func subscribe(after position: LogPosition) -> EventSubscription {
        var subscription = EventSubscription(after: position, notifier: notifier) { [self] (from, limit) throws(EventLogError) in
            let page = try read(from: from, direction: .forward, limit: limit)
            // Caught up: a data.mdb put in place of ours (a restore) would go unseen.
            if page.isEmpty, let problem = env.dataFileProblem() { throw EventLogError(.storage, problem) }
            return page
        }
        subscription.watchOtherProcesses = { [commitWatcher] in commitWatcher.acquire() }
        return subscription
    }

    // MARK: - Helpers shared with the writer and the audits

    static func readHead(_ txn: LMDBTransaction, _ databases: Databases) throws -> LogHead {
        let cursor = try txn.cursor(databases.events)
        defer { cursor.close() }
        guard let last = try cursor.get(MDB_LAST) else { return .empty }
        guard last.value.count >= EventRecord.headerSize + EventRecord.hashSize else {
            return LogHead(position: LogPosition(readUInt64(last.key)), hash: .genesis)
        }
        return LogHead(position: LogPosition(readUInt64(last.key)), hash: EventRecord.hash(last.value))
    }

    static func committedVersion(_ cursor: LMDBCursor, _ stream: StreamName) throws -> UInt64 {
        var name = stream.rawValue
        let found = try name.withUTF8 { key in try cursor.get(MDB_SET, key: UnsafeRawBufferPointer(key)) }
        return found == nil ? 0 : UInt64(try cursor.duplicateCount())
    }

    func lookupRecord<T>(_ txn: LMDBTransaction, id: EventID, _ body: (UnsafeRawBufferPointer?) throws -> T) throws -> T {
        let key = id.bytes
        let position = try key.withUnsafeBytes { raw in try txn.get(databases.ids, raw).map(readUInt64) }
        guard let position else { return try body(nil) }
        guard let record = try withUInt64Bytes(position, { raw in try txn.get(databases.events, raw) }) else {
            throw EventLogError(.corrupted, "the id index maps \(id) to position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position), eventID: id)
        }
        return try body(record)
    }

    func decodeRecord(_ bytes: UnsafeRawBufferPointer, at position: UInt64) throws -> RecordedEvent {
        var strings = RecordStrings()
        return try decodeRecord(bytes, at: position, strings: &strings)
    }

    func decodeRecord(_ bytes: UnsafeRawBufferPointer, at position: UInt64, strings: inout RecordStrings) throws -> RecordedEvent {
        if let problem = EventRecord.structuralProblem(bytes) {
            throw EventLogError.damagedRecord(at: position, problem)
        }
        return EventRecord.decode(bytes, strings: &strings)
    }

    func withCursor<T>(_ txn: LMDBTransaction, _ dbi: MDB_dbi, _ body: (LMDBCursor) throws -> T) throws -> T {
        let cursor = try txn.cursor(dbi)
        defer { cursor.close() }
        return try body(cursor)
    }

    static func metaValue(_ txn: LMDBTransaction, _ databases: Databases, _ name: String) throws -> UInt64 {
        let key = Array(name.utf8)
        return try key.withUnsafeBytes { raw in try txn.get(databases.meta, raw).map(readUInt64) } ?? 0
    }

    static func setMetaValue(_ txn: LMDBTransaction, _ databases: Databases, _ name: String, _ value: UInt64) throws {
        let key = Array(name.utf8)
        try key.withUnsafeBytes { raw in try withUInt64Bytes(value) { v in try txn.put(databases.meta, raw, v) } }
    }

    /// The writer's state, read as the store opens: damage met here is where every
    /// command has to read first.
    static func loadWriterState(_ env: LMDBEnvironment, _ databases: Databases) throws(EventLogError) -> Writer.State {
        try guarded {
            do {
                return try env.read { txn in try writerState(txn, databases) }
            } catch let failure as LMDBFailure where failure.isDamage {
                var failure = failure.advisingRestore("where the log ends")
                failure.operation = "reading the log's last record"
                throw failure
            }
        }
    }

    /// The writer's state as committed in `txn`'s snapshot: the head, and the last
    /// record's `recordedAt`.
    static func writerState(_ txn: LMDBTransaction, _ databases: Databases) throws -> Writer.State {
        let head = try readHead(txn, databases)
        var last = Timestamp(rawValue: 0)
        if head.position > .start,
            let record = try withUInt64Bytes(head.position.rawValue, { key in try txn.get(databases.events, key) }),
            EventRecord.structuralProblem(record) == nil
        {
            last = EventRecord.decode(record).recordedAt
        }
        return Writer.State(head: head, lastRecordedAt: last)
    }
}

/// Runs `body` and turns whatever it throws into an ``EventLogError``: the boundary
/// where storage failures become the log's one error type.
@inline(__always)
func guarded<T>(_ body: () throws -> T) throws(EventLogError) -> T {
    do {
        return try body()
    } catch let error as EventLogError {
        throw error
    } catch let error as LMDBFailure {
        throw error.eventLogError
    } catch {
        throw EventLogError(.storage, "\(error)")
    }
}
