import EventLog
import Foundation
import Schemas

/// `validate`: the `import` scenario's workload imported twice in the same run, once
/// checked against the event catalog and once without a validator, through the same
/// importer the CLI uses. Validation may cost at most 25% of import throughput.
struct ValidateBenchmark: BenchmarkScenario {
    let name = "validate"
    let summary = "import with and without schema validation in the same run (cost of validation)"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (workload, file) = try await LogFixture.shared.workloadFile(context)
        var rates: [Bool: Double] = [:]
        for validating in [true, false] {
            let directory = context.workDirectory.appendingPathComponent(validating ? "validated" : "unvalidated")
            var options = LMDBEventStore.Options()
            options.validator = validating ? EventCatalog.embedded : nil
            let store = try LMDBEventStore(directory: directory, options: options)
            var importOptions = EventImporter.Options()
            importOptions.scratchDirectory = directory
            let importer = EventImporter(store: store, validator: options.validator, options: importOptions)
            let summary = try await importer.importFile(at: file, displayName: file.lastPathComponent)
            store.close()
            guard summary.appended == workload.events else { throw BenchError("imported \(summary.appended) of \(workload.events)") }
            rates[validating] = Double(workload.events) / summary.seconds
            try? FileManager.default.removeItem(at: directory)
        }
        let with = rates[true]!, without = rates[false]!
        return [
            BenchResult(name, [
                "events": .int(workload.events),
                "events_per_s": .double(with),
                "baseline_events_per_s": .double(without),
                "ratio": .double(with / without),
                "validation_cost_percent": .double((1 - with / without) * 100),
            ])
        ]
    }
}
