import CLMDB
import Foundation
import Synchronization

/// One LMDB environment (a folder with `data.mdb` and `lock.mdb`) and the rules for
/// using it safely from many threads of one process.
///
/// - Opened with `MDB_NOTLS`: a read transaction is not tied to a thread, so read
///   transactions are pooled (`mdb_txn_reset`/`mdb_txn_renew`) and reused.
/// - Every transaction holds ``resizeLock`` shared; growing the map takes it
///   exclusively, because LMDB may only change the map size while this process has no
///   transaction open.
/// - Stale reader slots left by crashed processes are cleared when it opens.
/// - Write transactions also take an advisory lock on `data.mdb` itself, and every
///   commit first checks that `lock.mdb` is still the file it opened (see
///   ``lockFileProblem()``): LMDB's own writer mutex lives in `lock.mdb`, and a
///   deleted lock file would otherwise let two processes write at once.
final class LMDBEnvironment: @unchecked Sendable {
    let handle: OpaquePointer
    let directory: URL
    /// The paths of the store's two files, made once: every commit checks the lock
    /// file's, and building it from `directory` (a `URL`) cost more than the `stat`.
    private let lockPath: String
    private let dataPath: String
    /// The device and inode of the `lock.mdb` this process opened.
    private var lockFile: (device: UInt64, inode: UInt64)?
    /// The `data.mdb` this process mapped (see ``dataFileProblem()``).
    private var dataFile: (device: UInt64, inode: UInt64)?
    /// A descriptor of `data.mdb`, `flock`ed for the length of each write transaction
    /// (-1 when it could not be opened).
    private var dataFileLock: Int32 = -1
    /// One write transaction of this process at a time holds ``dataFileLock``: a
    /// `flock` belongs to the open file, not to a thread, so it does not nest.
    private let writeTurn = DispatchSemaphore(value: 1)
    let resizeLock = ReadWriteLock()
    private let readPool = Mutex<[TransactionHandle]>([])
    private let currentMapSize: Atomic<Int>
    /// Whether LMDB takes the message of a failed assertion to ``LMDBAssertion`` before
    /// it aborts (it does when built with its assertions, as Debian's is).
    private(set) var reportsAssertions = false

    struct TransactionHandle: @unchecked Sendable { let pointer: OpaquePointer }

    /// Opens (and with `create`, creates) the environment in `directory`.
    init(directory: URL, mapSize: Int, maxDatabases: Int = 64, maxReaders: Int = 512, sync: Bool = true) throws {
        self.directory = directory
        lockPath = directory.appendingPathComponent("lock.mdb").path
        dataPath = directory.appendingPathComponent("data.mdb").path
        var env: OpaquePointer?
        try lmdbCheck(mdb_env_create(&env), "creating the environment")
        handle = env!
        currentMapSize = Atomic(mapSize)
        do {
            try lmdbCheck(mdb_env_set_maxdbs(handle, MDB_dbi(maxDatabases)), "setting the database limit")
            try lmdbCheck(mdb_env_set_maxreaders(handle, UInt32(maxReaders)), "setting the reader limit")
            try lmdbCheck(mdb_env_set_mapsize(handle, mapSize), "setting the map size")
            // Before anything reads a page: an assertion LMDB fails says which one.
            reportsAssertions = LMDBAssertion.register(on: handle)
            var flags = UInt32(MDB_NOTLS) | UInt32(MDB_NORDAHEAD)
            if !sync { flags |= UInt32(MDB_NOSYNC) }
            // Opening waits for a write of another process to end (see ``beginWrite()``):
            // the first process to open a new lock.mdb reads the log's last commit into
            // it, and must not read it while a commit is half written.
            dataFileLock = open(dataPath, O_RDONLY | O_CLOEXEC)
            if dataFileLock >= 0 { lockDataFile() }
            defer { if dataFileLock >= 0 { flock(dataFileLock, LOCK_UN) } }
            try lmdbCheck(mdb_env_open(handle, directory.path, flags, 0o644), "opening \(directory.path)")
        } catch {
            // `close()`, not `mdb_env_close`: `deinit` runs when an initializer throws,
            // and closes the handle again unless it is marked closed.
            close()
            throw error
        }
        lockFile = Self.identity(of: lockPath)
        dataFile = Self.identity(of: dataPath)
        if dataFileLock < 0 { dataFileLock = open(dataPath, O_RDONLY | O_CLOEXEC) }
        var dead: Int32 = 0
        mdb_reader_check(handle, &dead)
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        currentMapSize.store(info.me_mapsize, ordering: .relaxed)
        if let problem = truncation() {
            close()
            throw EventLogError(.corrupted, "\(directory.appendingPathComponent("data.mdb").path) \(problem)")
        }
    }

    /// Why the data file cannot hold what its last commit records, or `nil`.
    ///
    /// LMDB writes a commit's pages before the meta page that points to them, so in a
    /// healthy file every page up to the last one in use exists. A copy that stopped
    /// early, or a disk that filled up under `cp`, leaves a file that is shorter; LMDB
    /// opens it (it reads only the meta pages) and the first read past the end is a
    /// `SIGBUS` that kills the process. Checked here, it is a message instead.
    private func truncation() -> String? {
        var fd: Int32 = -1
        var file = stat()
        guard mdb_env_get_fd(handle, &fd) == 0, fstat(fd, &file) == 0 else { return nil }
        let needed = usedBytes
        guard Int(file.st_size) < needed else { return nil }
        return "is cut short: it is \(Int(file.st_size).formatted()) bytes, but its last commit uses \(needed.formatted()) "
            + "(a copy that did not finish, or a disk that filled up?); restore it from a backup, or from an export with `ledgerline import`"
    }

    deinit {
        close()
    }


    /// Why what this process reads is no longer the store in its folder, or `nil`: its
    /// `data.mdb` was deleted, or replaced (a backup put in its place), since it opened
    /// the store.
    ///
    /// The process keeps reading the file it mapped, which nobody writes any more: a
    /// follower would wait in silence for ever, and the new file's positions need not
    /// be the old one's. Cost: one `stat`.
    func dataFileProblem() -> String? {
        guard let change = Self.change(of: dataPath, since: dataFile) else { return nil }
        let what = change == .deleted ? "was deleted" : "was replaced by another file (a backup put in its place?)"
        return
            "\(dataPath) \(what) while this process read it, so it would wait for appends that go to the other file, "
            + "and positions there need not be the ones already read; start the command again to read the store as it is now"
    }

    /// How a file this process opened has gone since: see ``change(of:since:)``.
    private enum FileChange { case deleted, replaced }

    /// Whether the file at `path` is still the one this process opened (`opened`, its
    /// device and inode then), or was deleted or replaced since; `nil` when it is the
    /// same, or when the process never learnt which file it opened. One `stat`.
    private static func change(of path: String, since opened: (device: UInt64, inode: UInt64)?) -> FileChange? {
        guard let opened else { return nil }
        guard let now = identity(of: path) else { return .deleted }
        return now == opened ? nil : .replaced
    }

    private static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var file = stat()
        guard stat(path, &file) == 0 else { return nil }
        return (UInt64(file.st_dev), UInt64(file.st_ino))
    }

    /// Why this process must not commit, or `nil`: its `lock.mdb` was deleted or
    /// replaced since it opened the store.
    ///
    /// LMDB's lock file holds the mutex that lets one process write at a time. A process
    /// that opens the store after the file was deleted creates a new one and takes its
    /// mutex, not this process's: two writers would then build commits on the same
    /// pages, and one would silently undo the other's acknowledged events. Checked just
    /// before each commit, a `stat` of the path against the file opened, it stops this
    /// process's writes from then on (the processes that opened the new file carry on
    /// among themselves).
    func lockFileProblem() -> String? {
        guard let change = Self.change(of: lockPath, since: lockFile) else { return nil }
        let what = change == .deleted ? "was deleted" : "was replaced by another file"
        return "\(lockPath) \(what) while this process had the store open, so processes that open it from now on do not wait "
            + "for this one's writes; to keep two writers from undoing each other's commits, this process writes no more; "
            + "stop every ledgerline process using \(directory.path), then run `ledgerline verify` (never delete lock.mdb while the store is in use)"
    }

    /// Set once ``close()`` has closed the handle; checked under ``resizeLock``.
    private let closed = Atomic<Bool>(false)

    /// Closes the environment once every open transaction has ended. Idempotent; later
    /// transactions fail with ``EventLogError/Code/closed``.
    ///
    /// LMDB forbids opening one environment twice in a process at the same time (its
    /// reader table and file locks are per process), so a store that is closed and then
    /// opened again must really have let go of the first handle — not wait for the last
    /// reference to it to disappear.
    func close() {
        resizeLock.withExclusive {
            guard !closed.load(ordering: .acquiring) else { return }
            for txn in readPool.withLock({ pool in defer { pool.removeAll() }; return pool }) { mdb_txn_abort(txn.pointer) }
            mdb_env_close(handle)
            if dataFileLock >= 0 { Glibc.close(dataFileLock) }
            closed.store(true, ordering: .releasing)
        }
    }

    /// Throws ``EventLogError/Code/closed`` after ``close()``. Call holding ``resizeLock``.
    private func checkOpen() throws {
        if closed.load(ordering: .acquiring) { throw EventLogError.closed() }
    }

    var mapSize: Int { currentMapSize.load(ordering: .relaxed) }

    /// Size of a page in bytes.
    var pageSize: Int {
        guard !closed.load(ordering: .acquiring) else { return 0 }
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return Int(stat.ms_psize)
    }

    /// Pages in use up to the highest one ever written.
    var usedBytes: Int {
        guard !closed.load(ordering: .acquiring) else { return 0 }
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return (info.me_last_pgno + 1) * pageSize
    }

    /// Drops this process's mapping of the map's pages (they stay in the page cache).
    ///
    /// After a large write the process has touched most index pages once; without this
    /// they all count toward its resident memory although nothing will read them soon.
    /// The next access faults a page back in from the page cache, cheaply.
    ///
    /// LMDB does not tell where it mapped the file (`mdb_env_info`'s `me_mapaddr` is set
    /// only for `MDB_FIXEDMAP`), so the mapping is looked up in `/proc/self/maps` by the
    /// data file's path. Call it on the writer thread, which is the only one that maps
    /// the file anew (when the map grows), or inside a transaction, which holds
    /// ``resizeLock`` and so keeps the map where it is.
    func releaseMappedPages() {
        guard !closed.load(ordering: .acquiring), let range = mappedRange() else { return }
        madvise(range.start, range.count, MADV_DONTNEED)
    }

    /// A file under `/proc` read whole (see ``TextFile/bytes(_:limit:)``), decoded as
    /// UTF-8 with U+FFFD for what is not (a mapped file's path need not be).
    static func readWhole(_ path: String) -> String? {
        guard let bytes = try? TextFile.bytes(path, limit: .max) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The data file's path with links resolved, as `/proc/self/maps` names it.
    var dataFilePath: String? {
        guard let resolved = realpath(dataPath, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Where this process maps `data.mdb`: the first `/proc/self/maps` line naming it.
    func mappedRange() -> (start: UnsafeMutableRawPointer, count: Int)? {
        guard let path = dataFilePath, let maps = Self.readWhole("/proc/self/maps") else { return nil }
        for line in maps.split(separator: "\n") where line.hasSuffix(" " + path) {
            let bounds = line.prefix { $0 != " " }.split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start,
                let pointer = UnsafeMutableRawPointer(bitPattern: start)
            else { return nil }
            return (pointer, Int(end - start))
        }
        return nil
    }

    // MARK: - Reading ahead for scans

    /// The scans under way (see ``scanning(_:)``), and the map as last found with the
    /// map size it was found at (it moves only when the map is resized).
    private struct Scans {
        var running = 0
        var map: (start: UInt, count: Int, mapSize: Int)?
    }

    private let scans = Mutex(Scans())

    /// Runs `body`, a read that walks much of the file in order (a replay, an export,
    /// `verify`, a backup), with the kernel reading the file ahead of it. Call it inside
    /// a transaction, so that the map cannot be resized meanwhile.
    ///
    /// `MDB_NORDAHEAD` makes LMDB advise its map `MADV_RANDOM`: a lookup reads only the
    /// page it needs, which suits point reads of a file larger than memory. But a scan of
    /// a file the page cache does not hold then reads it one 4 KiB page fault at a time:
    /// `verify` of 1,000,000 events (a 571 MB file) took 14-19 s after the cache was
    /// dropped, against 2.8 s with it warm. While a scan runs, the map is advised
    /// `MADV_SEQUENTIAL` instead (the kernel reads well ahead of the faults, and lets
    /// what was read go first): the same `verify` took 3.3-3.7 s cold. The first scan to
    /// begin sets it, the last to end puts `MADV_RANDOM` back; point reads in the same
    /// process meanwhile read ahead too, which costs reads from disk, never results.
    ///
    /// Cost: two `madvise` calls a scan, and one look in `/proc/self/maps` per map size.
    func scanning<T>(_ body: () throws -> T) rethrows -> T {
        adviseScan(beginning: true)
        defer { adviseScan(beginning: false) }
        return try body()
    }

    private func adviseScan(beginning: Bool) {
        scans.withLock { scans in
            scans.running += beginning ? 1 : -1
            guard scans.running == (beginning ? 1 : 0), !closed.load(ordering: .acquiring) else { return }
            let mapSize = currentMapSize.load(ordering: .relaxed)
            if scans.map?.mapSize != mapSize {
                scans.map = mappedRange().map { (UInt(bitPattern: $0.start), $0.count, mapSize) }
            }
            guard let map = scans.map, let start = UnsafeMutableRawPointer(bitPattern: map.start) else { return }
            madvise(start, map.count, beginning ? MADV_SEQUENTIAL : MADV_RANDOM)
        }
    }

    // MARK: - Copying

    /// Writes one snapshot of the whole environment to `fd` (from its current offset,
    /// which must be the start of an empty file); with `compact`, without free pages
    /// and with the pages renumbered. Writers go on meanwhile: LMDB copies through a
    /// read transaction of its own.
    func copy(to fd: Int32, compact: Bool) throws {
        while true {
            let code: Int32 = try resizeLock.withShared {
                try checkOpen()
                // A plain copy reads the whole map in order; a compact one walks each
                // tree, whose pages mostly lie in the order they were written.
                return scanning { mdb_env_copyfd2(handle, fd, compact ? UInt32(MDB_CP_COMPACT) : 0) }
            }
            if code == MDB_MAP_RESIZED {
                // Another process grew the map before the copy's snapshot began; nothing
                // was written yet.
                adoptGrownMap()
                continue
            }
            try lmdbCheck(code, "copying the store")
            return
        }
    }

    // MARK: - Reading

    /// Runs `body` in a read transaction from the pool. Never blocks the writer.
    func read<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        while true {
            let outcome: Result<T, Error>? = resizeLock.withShared {
                if closed.load(ordering: .acquiring) { return .failure(EventLogError.closed()) }
                let txn: OpaquePointer
                switch beginPooledRead() {
                case .success(let begun): txn = begun
                case .failure(let failure): return failure.code == MDB_MAP_RESIZED ? nil : .failure(failure)
                }
                defer { endPooledRead(txn) }
                do { return .success(try body(LMDBTransaction(handle: txn))) } catch { return .failure(error) }
            }
            switch outcome {
            case .success(let value)?: return value
            case .failure(let error)?: throw error
            case nil: adoptGrownMap()
            }
        }
    }

    /// Runs `body` in a second read transaction on the same snapshot as `txn`, so that
    /// another thread can read part of what `txn` sees: LMDB binds a transaction to one
    /// thread at a time, and with `MDB_NOTLS` one thread may hold several. Returns `nil`
    /// without running `body` when a commit landed between the two (the snapshots
    /// differ) or no transaction could begin. Call only inside ``read(_:)``'s body,
    /// which holds ``resizeLock``.
    func readSameSnapshot<T>(as txn: LMDBTransaction, _ body: (LMDBTransaction) throws -> T) rethrows -> T? {
        guard case .success(let sibling) = beginPooledRead() else { return nil }
        defer { endPooledRead(sibling) }
        guard mdb_txn_id(sibling) == mdb_txn_id(txn.handle) else { return nil }
        return try body(LMDBTransaction(handle: sibling))
    }

    /// A read transaction from the pool, renewed, or a new one. Call holding ``resizeLock``.
    private func beginPooledRead() -> Result<OpaquePointer, LMDBFailure> {
        if let pooled = readPool.withLock({ $0.popLast() }) {
            let rc = mdb_txn_renew(pooled.pointer)
            guard rc == 0 else {
                mdb_txn_abort(pooled.pointer)
                return .failure(LMDBFailure(code: rc, operation: "starting a read"))
            }
            return .success(pooled.pointer)
        }
        var fresh: OpaquePointer?
        let rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &fresh)
        guard rc == 0 else { return .failure(LMDBFailure(code: rc, operation: "starting a read")) }
        return .success(fresh!)
    }

    /// Ends a read begun by ``beginPooledRead()`` and keeps it for the next one.
    private func endPooledRead(_ txn: OpaquePointer) {
        mdb_txn_reset(txn)
        readPool.withLock { $0.append(TransactionHandle(pointer: txn)) }
    }

    // MARK: - Writing (the writer thread only)

    /// Begins the write transaction. Call only from the writer thread, holding
    /// ``resizeLock`` shared until it ends, and end it with ``commit(_:)`` or
    /// ``abort(_:)``.
    ///
    /// Before LMDB's writer mutex, it takes an exclusive `flock` on `data.mdb`, which
    /// every Ledgerline writer of this store takes: were `lock.mdb` deleted while the
    /// store is in use, a process opening it afterwards would get a new mutex, and
    /// without this lock its commits could interleave with another process's, so that
    /// one undoes the other's acknowledged events. ``lockFileProblem()`` then stops the
    /// processes on the old lock file at their next commit.
    func beginWrite() throws -> LMDBTransaction {
        try checkOpen()
        takeWriteTurn()
        var txn: OpaquePointer?
        let code = mdb_txn_begin(handle, nil, 0, &txn)
        guard code == 0 else {
            endWriteTurn()
            throw LMDBFailure(code: code, operation: "starting a write")
        }
        return LMDBTransaction(handle: txn!)
    }

    private func takeWriteTurn() {
        writeTurn.wait()
        if dataFileLock >= 0 { lockDataFile() }
    }

    private func lockDataFile() {
        while flock(dataFileLock, LOCK_EX) != 0 && errno == EINTR {}
    }

    private func endWriteTurn() {
        if dataFileLock >= 0 { flock(dataFileLock, LOCK_UN) }
        writeTurn.signal()
    }

    /// Commits `txn`. LMDB ends the transaction whether or not this succeeds (a failed
    /// commit, such as a map that filled up while writing out, aborts it): never abort
    /// it afterwards, which would free its pages twice.
    ///
    /// A commit that could not write its pages leaves the store as it was: LMDB writes
    /// the meta page that makes a commit visible only after all the others. A commit is
    /// refused, and the transaction aborted, when ``lockFileProblem()`` finds one.
    func commit(_ txn: LMDBTransaction) throws {
        defer { endWriteTurn() }
        if let problem = lockFileProblem() {
            mdb_txn_abort(txn.handle)
            throw EventLogError(.storage, "nothing of this commit was kept: \(problem)")
        }
        let code = mdb_txn_commit(txn.handle)
        guard code != 0 else { return }
        let file = directory.appendingPathComponent("data.mdb")
        throw LMDBFailure(
            code: code, operation: "committing to \(file.path)",
            advice: WriteFailure.advice(code: code, file: file).map { "nothing of this commit was kept; \($0)" })
    }

    func abort(_ txn: LMDBTransaction) {
        mdb_txn_abort(txn.handle)
        endWriteTurn()
    }

    /// Runs `body` in a write transaction of its own and commits it, growing the map and
    /// retrying when it fills up. For setup work; appends go through the writer thread.
    func write<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        try growIfNearlyFull()
        while true {
            let result: Result<T, Error> = resizeLock.withShared {
                do {
                    let txn = try beginWrite()
                    let value: T
                    do {
                        value = try body(txn)
                    } catch {
                        abort(txn)
                        throw error
                    }
                    try commit(txn)  // ends the transaction even when it fails
                    return .success(value)
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let value): return value
            case .failure(let failure as LMDBFailure) where failure.isMapFull: try grow()
            case .failure(let failure as LMDBFailure) where failure.isMapResized: adoptGrownMap()
            case .failure(let failure): throw failure
            }
        }
    }

    /// Runs `body` in a fresh read-only transaction and commits it, which is what makes
    /// database handles opened in it usable by later transactions.
    func readCommitting<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        try resizeLock.withShared {
            try checkOpen()
            var txn: OpaquePointer?
            try lmdbCheck(mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn), "starting a read")
            do {
                let value = try body(LMDBTransaction(handle: txn!))
                try lmdbCheck(mdb_txn_commit(txn!), "ending a read")
                return value
            } catch {
                mdb_txn_abort(txn!)
                throw error
            }
        }
    }

    /// Grows the map before a write when less than a quarter of it (or 64 MiB) is left
    /// past the last page in use, so a large write (a view rebuild's commit, a bulk
    /// import batch) rarely runs into `MDB_MAP_FULL` and has to be redone from the start.
    /// Pages freed inside the map are not counted: the check can only grow early.
    func growIfNearlyFull() throws {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        let free: Int = resizeLock.withShared {
            guard !closed.load(ordering: .acquiring) else { return .max }
            mdb_env_info(handle, &info)
            mdb_env_stat(handle, &stat)
            return mapSize - (info.me_last_pgno + 1) * Int(stat.ms_psize)
        }
        if free < max(64 << 20, mapSize / 4) { try grow() }
    }

    /// Doubles the map (at least +64 MiB). Waits for this process's open transactions to end.
    func grow() throws {
        try resizeLock.withExclusive { () throws in
            try checkOpen()
            let newSize = max(mapSize * 2, mapSize + 64 << 20)
            try lmdbCheck(mdb_env_set_mapsize(handle, newSize), "growing the map to \(newSize >> 20) MiB")
            currentMapSize.store(newSize, ordering: .relaxed)
        }
    }

    /// Another process grew the map: adopt its size.
    func adoptGrownMap() {
        resizeLock.withExclusive {
            guard !closed.load(ordering: .acquiring) else { return }
            mdb_env_set_mapsize(handle, 0)
            var info = MDB_envinfo()
            mdb_env_info(handle, &info)
            currentMapSize.store(info.me_mapsize, ordering: .relaxed)
        }
    }

    /// Opens (creating when asked) the named database.
    func openDatabase(_ name: String, flags: Int32, in txn: LMDBTransaction) throws -> MDB_dbi {
        var dbi: MDB_dbi = 0
        try lmdbCheck(mdb_dbi_open(txn.handle, name, UInt32(flags), &dbi), "opening the \(name) database")
        return dbi
    }
}
