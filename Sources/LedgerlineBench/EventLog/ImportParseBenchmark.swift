import EventLog
import Foundation

/// `import-parse`: the cost of turning one import line into a checked event on one
/// core — the work both import passes do per line — without touching the store.
struct ImportParseBenchmark: BenchmarkScenario {
    let name = "import-parse"
    let summary = "parse and check import lines on one core (µs per line), no store"

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let (_, file) = try await LogFixture.shared.workloadFile(context)
        let data = try Data(contentsOf: file)
        var ranges: [(Int, Int)] = []
        data.withUnsafeBytes { raw in
            var start = 0
            for i in 0..<raw.count where raw[i] == 0x0A {
                ranges.append((start, i))
                start = i + 1
                if ranges.count == 200_000 { break }
            }
        }
        var results: [BenchResult] = []
        for checkOnly in [true, false] {
            let started = monotonicNanoseconds()
            var bytes = 0
            try data.withUnsafeBytes { raw in
                let buffer = raw.bindMemory(to: UInt8.self)
                for (n, range) in ranges.enumerated() {
                    let parsed = try ImportLine.parse(UnsafeBufferPointer(rebasing: buffer[range.0..<range.1]), lineNumber: n + 1, checkOnly: checkOnly)
                    bytes &+= parsed.event.payload.count
                }
            }
            let seconds = Double(monotonicNanoseconds() - started) / 1e9
            results.append(BenchResult(name, [
                "mode": .string(checkOnly ? "check" : "append"),
                "lines": .int(ranges.count),
                "lines_per_s": .double(Double(ranges.count) / seconds),
                "us_per_line": .double(seconds * 1e6 / Double(ranges.count)),
            ]))
            precondition(checkOnly || bytes > 0)
        }
        return results
    }
}
