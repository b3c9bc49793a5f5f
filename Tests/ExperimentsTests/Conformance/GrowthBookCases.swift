import Foundation
import JSON

/// GrowthBook's SDK conformance cases (`../shared/conformance/growthbook/cases.json`),
/// located from this file so the tests run from any working directory.
enum GrowthBookCases {
    /// The package root: three levels above this file (`Tests/ExperimentsTests/Conformance`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let file = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/growthbook/cases.json")

    static var available: Bool { FileManager.default.fileExists(atPath: file.path) }

    static let skipMessage =
        "GrowthBook conformance cases not found at \(file.path); check out ../shared beside the package"

    /// The parsed suite, read once.
    static let suite: JSONValue? = {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return try? JSONParser.parse(Array(data))
    }()

    /// The cases of `section`, each a positional array.
    static func section(_ name: String) -> [[JSONValue]] {
        (suite?[name]?.arrayValue ?? []).compactMap(\.arrayValue)
    }
}

/// Tallies one section's outcome and prints it the same way for every section.
struct SectionReport {
    let section: String
    var passed = 0
    var failures: [String] = []
    var skipped: [(name: String, reason: String)] = []

    init(_ section: String) { self.section = section }

    mutating func check(_ name: String, _ ok: Bool, _ detail: @autoclosure () -> String = "") {
        if ok { passed += 1 } else { failures.append("\(name)\(detail().isEmpty ? "" : ": " + detail())") }
    }

    mutating func skip(_ name: String, because reason: String) { skipped.append((name, reason)) }

    /// Prints `section: passed/run (rate)`, then each failure and skipped case.
    func print() {
        let run = passed + failures.count
        let rate = run == 0 ? 100 : Double(passed) / Double(run) * 100
        var lines = [
            "GrowthBook conformance \(section): \(passed)/\(run) passed (\(String(format: "%.1f", rate))%)"
                + (skipped.isEmpty ? "" : ", \(skipped.count) skipped")
        ]
        lines += failures.map { "  FAIL \($0)" }
        lines += skipped.map { "  SKIP \($0.name): \($0.reason)" }
        Swift.print(lines.joined(separator: "\n"))
    }
}

extension JSONValue {
    /// Numeric-tolerant structural equality for comparing results with expectations.
    func approximatelyEquals(_ other: JSONValue, tolerance: Double = 1e-9) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return abs(a.doubleValue - b.doubleValue) <= tolerance
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.approximatelyEquals($1, tolerance: tolerance) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy {
                    $0.key == $1.key && $0.value.approximatelyEquals($1.value, tolerance: tolerance)
                }
        default: return self == other
        }
    }
}
