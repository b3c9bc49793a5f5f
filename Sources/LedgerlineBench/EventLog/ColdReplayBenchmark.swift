@_spi(Benchmarking) import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `replay-cold`: `replay` with the data file out of the page cache, as after a reboot
/// or a restore: every event read back as an envelope, against a raw LMDB cursor scan
/// of the same records, each side starting cold.
///
/// The file's pages are dropped with `posix_fadvise(POSIX_FADV_DONTNEED)` (no root
/// needed: it drops the clean pages no process maps). Both sides open the store with
/// `MDB_NORDAHEAD`, as the engine does; the engine's long reads advise the map
/// sequential while they run (``LMDBEventStore`` scans), the raw cursor does not, so the
/// ratio shows what reading ahead is worth.
struct ColdReplayBenchmark: BenchmarkScenario {
    let name = "replay-cold"
    let summary = "replay with the data file out of the page cache, vs a raw LMDB cursor scan also cold"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let fixture = try await LogFixture.shared.store(context)
        let dataFile = fixture.storeDirectory.appendingPathComponent("data.mdb")
        var options = LMDBEventStore.Options()
        options.create = false
        var count = 0
        var engineSeconds = 0.0
        var engineResident = 0.0
        do {
            engineResident = try Self.evict(dataFile)
            let store = try LMDBEventStore(directory: fixture.storeDirectory, options: options)
            defer { store.close() }
            let started = monotonicNanoseconds()
            count = try ReplayBenchmark.replay(store)
            engineSeconds = Double(monotonicNanoseconds() - started) / 1e9
        }
        let rawResident = try Self.evict(dataFile)
        let raw = try RawLMDBBaseline(directory: fixture.storeDirectory, sync: false)
        let started = monotonicNanoseconds()
        let rawCount = try raw.scanAll()
        let rawSeconds = Double(monotonicNanoseconds() - started) / 1e9
        let rate = Double(count) / engineSeconds
        let baseline = Double(rawCount) / rawSeconds
        return [
            BenchResult(name, [
                "events": .int(count),
                "events_per_s": .double(rate),
                "baseline_events_per_s": .double(baseline),
                "ratio": .double(rate / baseline),
                "seconds": .double(engineSeconds),
                "baseline_seconds": .double(rawSeconds),
                // Of the file, what stayed in the page cache once dropped (0 when it worked).
                "resident_share_at_start": .double(max(engineResident, rawResident)),
            ])
        ]
    }

    /// Drops `file`'s pages from the page cache; returns the share of them still cached
    /// afterwards (measured with `mincore` on a fresh mapping).
    static func evict(_ file: URL) throws -> Double {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fdatasync(fd)
        let code = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        guard code == 0 else { throw BenchError("posix_fadvise(DONTNEED) of \(file.path) failed: \(String(cString: strerror(code)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return 0 }
        let size = Int(info.st_size)
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return 0 }
        defer { munmap(map, size) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
        guard mincore(map, size, &vector) == 0 else { return 0 }
        return Double(vector.reduce(0) { $0 + Int($1 & 1) }) / Double(vector.count)
    }
}
