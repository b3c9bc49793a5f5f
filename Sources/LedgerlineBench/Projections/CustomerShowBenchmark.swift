import EventLog
import Foundation
import JSON
import Projections

/// `customer-show`: one customer read from the view and rendered as `customers show
/// --json` renders it, over random customers of the benchmark log. Target: p99 under 1 ms.
struct CustomerShowBenchmark: BenchmarkScenario {
    let name = "customer-show"
    let summary = "read and render one customer from the view (target p99 < 1 ms)"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (store, workload) = try await ProjectionFixture.copy(context)
        defer { store.close() }
        let projection = CustomerProjection()
        try await ProjectionRunner(store: store, projections: [projection]).catchUp()
        let queries = ViewQueries(store: store)
        let point = try QueryPoint.resolve(asOf: nil, now: nil, in: store)
        let pipelines = PipelineConfiguration.empty
        var rng = UInt64(0x5EED)
        var samples: [Double] = []
        var bytes = 0
        let reads = 20_000
        for i in 0..<(reads + 1_000) {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let id = "C\(100_000 + Int((rng >> 33) % UInt64(workload.customers)))"
            let t0 = monotonicNanoseconds()
            guard let state = try queries.state(of: id, in: projection, at: point) else { continue }
            let text = JSONWriter.prettyString(
                CustomerSummary(state, referenceTime: point.referenceTime, pipelines: pipelines).json)
            let elapsed = Double(monotonicNanoseconds() - t0) / 1e6
            bytes &+= text.utf8.count
            if i >= 1_000 { samples.append(elapsed) }
        }
        precondition(bytes > 0)
        let count = samples.count
        let p50 = percentile(&samples, 0.5)
        let p99 = percentile(&samples, 0.99)
        return [
            BenchResult(
                name,
                [
                    "reads": .int(count),
                    "p50_ms": .double(p50),
                    "p99_ms": .double(p99),
                    "target_p99_ms": .int(1),
                    "meets_target": .bool(p99 < 1),
                ])
        ]
    }
}
