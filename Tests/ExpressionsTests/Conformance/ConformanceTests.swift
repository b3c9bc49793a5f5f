import Foundation
import Testing

@testable import Expressions

/// Runs the cel-spec "simple" conformance files in `../shared/conformance/cel` and prints, per
/// file, how many cases pass, every skipped case with its reason and every failure.
///
/// Each case goes through the pipeline simple.proto describes: parse (with or without macros),
/// type-check against `type_env` unless `disable_check`, stop after checking when
/// `check_only`, then evaluate with `bindings` and compare with the matcher (`value` by
/// structural equality, NaN matching NaN; `eval_error` by the presence of an error, since
/// error texts differ between implementations; no matcher means `true`).
enum ConformanceSuite {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/conformance/cel").standardizedFileURL

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: directory.path) }

    static var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".textproto") }.sorted().map { directory.appendingPathComponent($0) }
    }

    enum Outcome {
        case pass
        case fail(String)
        case skip(String)
    }

    struct FileReport {
        var name: String
        var passed = 0
        var failed: [(String, String)] = []
        var skipped: [(String, String)] = []
        var total: Int { passed + failed.count + skipped.count }
    }

    static func run(_ url: URL) throws -> FileReport {
        let file = SimpleTestFile(try TextProtoParser.parse(String(contentsOf: url, encoding: .utf8)))
        var report = FileReport(name: url.deletingPathExtension().lastPathComponent)
        for section in file.sections {
            for test in section.tests {
                let id = "\(section.name)/\(test.name)"
                switch run(test) {
                case .pass: report.passed += 1
                case .fail(let why): report.failed.append((id, why))
                case .skip(let why): report.skipped.append((id, why))
                }
            }
        }
        return report
    }

    static func run(_ test: SimpleTest) -> Outcome {
        do {
            return try runChecked(test)
        } catch let unsupported as Unsupported {
            return .skip(unsupported.reason)
        } catch {
            return .fail("\(error)")
        }
    }

    private static func runChecked(_ test: SimpleTest) throws -> Outcome {
        if !test.container.isEmpty { return .skip("needs protocol buffer container '\(test.container)'") }
        if case .unknown = test.expectation { return .skip("unknown-set results are not implemented") }
        var environment = Environment()
        for declaration in test.declarations where !declaration.isFunction {
            environment.declare(
                declaration.name,
                try declaration.ident.map { (t: TextProtoMessage) throws(Unsupported) -> ExprType in
                    try ConformanceValues.type(t)
                } ?? .dyn)
        }
        if test.declarations.contains(where: { $0.isFunction }) { return .skip("declares extension functions") }

        let tree: SyntaxTree
        do { tree = try environment.parse(test.expr, macros: !test.disableMacros) } catch {
            return .fail("parse: \(error)")
        }
        if containsMessageLiteral(tree.root) { return .skip("builds a protocol buffer message") }

        if !test.disableCheck {
            let result = environment.check(tree)
            if let issue = result.issues.first { return .fail("check: \(issue.summary)") }
            if case .typedResult(_, let deduced?) = test.expectation {
                let expected = try ConformanceValues.type(deduced)
                if result.type != expected {
                    return .fail("deduced type \(result.type.map { "\($0)" } ?? "-"), expected \(expected)")
                }
            }
        }
        if test.checkOnly { return .pass }

        var activation = Activation()
        for binding in test.bindings { activation[binding.name] = try ConformanceValues.value(binding.value) }
        let program = try environment.compileUnchecked(tree)
        let outcome: Result<Value, ExpressionError>
        do { outcome = .success(try program.evaluate(activation)) } catch { outcome = .failure(error) }

        let expected: Value?
        switch test.expectation {
        case .defaultTrue: expected = .bool(true)
        case .value(let m): expected = try ConformanceValues.value(m)
        case .typedResult(let m, _):
            expected = try m.map { (v: TextProtoMessage) throws(Unsupported) -> Value in try ConformanceValues.value(v)
            }
        case .evalError: expected = nil
        case .unknown: return .skip("unknown-set results are not implemented")
        }
        switch (outcome, expected) {
        case (.success(let actual), let expected?):
            return actual == expected ? .pass : .fail("got \(actual.literal), expected \(expected.literal)")
        case (.success(let actual), nil):
            return .fail("got \(actual.literal), expected an evaluation error")
        case (.failure, nil):
            return .pass
        case (.failure(let error), let expected?):
            return .fail("error '\(error.summary)', expected \(expected.literal)")
        }
    }

    private static func containsMessageLiteral(_ expr: Expr) -> Bool {
        if case .message = expr.kind { return true }
        return expr.children.contains(where: containsMessageLiteral)
    }
}

@Suite("CEL conformance (cel-spec simple tests)")
struct ConformanceTests {
    /// The whole suite must pass at 98% or better; prints the per-file table, every skipped case
    /// with its reason and every failing case with what went wrong.
    @Test(
        "conformance pass rate is at least 98%",
        .enabled(if: ConformanceSuite.isAvailable, "../shared/conformance/cel is absent; conformance cases not run"))
    func conformancePassRateIsAtLeast98Percent() throws {
        var reports: [ConformanceSuite.FileReport] = []
        for url in ConformanceSuite.files { reports.append(try ConformanceSuite.run(url)) }
        var lines = ["CEL conformance, \(ConformanceSuite.directory.path):"]
        for report in reports {
            let rate = report.total == 0 ? 100 : Double(report.passed) * 100 / Double(report.total)
            lines.append(
                "  \(report.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(report.passed)/\(report.total) passed"
                    + " (\(String(format: "%.1f", rate))%), \(report.failed.count) failed, \(report.skipped.count) skipped"
            )
        }
        let passed = reports.map(\.passed).reduce(0, +)
        let total = reports.map(\.total).reduce(0, +)
        let rate = total == 0 ? 0 : Double(passed) * 100 / Double(total)
        lines.append("  overall        \(passed)/\(total) passed (\(String(format: "%.2f", rate))%)")
        for report in reports {
            for (id, why) in report.skipped { lines.append("  SKIPPED \(report.name)/\(id): \(why)") }
        }
        for report in reports {
            for (id, why) in report.failed { lines.append("  FAILED  \(report.name)/\(id): \(why)") }
        }
        print(lines.joined(separator: "\n"))
        #expect(total > 0)
        #expect(rate >= 98, "conformance pass rate \(rate)% is below 98%")
    }
}
