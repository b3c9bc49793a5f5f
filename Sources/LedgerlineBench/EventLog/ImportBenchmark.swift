@_spi(Benchmarking) import EventLog
import Foundation
import JSON

/// `import`: the realistic workload through the real `ledgerline import` (a child
/// process, durable), against raw LMDB writing the same records and index keys in the
/// same batches with the same durability; then the same file again, which appends
/// nothing (its time and peak memory are reported beside).
struct ImportBenchmark: BenchmarkScenario {
    let name = "import"
    let summary = "1,000,000 events through `ledgerline import`, durable, vs raw LMDB"
    let batchSize = 50_000

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (workload, file) = try await LogFixture.shared.workloadFile(context)
        let store = context.workDirectory.appendingPathComponent("store")
        let outcome = try ChildProcess.run(
            context.ledgerlineExecutable, ["--data", store.path, "import", file.path, "--json", "--batch-size", String(batchSize)])
        guard outcome.status == 0 else { throw BenchError("import failed: \(outcome.stderr)") }
        let engineRate = Double(workload.events) / outcome.seconds
        // The import's own summary splits its time into the check pass, the plan (none
        // for these lines, which give no ids or expected versions) and the append pass.
        let summary = try? JSONParser.parse(outcome.stdout)
        guard let checkSeconds = summary?["checkSeconds"]?.numberValue?.doubleValue,
            let importSeconds = summary?["seconds"]?.numberValue?.doubleValue
        else { throw BenchError("import printed no JSON summary with seconds and checkSeconds: \(outcome.stdout)") }
        let planSeconds = summary?["planSeconds"]?.numberValue?.doubleValue ?? 0
        let appendSeconds = importSeconds - checkSeconds - planSeconds
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0

        // The same file again, as after an interrupted import: every line is found stored
        // and compared with its record, and nothing is appended. Memory must stay bounded
        // here too, although the comparison reads the whole log.
        let again = try ChildProcess.run(
            context.ledgerlineExecutable, ["--data", store.path, "import", file.path, "--json", "--batch-size", String(batchSize)])
        let againSummary = try? JSONParser.parse(again.stdout)
        guard again.status == 0, againSummary?["appended"]?.numberValue?.int64Value == 0,
            againSummary?["duplicates"]?.numberValue?.int64Value == Int64(workload.events)
        else { throw BenchError("importing the file again should append nothing and find every event stored: \(again.stdout) \(again.stderr)") }

        let baseline = try Self.baselineRate(file: file, directory: context.workDirectory.appendingPathComponent("raw"), batchSize: batchSize)
        return [
            BenchResult(name, [
                "events": .int(workload.events),
                "events_per_s": .double(engineRate),
                "baseline_events_per_s": .double(baseline),
                "ratio": .double(engineRate / baseline),
                "seconds": .double(outcome.seconds),
                "check_seconds": .double(checkSeconds),
                "plan_seconds": .double(planSeconds),
                "append_seconds": .double(appendSeconds),
                // The append pass alone against raw LMDB: the store's write path, apart
                // from parsing, validating and encoding JSON, which raw LMDB never does.
                "append_ratio": .double(Double(workload.events) / appendSeconds / baseline),
                "peak_rss_mib": .double(Double(outcome.peakRSS) / 1_048_576),
                "reimport_seconds": .double(again.seconds),
                "reimport_peak_rss_mib": .double(Double(again.peakRSS) / 1_048_576),
                "input_mb": .double(Double(fileBytes) / 1_048_576),
                "batch_size": .int(batchSize),
                "durable": .bool(true),
            ])
        ]
    }

    /// Raw LMDB writing the same encoded batches; encoding is not timed.
    static func baselineRate(file: URL, directory: URL, batchSize: Int) throws -> Double {
        let proposals = try LogFixture.shared.proposals(from: file)
        let batches = try RawLMDBBaseline.encode(proposals, batchSize: batchSize)
        let raw = try RawLMDBBaseline(directory: directory, sync: true)
        let started = monotonicNanoseconds()
        for batch in batches { try raw.write(batch) }
        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        return Double(proposals.count) / seconds
    }
}
