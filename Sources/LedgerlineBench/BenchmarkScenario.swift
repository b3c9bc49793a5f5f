import Foundation

/// One benchmark scenario of `make bench`.
///
/// A scenario measures one capability end to end and, where the issue asks for it,
/// a baseline measured in the same run (raw LMDB on the same data, say), so that the
/// printed ratio is the engine's own overhead rather than the machine's speed.
protocol BenchmarkScenario: Sendable {
    /// The name used on the command line and in the `scenario` field of the JSON line.
    var name: String { get }
    /// One line shown by `ledgerline-bench --list`.
    var summary: String { get }
    func run(_ context: BenchContext) async throws -> [BenchResult]
}

/// Shared settings for a benchmark run.
struct BenchContext: Sendable {
    /// A scratch folder the scenario may fill; removed after the run.
    var workDirectory: URL
    /// Scale factor: 1.0 is the size the issues specify; `--quick` runs use less.
    var scale: Double
    /// The `ledgerline` executable next to this one, for scenarios that measure the real CLI.
    var ledgerlineExecutable: URL

    func count(_ full: Int) -> Int { max(1, Int((Double(full) * scale).rounded())) }
}

/// A measured number, printed both in the table and as one JSON line.
enum BenchValue: Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)

    var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? String(format: v >= 100 ? "%.0f" : "%.3f", v) : "null"
        case .string(let s): return s
        case .bool(let b): return String(b)
        }
    }

    var json: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? String(format: "%.6g", v) : "null"
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        case .bool(let b): return String(b)
        }
    }
}

/// One row of results: the scenario name and its fields in print order.
struct BenchResult: Sendable {
    var scenario: String
    var fields: [(String, BenchValue)]

    init(_ scenario: String, _ fields: KeyValuePairs<String, BenchValue>) {
        self.scenario = scenario
        self.fields = fields.map { ($0.key, $0.value) }
    }

    var jsonLine: String {
        var parts = ["\"scenario\": \(BenchValue.string(scenario).json)"]
        for (key, value) in fields { parts.append("\(BenchValue.string(key).json): \(value.json)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
