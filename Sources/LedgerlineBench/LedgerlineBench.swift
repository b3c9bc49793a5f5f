import Foundation

/// `ledgerline-bench [--quick] [--list] [SCENARIO ...]`: runs the benchmark scenarios and
/// prints a table followed by one JSON line per result.
@main
struct LedgerlineBench {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var scale = 1.0
        if let i = arguments.firstIndex(of: "--quick") {
            arguments.remove(at: i)
            scale = 0.05
        }
        if arguments.contains("--list") {
            for scenario in allScenarios { print("\(scenario.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(scenario.summary)") }
            return
        }
        let known = Set(allScenarios.map(\.name))
        if let unknown = arguments.first(where: { !known.contains($0) }) {
            FileHandle.standardError.write(Data("ledgerline-bench: unknown scenario '\(unknown)'; run with --list to see them\n".utf8))
            exit(2)
        }
        let selected = allScenarios.filter { arguments.isEmpty || arguments.contains($0.name) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("ledgerline")
        let base = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LEDGERLINE_BENCH_DIR"] ?? "bench-data")
        var results: [BenchResult] = []
        for scenario in selected {
            let work = base.appendingPathComponent(scenario.name)
            try? FileManager.default.removeItem(at: work)
            try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            FileHandle.standardError.write(Data("running \(scenario.name)...\n".utf8))
            do {
                let rows = try await scenario.run(BenchContext(workDirectory: work, scale: scale, ledgerlineExecutable: executable))
                results += rows
                for row in rows { FileHandle.standardError.write(Data("  \(row.jsonLine)\n".utf8)) }
            } catch {
                FileHandle.standardError.write(Data("ledgerline-bench: \(scenario.name) failed: \(error)\n".utf8))
                results.append(BenchResult(scenario.name, ["error": .string("\(error)")]))
            }
            try? FileManager.default.removeItem(at: work)
        }
        printTable(results)
        for result in results { print(result.jsonLine) }
    }

    static func printTable(_ results: [BenchResult]) {
        for result in results {
            print(result.scenario)
            for (key, value) in result.fields {
                print("  \(key.padding(toLength: 28, withPad: " ", startingAt: 0)) \(value)")
            }
        }
        print("")
    }
}
