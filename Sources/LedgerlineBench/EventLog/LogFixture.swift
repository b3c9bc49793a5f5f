@_spi(Benchmarking) import EventLog
import Foundation

/// The benchmark log: the workload file and a store it was imported into, built once
/// per run and shared by the scenarios that read it.
actor LogFixture {
    static let shared = LogFixture()

    struct Built: Sendable {
        var workload: EventLogWorkload
        var file: URL
        var storeDirectory: URL
    }

    private var built: Built?

    /// The workload file (generated on first use).
    func workloadFile(_ context: BenchContext) throws -> (EventLogWorkload, URL) {
        let workload = EventLogWorkload(scale: context.scale)
        let file = context.workDirectory.deletingLastPathComponent().appendingPathComponent("fixture-\(workload.events).jsonl")
        if !FileManager.default.fileExists(atPath: file.path) {
            FileHandle.standardError.write(Data("  generating \(workload.events) events...\n".utf8))
            try workload.write(to: file)
        }
        return (workload, file)
    }

    /// A store holding the whole workload, imported with the real CLI.
    func store(_ context: BenchContext) throws -> Built {
        if let built { return built }
        let (workload, file) = try workloadFile(context)
        let directory = context.workDirectory.deletingLastPathComponent().appendingPathComponent("fixture-store-\(workload.events)")
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("data.mdb").path) {
            FileHandle.standardError.write(Data("  importing the fixture log...\n".utf8))
            let outcome = try ChildProcess.run(context.ledgerlineExecutable, ["--data", directory.path, "import", file.path, "--json"])
            guard outcome.status == 0 else { throw BenchError("fixture import failed: \(outcome.stderr)") }
        }
        let result = Built(workload: workload, file: file, storeDirectory: directory)
        built = result
        return result
    }

    /// Parses the workload file into proposals exactly as the importer does.
    nonisolated func proposals(from file: URL) throws -> [ProposedEvent] {
        let text = try Data(contentsOf: file)
        var events: [ProposedEvent] = []
        try text.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var line = 1
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                let parsed = try ImportLine.parse(UnsafeBufferPointer(rebasing: bytes[start..<i]), lineNumber: line)
                events.append(parsed.event)
                start = i + 1
                line += 1
            }
        }
        return events
    }
}
