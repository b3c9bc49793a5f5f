@_spi(Benchmarking) import EventLog
import Experiments
import Foundation

/// `replay`: every event of the benchmark log read back as a whole envelope, against
/// a raw LMDB cursor scan of the same records.
struct ReplayBenchmark: BenchmarkScenario {
    let name = "replay"
    let summary = "read every event back as an envelope, vs a raw LMDB cursor scan (best of 3 each, in turns)"
    let rounds = 3

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let fixture = try await LogFixture.shared.store(context)
        var options = LMDBEventStore.Options()
        options.create = false
        let store = try LMDBEventStore(directory: fixture.storeDirectory, options: options)
        defer { store.close() }
        // One environment for both: LMDB forbids opening one twice in a process.
        let raw = RawLMDBBaseline(readingThrough: store)
        // Both sides read a warm page cache: this host drops it now and then, and a cold
        // read measures the disk, not the engine.
        _ = try store.scan(from: .start, limit: .max) { _ in true }
        // The two take turns, three times each, and each keeps its best: the writeback
        // an earlier scenario left, or a slow stretch of the host, then weighs on one
        // round of both rather than on one side.
        var engineRate = 0.0
        var engineCPURate = 0.0
        var baseline = 0.0
        var baselineCPU = 0.0
        var count = 0
        for _ in 0..<rounds {
            var started = monotonicNanoseconds()
            var startedCPU = threadCPUSeconds()
            count = try Self.replay(store)
            engineRate = max(engineRate, Double(count) / (Double(monotonicNanoseconds() - started) / 1e9))
            engineCPURate = max(engineCPURate, Double(count) / (threadCPUSeconds() - startedCPU))
            started = monotonicNanoseconds()
            startedCPU = threadCPUSeconds()
            let rawCount = try raw.scanAll()
            baseline = max(baseline, Double(rawCount) / (Double(monotonicNanoseconds() - started) / 1e9))
            baselineCPU = max(baselineCPU, Double(rawCount) / (threadCPUSeconds() - startedCPU))
        }
        return [
            BenchResult(name, [
                "events": .int(count),
                "events_per_s": .double(engineRate),
                "baseline_events_per_s": .double(baseline),
                "ratio": .double(engineRate / baseline),
                "rounds": .int(rounds),
                // Per second of the reading thread's CPU: what a busy machine cannot blur.
                "cpu_events_per_s": .double(engineCPURate),
                "baseline_cpu_events_per_s": .double(baselineCPU),
            ])
        ]
    }

    /// Reads every event of `store` as an envelope, in pages of 4,096 as a consumer
    /// catching up does, touching each one's payload and stream; returns the count.
    static func replay(_ store: LMDBEventStore) throws -> Int {
        var position = LogPosition.start
        var count = 0
        var bytes = 0
        while true {
            let page = try store.read(from: position.next, direction: .forward, limit: 4096)
            guard let last = page.last else { break }
            for event in page { bytes &+= event.payload.count &+ event.stream.rawValue.utf8.count }
            count += page.count
            position = last.position
        }
        precondition(count == 0 || bytes > 0)
        return count
    }
}

/// `stream-read`: one 100-event stream read whole, many times over random streams;
/// latency percentiles against raw LMDB reading the same kind of stream.
///
/// The engine and the baseline take turns, read by read, in one environment (which
/// goes first alternates too), so a slow stretch of the host, or the writeback left by
/// an earlier scenario, falls on both alike. Each side draws its own random streams:
/// reading the stream the other side just read would find its pages in the CPU's caches.
struct StreamReadBenchmark: BenchmarkScenario {
    let name = "stream-read"
    let summary = "read one 100-event stream; p50 and p99 latency, vs raw LMDB"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let fixture = try await LogFixture.shared.store(context)
        var options = LMDBEventStore.Options()
        options.create = false
        let reads = 20_000
        let warmUp = 1_000
        let store = try LMDBEventStore(directory: fixture.storeDirectory, options: options)
        defer { store.close() }
        let streams = try fixture.workload.fullDealStreams(in: store)
        guard !streams.isEmpty else { throw BenchError("no 100-event streams in the fixture") }
        let raw = RawLMDBBaseline(readingThrough: store)
        // Both sides read through this environment's map, so one scan of the log puts
        // every record's page in the page cache and in the map for both. Without it, a
        // host that dropped its page cache made the p99 of both a wait for the disk: the
        // warm-up reads below touch only about two thirds of the streams.
        _ = try store.scan(from: .start, limit: .max) { _ in true }
        var engine = TimedReads(streams: streams, seed: 7, reserving: reads) { stream in
            try store.readStream(stream, from: nil, direction: .forward, limit: 100).count
        }
        var baseline = TimedReads(streams: streams, seed: 8, reserving: reads) { stream in try raw.readStream(stream) }
        for i in 0..<(reads + warmUp) {
            let counted = i >= warmUp  // the first reads warm the cache
            if i % 2 == 0 {
                try engine.readOne(counted: counted)
                try baseline.readOne(counted: counted)
            } else {
                try baseline.readOne(counted: counted)
                try engine.readOne(counted: counted)
            }
        }
        return [
            BenchResult(name, [
                "reads": .int(reads),
                "streams": .int(streams.count),
                "events_per_read": .int(100),
                "p50_us": .double(percentile(&engine.samples, 0.5)),
                "p99_us": .double(percentile(&engine.samples, 0.99)),
                "baseline_p50_us": .double(percentile(&baseline.samples, 0.5)),
                "baseline_p99_us": .double(percentile(&baseline.samples, 0.99)),
            ])
        ]
    }
}

/// One side of `stream-read`: whole 100-event streams drawn from its own random
/// sequence, and how long each read took, in microseconds.
private struct TimedReads {
    let streams: [StreamName]
    var next: SplitMix64
    var samples: [Double] = []
    /// Reads a stream whole; returns how many events it found.
    let read: (StreamName) throws -> Int

    init(streams: [StreamName], seed: UInt64, reserving count: Int, read: @escaping (StreamName) throws -> Int) {
        self.streams = streams
        next = SplitMix64(seed: seed)
        samples.reserveCapacity(count)
        self.read = read
    }

    /// Reads one random stream; keeps its time when `counted`.
    mutating func readOne(counted: Bool) throws {
        let stream = streams[Int(next.next() % UInt64(streams.count))]
        let t0 = monotonicNanoseconds()
        let found = try read(stream)
        let elapsed = Double(monotonicNanoseconds() - t0) / 1000
        precondition(found == 100)
        if counted { samples.append(elapsed) }
    }
}
