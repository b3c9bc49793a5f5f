@_spi(Benchmarking) import EventLog
import Foundation
import JSON

/// `concurrent-append`: 64 tasks each appending one event at a time, durable, for 10
/// seconds; against raw LMDB committing transactions of the group size the engine
/// reached, with the same records.
struct ConcurrentAppendBenchmark: BenchmarkScenario {
    let name = "concurrent-append"
    let summary = "64 concurrent single-event appenders, durable, 10 s, vs raw LMDB"
    let appenders = 64

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let duration = context.scale >= 1 ? 10.0 : 2.0
        var options = LMDBEventStore.Options()
        options.sync = true
        let store = try LMDBEventStore(directory: context.workDirectory.appendingPathComponent("store"), options: options)
        var latencies: [Double] = []
        let started = monotonicNanoseconds()
        let deadline = started + UInt64(duration * 1e9)
        latencies = await withTaskGroup(of: [Double].self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var samples: [Double] = []
                    var n = 0
                    while monotonicNanoseconds() < deadline {
                        n += 1
                        let event = Self.event(appender: appender, n: n)
                        let t0 = monotonicNanoseconds()
                        if (try? await store.append([event])) != nil {
                            samples.append(Double(monotonicNanoseconds() - t0) / 1000)
                        }
                    }
                    return samples
                }
            }
            var all: [Double] = []
            for await samples in group { all += samples }
            return all
        }
        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        let (commits, written) = store.writerStatistics
        store.close()
        let rate = Double(latencies.count) / seconds
        let groupSize = max(1, Int((Double(written) / Double(max(commits, 1))).rounded()))

        // Baseline: the same kind of records, committed in transactions of `groupSize`.
        let sample = (0..<(groupSize * 4_000)).map { Self.event(appender: $0 % appenders, n: $0) }
        let batches = try RawLMDBBaseline.encode(sample, batchSize: groupSize)
        let raw = try RawLMDBBaseline(directory: context.workDirectory.appendingPathComponent("raw"), sync: true)
        let baselineStart = monotonicNanoseconds()
        var rawEvents = 0
        for batch in batches where Double(monotonicNanoseconds() - baselineStart) / 1e9 < duration {
            try raw.write(batch)
            rawEvents += batch.count
        }
        let baseline = Double(rawEvents) / (Double(monotonicNanoseconds() - baselineStart) / 1e9)
        return [
            BenchResult(name, [
                "events": .int(latencies.count),
                "events_per_s": .double(rate),
                "baseline_events_per_s": .double(baseline),
                "ratio": .double(rate / baseline),
                "appenders": .int(appenders),
                "seconds": .double(seconds),
                "commits": .int(commits),
                "mean_group_size": .double(Double(written) / Double(max(commits, 1))),
                "ack_p50_us": .double(percentile(&latencies, 0.5)),
                "ack_p99_us": .double(percentile(&latencies, 0.99)),
                "durable": .bool(true),
            ])
        ]
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
