@_spi(Benchmarking) import EventLog
import Foundation
import JSON

/// `concurrent-append`: 64 tasks each appending one event at a time, durable, for 10
/// seconds; against raw LMDB committing transactions of the group size the engine
/// reached, with the same records.
///
/// The disk's speed here drifts by a third within seconds, so the two are measured in
/// alternating slices (engine, raw, engine, raw, …) and each total is summed over its
/// slices: a slow stretch then weighs on both sides instead of on one.
struct ConcurrentAppendBenchmark: BenchmarkScenario {
    let name = "concurrent-append"
    let summary = "64 concurrent single-event appenders, durable, 10 s, vs raw LMDB (alternating slices)"
    let appenders = 64
    let rounds = 5

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let duration = context.scale >= 1 ? 10.0 : 2.0
        let slice = duration / Double(rounds)
        var options = LMDBEventStore.Options()
        options.sync = true
        let store = try LMDBEventStore(directory: context.workDirectory.appendingPathComponent("store"), options: options)
        let raw = try RawLMDBBaseline(directory: context.workDirectory.appendingPathComponent("raw"), sync: true)
        var latencies: [Double] = []
        var counters = [Int](repeating: 0, count: appenders)
        var engineSeconds = 0.0
        var rawSeconds = 0.0
        var rawEvents = 0
        var batches: [RawLMDBBaseline.Batch] = []
        var nextBatch = 0
        var groupSize = 1
        // The whole process's CPU time in each side's slices: what an event costs beyond
        // the disk's wait, which the wall-clock rates cannot show on a busy host. The
        // engine's includes building each event; the baseline's records come encoded.
        var engineCPU = 0.0
        var rawCPU = 0.0
        // The writing thread's own scheduler counts on each side: its time waiting for a
        // core once runnable (woken by the end of an `fsync`, say) is what contention
        // with the appenders costs each commit; the baseline writes alone. The engine's
        // writer sleeps through the baseline's slices, which adds to neither count, so
        // its counts are taken over the whole run; `nil` where `/proc` has none.
        let writerStart = store.writerScheduling
        var rawThread: ThreadScheduling? = .zero
        for round in 0..<rounds {
            let engineStart = processCPUSeconds()
            let (samples, seconds) = await appendConcurrently(to: store, for: slice, counters: &counters)
            engineCPU += processCPUSeconds() - engineStart
            latencies += samples
            engineSeconds += seconds
            if round == 0 {
                // The baseline's transactions are the size of the engine's first-slice groups;
                // enough records for every raw slice even at twice the engine's rate.
                let (commits, written) = store.writerStatistics
                groupSize = max(1, Int((Double(written) / Double(max(commits, 1))).rounded()))
                let needed = max(groupSize * 100, Int(Double(samples.count) / seconds * duration * 2))
                let sample = (0..<needed).map { Self.event(appender: $0 % appenders, n: $0) }
                batches = try RawLMDBBaseline.encode(sample, batchSize: groupSize)
            }
            let rawStart = monotonicNanoseconds()
            let rawCPUStart = processCPUSeconds()
            // No suspension point in the loop: it runs on one thread throughout.
            let rawThreadStart = ThreadScheduling.current()
            while nextBatch < batches.count, Double(monotonicNanoseconds() - rawStart) / 1e9 < slice {
                try raw.write(batches[nextBatch])
                rawEvents += batches[nextBatch].count
                nextBatch += 1
            }
            if let total = rawThread, let rawThreadStart, let rawThreadEnd = ThreadScheduling.current() {
                rawThread = total + (rawThreadEnd - rawThreadStart)
            } else {
                rawThread = nil
            }
            rawSeconds += Double(monotonicNanoseconds() - rawStart) / 1e9
            rawCPU += processCPUSeconds() - rawCPUStart
        }
        let (commits, written) = store.writerStatistics
        let staged = store.stagedAppends
        let writerThread = writerStart.flatMap { start in store.writerScheduling.map { $0 - start } }
        store.close()
        // µs per commit of `seconds` over `commits`; NaN (printed as null) when not counted.
        func perCommit(_ seconds: Double?, _ commits: Int) -> Double { seconds.map { $0 / Double(max(commits, 1)) * 1e6 } ?? .nan }
        let rate = Double(latencies.count) / engineSeconds
        let baseline = Double(rawEvents) / rawSeconds
        return [
            BenchResult(name, [
                "events": .int(latencies.count),
                "events_per_s": .double(rate),
                "baseline_events_per_s": .double(baseline),
                "ratio": .double(rate / baseline),
                "appenders": .int(appenders),
                "seconds": .double(engineSeconds),
                "slices": .int(rounds),
                "commits": .int(commits),
                "mean_group_size": .double(Double(written) / Double(max(commits, 1))),
                "baseline_group_size": .int(groupSize),
                // Appends planned while the group ahead committed, of all appends.
                "staged_share": .double(Double(staged) / Double(max(latencies.count, 1))),
                "cpu_us_per_event": .double(engineCPU / Double(max(latencies.count, 1)) * 1e6),
                "baseline_cpu_us_per_event": .double(rawCPU / Double(max(rawEvents, 1)) * 1e6),
                "writer_cpu_us_per_commit": .double(perCommit(writerThread?.runningSeconds, commits)),
                "writer_wait_us_per_commit": .double(perCommit(writerThread?.waitingSeconds, commits)),
                // One transaction per batch written.
                "baseline_cpu_us_per_commit": .double(perCommit(rawThread?.runningSeconds, nextBatch)),
                "baseline_wait_us_per_commit": .double(perCommit(rawThread?.waitingSeconds, nextBatch)),
                "ack_p50_us": .double(percentile(&latencies, 0.5)),
                "ack_p99_us": .double(percentile(&latencies, 0.99)),
                "durable": .bool(true),
            ])
        ]
    }

    /// Runs the appenders against `store` for `seconds`; each one's acknowledgement
    /// latencies (µs) and the slice's length. `counters` numbers each appender's events
    /// across slices, so no event repeats an earlier one.
    private func appendConcurrently(to store: LMDBEventStore, for seconds: Double, counters: inout [Int]) async -> ([Double], Double) {
        let started = monotonicNanoseconds()
        let deadline = started + UInt64(seconds * 1e9)
        let first = counters
        let outcomes = await withTaskGroup(of: (Int, Int, [Double]).self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var samples: [Double] = []
                    var n = first[appender]
                    while monotonicNanoseconds() < deadline {
                        n += 1
                        let event = Self.event(appender: appender, n: n)
                        let t0 = monotonicNanoseconds()
                        if (try? await store.append([event])) != nil {
                            samples.append(Double(monotonicNanoseconds() - t0) / 1000)
                        }
                    }
                    return (appender, n, samples)
                }
            }
            var all: [(Int, Int, [Double])] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = Double(monotonicNanoseconds() - started) / 1e9
        for (appender, n, _) in outcomes { counters[appender] = n }
        return (outcomes.flatMap(\.2), elapsed)
    }

    static func event(appender: Int, n: Int) -> ProposedEvent {
        ProposedEvent(
            stream: StreamName("customer-\((appender * 7919 + n * 104_729) % 100_000)")!, type: "EmailOpened",
            data: [
                "customerId": .string("C\(appender)-\(n)"), "messageId": .string("<\(n).\(appender)@mail.example.com>"),
                "campaign": "nurture-3", "template": "followup-b", "subject": "Your trial of Ledgerline ends in 3 days",
                "client": "Apple Mail", "ip": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
            ],
            actor: "integration:esp")
    }
}
