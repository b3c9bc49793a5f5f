import EventLog
import Foundation
import Projections

/// `project-rebuild`: the customer, pipeline and task views rebuilt from position 0
/// over the whole benchmark log, durable commits included. Target ≥ 300,000 events/s.
struct ProjectRebuildBenchmark: BenchmarkScenario {
    let name = "project-rebuild"
    let summary = "rebuild the customer, pipeline and task views over the benchmark log (target >= 300,000 events/s)"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (store, _) = try await ProjectionFixture.copy(context)
        defer { store.close() }
        _ = try store.scan(from: .start, limit: .max) { _ in true }  // warm the page cache, as `replay` does
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        let usage0 = ProcessUsage.now()
        let started = monotonicNanoseconds()
        let reached = try await runner.rebuild()
        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        let usage = ProcessUsage.now() - usage0
        let cpu = usage.cpuSeconds
        let status = try await runner.status()
        let events = Int(reached.rawValue)
        let fields: KeyValuePairs<String, BenchValue> = [
            "events": .int(events),
            "seconds": .double(seconds),
            "events_per_s": .double(Double(events) / seconds),
            "target_events_per_s": .int(300_000),
            "meets_target": .bool(Double(events) / seconds >= 300_000),
            "customers": .int(status.first { $0.name == "customers" }?.entities ?? 0),
            "deals": .int(status.first { $0.name == "pipeline" }?.entities ?? 0),
            "tasks": .int(status.first { $0.name == "tasks" }?.entities ?? 0),
            "process_cpu_s": .double(cpu),
            "process_system_s": .double(usage.systemSeconds),
            "minor_faults": .int(usage.minorFaults),
            "events_per_cpu_s": .double(Double(events) / cpu),
        ]
        return [BenchResult(name, fields)]
    }
}
