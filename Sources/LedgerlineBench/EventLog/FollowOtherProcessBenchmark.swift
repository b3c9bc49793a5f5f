@_spi(Benchmarking) import EventLog
import Foundation
import Synchronization

/// `follow-other-process`: how soon a subscription in one process sees an event another
/// process appended. A `ledgerline debug append-loop` child appends one event every
/// 10 ms, durable, printing when each append was acknowledged; this process follows the
/// store with a subscription that polls every 500 ms (as `project follow` does) and
/// notes when each event arrives. The lag is arrival minus acknowledgement, both read
/// from `CLOCK_MONOTONIC`, which every process on the machine shares.
///
/// The baseline is the same run with the store's commit watcher off, so only the poll
/// finds the other process's appends: what following cost before the watcher.
struct FollowOtherProcessBenchmark: BenchmarkScenario {
    let name = "follow-other-process"
    let summary = "lag from an append in another process to a subscription here, with the commit watcher vs polling every 500 ms"
    let pace = 10  // milliseconds between the child's appends
    let poll = 500  // milliseconds

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let events = context.count(300)
        var watched = try await measure(context, events: events, watcher: true, folder: "watched")
        var polled = try await measure(context, events: context.count(100), watcher: false, folder: "polled")
        return [
            BenchResult(name, [
                "events": .int(watched.count),
                "lag_p50_ms": .double(percentile(&watched, 0.5)),
                "lag_p99_ms": .double(percentile(&watched, 0.99)),
                "lag_max_ms": .double(watched.last ?? .nan),
                "baseline_events": .int(polled.count),
                "baseline_lag_p50_ms": .double(percentile(&polled, 0.5)),
                "baseline_lag_p99_ms": .double(percentile(&polled, 0.99)),
                "append_every_ms": .int(pace),
                "poll_ms": .int(poll),
                "durable": .bool(true),
            ])
        ]
    }

    /// The lag of each of `events` appends by a child process, in milliseconds.
    private func measure(_ context: BenchContext, events: Int, watcher: Bool, folder: String) async throws -> [Double] {
        let directory = context.workDirectory.appendingPathComponent(folder)
        let store = try LMDBEventStore(directory: directory)
        defer { store.close() }
        var subscription = store.subscribe(after: .start).polling(every: .milliseconds(poll))
        if !watcher { subscription = subscription.withoutCommitWatcher() }
        let arrivals = Mutex<[UInt64: UInt64]>([:])
        let follower = Task { [subscription] in
            for try await event in subscription {
                let now = monotonicNanoseconds()
                let count = arrivals.withLock { arrivals in
                    arrivals[event.position.rawValue] = now
                    return arrivals.count
                }
                if count == events { return }
            }
        }
        // The child runs on a thread of its own; the follower keeps the task pool.
        let executable = context.ledgerlineExecutable
        let arguments = [
            "--data", directory.path, "debug", "append-loop", "--tasks", "1", "--count", "\(events)", "--pace-ms", "\(pace)", "--clock", "--max-seconds", "120",
        ]
        let outcome = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ChildProcess.run(executable, arguments) })
            }
        }
        guard outcome.status == 0 else { throw BenchError("the appending process failed: \(outcome.stderr)") }
        // Every event arrives within a poll of its append; wait a few polls at most.
        let deadline = monotonicNanoseconds() + UInt64(poll) * 4_000_000
        while arrivals.withLock({ $0.count }) < events && monotonicNanoseconds() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        follower.cancel()
        let arrived = arrivals.withLock { $0 }
        var lags: [Double] = []
        for line in outcome.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let position = UInt64(fields[0]), let acknowledged = UInt64(fields[2]) else { continue }
            guard let at = arrived[position] else { throw BenchError("event \(position), appended by the other process, never arrived") }
            // The subscriber can see a commit before the appender's acknowledgement returns.
            lags.append(Double(at - min(at, acknowledged)) / 1e6)
        }
        guard lags.count == events else { throw BenchError("the appending process acknowledged \(lags.count) events, not \(events)") }
        return lags
    }
}
