import EventLog
import Foundation
import JSON
import Projections
import Schemas
import Synchronization

/// `project-live`: the three views follow the benchmark log while events are appended
/// at 5,000 events/s (an append of 25 events every 5 ms, durable, validated); the lag of
/// each event is the time from its append's acknowledgement (it is in the log) to the
/// view commit that makes it visible. Target: p99 under 50 ms.
struct ProjectLiveBenchmark: BenchmarkScenario {
    let name = "project-live"
    let summary = "views follow appends at 5,000 events/s; lag p50/p99 from append to visible (target p99 < 50 ms)"
    let rate = 5_000
    let appendsPerSecond = 200

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (store, workload) = try await ProjectionFixture.copy(context)
        defer { store.close() }
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        try await runner.catchUp()  // the views are current before the clock starts

        let commits = Mutex<[(position: UInt64, at: UInt64)]>([])
        let follower = Task {
            try await runner.follow { reached in
                let now = monotonicNanoseconds()
                commits.withLock { $0.append((reached.rawValue, now)) }
            }
        }
        let duration = context.scale >= 1 ? 10.0 : 2.0
        let perAppend = rate / appendsPerSecond
        let interval = 1e9 / Double(appendsPerSecond)
        let customers = workload.customers
        let started = monotonicNanoseconds()
        // Appends are issued on a fixed schedule, each in its own task, so a slow commit
        // never lowers the rate: concurrent appends share a commit (group commit).
        let appended = try await withThrowingTaskGroup(of: (first: UInt64, last: UInt64, acked: UInt64).self) { group in
            var issued = 0
            while Double(monotonicNanoseconds() - started) < duration * 1e9 {
                let due = started + UInt64(Double(issued) * interval)
                let now = monotonicNanoseconds()
                if due > now { try await Task.sleep(nanoseconds: due - now) }
                let first = issued * perAppend
                issued += 1
                group.addTask {
                    let events = (0..<perAppend).map { i in Self.event(first + i, customers: customers) }
                    let result = try await store.append(events)
                    let positions = result.events.map(\.position.rawValue)
                    return (positions.min()!, positions.max()!, monotonicNanoseconds())
                }
            }
            var all: [(first: UInt64, last: UInt64, acked: UInt64)] = []
            for try await batch in group { all.append(batch) }
            return all.sorted { $0.last < $1.last }
        }
        let appendSeconds = Double(monotonicNanoseconds() - started) / 1e9
        let head = try store.head().position.rawValue
        while (commits.withLock { $0.last?.position ?? 0 }) < head { try await Task.sleep(nanoseconds: 1_000_000) }
        follower.cancel()
        _ = try? await follower.value

        let seen = commits.withLock { $0 }
        var lags: [Double] = []
        var c = 0
        for batch in appended {
            while c < seen.count, seen[c].position < batch.last { c += 1 }
            guard c < seen.count else { break }
            // From the acknowledgement (the event is in the log) to the commit that shows it.
            let lag = Double(seen[c].at - min(seen[c].at, batch.acked)) / 1e6
            lags += Array(repeating: lag, count: Int(batch.last - batch.first + 1))
        }
        let events = lags.count
        let p50 = percentile(&lags, 0.5)
        let p99 = percentile(&lags, 0.99)
        return [
            BenchResult(
                name,
                [
                    "events": .int(events),
                    "append_rate_events_per_s": .double(Double(events) / appendSeconds),
                    "view_commits": .int(seen.count),
                    "lag_p50_ms": .double(p50),
                    "lag_p99_ms": .double(p99),
                    "lag_max_ms": .double(lags.last ?? .nan),
                    "target_p99_ms": .int(50),
                    "meets_target": .bool(p99 < 50),
                ])
        ]
    }

    /// Customer activity, deal moves and tasks, as a live CRM would append them.
    static func event(_ i: Int, customers: Int) -> ProposedEvent {
        let customer = (i &* 7919) % customers
        let id = "C\(100_000 + customer)"
        switch i % 10 {
        case 0...4:
            return ProposedEvent(
                stream: StreamName("customer-\(customer)")!, type: "PageVisited",
                data: ["customerId": .string(id), "url": .string("https://www.example.com/pricing?live=\(i)")],
                actor: "integration:web")
        case 5...6:
            return ProposedEvent(
                stream: StreamName("customer-\(customer)")!, type: "OrderPlaced",
                data: [
                    "customerId": .string(id), "orderId": .string("L-\(i)"), "quantity": 1,
                    "amount": .string("\(20 + i % 400).50"),
                    "currency": "USD",
                ], actor: "integration:shop")
        case 7:
            return ProposedEvent(
                stream: StreamName("deal-live-\(i % 500)")!, type: "DealStageChanged",
                data: [
                    "dealId": .string("LD-\(i % 500)"), "fromStage": "qualified", "toStage": "demo_scheduled",
                    "pipeline": "default",
                ], actor: "user:rep-\(i % 40)")
        default:
            return ProposedEvent(
                stream: StreamName("task-live-\(i)")!, type: "TaskCreated",
                data: [
                    "taskId": .string("LT-\(i)"), "title": "Call back", "assigneeId": .string("rep-\(i % 40)"),
                    "customerId": .string(id),
                ],
                actor: "user:rep-\(i % 40)")
        }
    }
}
