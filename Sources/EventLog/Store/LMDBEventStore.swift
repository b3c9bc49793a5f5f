import CLMDB
import Foundation

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
        /// Start a new store over an empty `data.mdb` (`init` does). Otherwise an empty
        /// file is refused, creating or not: it is most often a copy or a restore that
        /// did not finish, and an append that quietly began a new log there would bury
        /// that.
        public var startsOverAnEmptyFile = false
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
        /// Folders the caller made for a store it had yet to create (with
        /// ``makeFolders(_:otherwise:)``), outermost first: when this opening creates the
        /// store, their entries in their parents are made durable with its first commit,
        /// as those of the folders it makes itself are.
        public var foldersMadeForIt: [URL] = []
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
        // only `init`, asked to start a store, should let it.
        if !(options.create && options.startsOverAnEmptyFile), let size = (try? FileManager.default.attributesOfItem(atPath: dataFile.path))?[.size] as? NSNumber, size.intValue == 0 {
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
            madeFolders = try options.foldersMadeForIt + Self.makeFolders(directory, otherwise: "pass another --data")
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
    public static func makeFolders(_ directory: URL, otherwise advice: String) throws(EventLogError) -> [URL] {
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
                let position = try readUInt64(current.key)
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

    // MARK: - Helpers shared with the writer and the audits

    static func readHead(_ txn: LMDBTransaction, _ databases: Databases) throws -> LogHead {
        let cursor = try txn.cursor(databases.events)
        defer { cursor.close() }
        guard let last = try cursor.get(MDB_LAST) else { return .empty }
        guard last.value.count >= EventRecord.headerSize + EventRecord.hashSize else {
            return LogHead(position: LogPosition(try readUInt64(last.key)), hash: .genesis)
        }
        return LogHead(position: LogPosition(try readUInt64(last.key)), hash: EventRecord.hash(last.value))
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
