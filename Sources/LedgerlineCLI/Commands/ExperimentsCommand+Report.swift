import ArgumentParser
import EventLog
import Experiments
import Foundation
import JSON

extension ExperimentsCommand {
    /// `ledgerline experiments report KEY`: the analysis, from the log.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Analyse an experiment from the log: per phase, metric and variation.",
            discussion: """
                Units are the customers with an ExperimentExposed event in the phase, in the \
                variation of their first exposure. Per metric (goals and guardrails of the \
                definition in force): units, conversions or exact revenue totals, rate or mean \
                with a 95% interval, absolute and relative lift with delta-method intervals, \
                the two-proportion z-test (rates) or Welch's t-test (revenue), the Bayesian \
                chance to beat control and expected loss; per phase a sample-ratio-mismatch \
                check (warning at p < 0.001). A report --through a log position (up to the \
                log's last) is the same \
                whenever it is run.

                Examples:
                  ledgerline experiments report followup-subject
                  ledgerline experiments report followup-subject --correction holm --sequential
                  ledgerline experiments report offer-cadence --json
                  ledgerline experiments report offer-cadence --html offer-cadence.html
                """)

        enum Correction: String, ExpressibleByArgument, CaseIterable {
            case holm
            case bh
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The experiment's key.")
        var key: String

        @Flag(help: "Print the report as JSON (every number unrounded, plus timelines).")
        var json = false

        @Option(
            help: ArgumentHelp("Also write a self-contained HTML page with charts to this file.", valueName: "file"))
        var html: String?

        @Option(help: "Adjust p-values across metrics (those that have one): holm or bh (Benjamini–Hochberg).")
        var correction: Correction?

        @Flag(help: "Add sequential (always-valid) intervals, safe to look at any time.")
        var sequential = false

        @Option(help: "Only this phase.")
        var phase: Int?

        @Option(help: "Read the log only up to this position (inclusive, at most the log's last).")
        var through: UInt64?

        func validate() throws {
            if let phase, phase < 1 {
                throw ValidationError("--phase must be 1 or more (an experiment's first phase is 1): \(phase)")
            }
        }

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore()
                defer { store.close() }
                var options = ReportOptions(
                    sequential: sequential, phase: phase, through: through.map { LogPosition($0) })
                switch correction {
                case .holm: options.correction = .holm
                case .bh: options.correction = .benjaminiHochberg
                case nil: break
                }
                let report = try ExperimentReporter(store: store).report(experimentKey: key, options: options)
                if let html {
                    do {
                        try Data(report.html.utf8).write(to: URL(fileURLWithPath: html))
                    } catch {
                        throw InputError(
                            "--html: cannot write \(html): \(error.localizedDescription); check the folder exists and is writable"
                        )
                    }
                }
                if json {
                    Output.line(JSONWriter.prettyString(report.json))
                } else {
                    Output.line(report.text)
                    if let html { Output.line("\nwrote \(html)") }
                }
                Output.flush()
            }
        }
    }
}
