import Foundation
import JSON
import Testing

@testable import Schemas

/// Runs the JSON Schema Test Suite (draft 2020-12) from `../shared/conformance`.
///
/// Every file of `draft2020-12/` runs with `format` as an annotation, every file of
/// `optional/format/` with `format` as an assertion. Cases whose schema needs a
/// document this suite does not ship (the `http://localhost:1234/` remotes, the
/// draft 2020-12 metaschema) are skipped and listed with the reason.
@Suite struct ConformanceTests {
    static let suiteDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/conformance/jsonschema/draft2020-12").standardizedFileURL

    struct FileResult {
        var name: String
        var passed = 0
        var failed: [String] = []
        var skipped: [String] = []
        var total: Int { passed + failed.count }
    }

    @Test func draft2020_12SuitePassesAtLeast99Percent() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: Self.suiteDirectory.path) else {
            print("JSON Schema conformance: skipped, \(Self.suiteDirectory.path) is absent (a checkout without ../shared)")
            return
        }
        var files: [(URL, Bool)] = []
        for name in try fm.contentsOfDirectory(atPath: Self.suiteDirectory.path).sorted() where name.hasSuffix(".json") {
            files.append((Self.suiteDirectory.appendingPathComponent(name), false))
        }
        let formatDirectory = Self.suiteDirectory.appendingPathComponent("optional/format")
        if let names = try? fm.contentsOfDirectory(atPath: formatDirectory.path) {
            for name in names.sorted() where name.hasSuffix(".json") {
                files.append((formatDirectory.appendingPathComponent(name), true))
            }
        }
        var results: [FileResult] = []
        for (url, assertFormat) in files {
            let name = url.path.replacingOccurrences(of: Self.suiteDirectory.path + "/", with: "")
            results.append(try Self.run(url, name: name, assertFormat: assertFormat))
        }

        let passed = results.reduce(0) { $0 + $1.passed }
        let total = results.reduce(0) { $0 + $1.total }
        let skipped = results.flatMap(\.skipped)
        print("JSON Schema draft 2020-12 conformance (\(Self.suiteDirectory.path)):")
        for r in results {
            let rate = r.total == 0 ? 100 : 100 * Double(r.passed) / Double(r.total)
            print("  \(r.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(r.passed)/\(r.total)  \(String(format: "%.1f", rate))%\(r.skipped.isEmpty ? "" : "  (\(r.skipped.count) skipped)")")
        }
        let rate = total == 0 ? 100 : 100 * Double(passed) / Double(total)
        print("  overall: \(passed)/\(total) = \(String(format: "%.2f", rate))%, \(skipped.count) skipped")
        for s in skipped { print("  skipped: \(s)") }
        for r in results { for f in r.failed { print("  FAILED: \(r.name): \(f)") } }
        #expect(rate >= 99, "conformance \(rate)% is below 99%")
    }

    static func run(_ url: URL, name: String, assertFormat: Bool) throws -> FileResult {
        var result = FileResult(name: name)
        let groups = try JSONParser.parse(String(contentsOf: url, encoding: .utf8)).arrayValue ?? []
        for group in groups {
            let description = group["description"]?.stringValue ?? "?"
            let tests = group["tests"]?.arrayValue ?? []
            let schema: Schema
            do {
                schema = try Schema(group["schema"] ?? true, options: ValidationOptions(formatAssertion: assertFormat))
            } catch {
                if error.code == .unresolvedReference, let reason = skipReason(error.unresolvedReferences) {
                    for test in tests {
                        result.skipped.append("\(name): \(description) / \(test["description"]?.stringValue ?? "?"): \(reason)")
                    }
                } else {
                    for test in tests {
                        result.failed.append("\(description) / \(test["description"]?.stringValue ?? "?"): schema did not compile: \(error)")
                    }
                }
                continue
            }
            for test in tests {
                let data = test["data"] ?? .null
                let expected = test["valid"]?.boolValue ?? false
                let fast = schema.isValid(data)
                let violations = schema.violations(of: data)
                let label = "\(description) / \(test["description"]?.stringValue ?? "?")"
                if fast != expected {
                    result.failed.append("\(label): expected \(expected ? "valid" : "invalid"), got \(fast ? "valid" : "invalid")")
                } else if violations.isEmpty != fast {
                    result.failed.append("\(label): the collecting mode disagrees (\(violations.count) violations)")
                } else {
                    result.passed += 1
                }
            }
        }
        return result
    }

    /// Why a case whose references cannot all be resolved is out of scope, or `nil`.
    static func skipReason(_ references: [String]) -> String? {
        if references.allSatisfy({ $0.hasPrefix("http://localhost:1234/") }) {
            return "needs the suite's remote documents (\(references.joined(separator: ", "))), out of scope"
        }
        if references.allSatisfy({ $0.hasPrefix("https://json-schema.org/") || $0.hasPrefix("http://localhost:1234/") }) {
            return "needs the draft 2020-12 metaschema (\(references.joined(separator: ", "))), which is not bundled"
        }
        return nil
    }
}
