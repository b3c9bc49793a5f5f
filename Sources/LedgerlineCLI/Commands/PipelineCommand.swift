import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

/// `ledgerline pipeline`: the pipeline view, read against the pipeline configuration.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Pipeline summary, stage-to-stage funnel and single deals, from the pipeline view.",
        discussion: """
            Stages, their order, probabilities and which stages close a deal come from \
            rules/pipelines.yaml (or --pipelines FILE); deals in pipelines or stages it does \
            not list are still counted (see `pipeline funnel --help`). Money is exact, per \
            currency.

            Examples:
              ledgerline pipeline summary
              ledgerline pipeline summary --by owner --from 2026-01-01 --to 2026-04-01
              ledgerline pipeline funnel --pipeline default --json
              ledgerline pipeline deal D-7
            """,
        subcommands: [Summary.self, Funnel.self, Deal.self]
    )

    /// `--owner`, `--pipeline`, `--from`, `--to`.
    struct FilterOptions: ParsableArguments {
        @Option(help: "Only deals this user owns now.") var owner: String?
        @Option(help: "Only this pipeline: a configured one, or one deals are in.") var pipeline: String?
        @Option(help: ArgumentHelp("Period start, inclusive (a day or a time).", valueName: "time")) var from: String?
        @Option(help: ArgumentHelp("Period end, exclusive (a day or a time).", valueName: "time")) var to: String?

        /// A period that does not parse, or ends before it starts, is a usage error.
        func validate() throws {
            _ = try filter()
        }

        func filter() throws(ValidationError) -> DealFilter {
            let start = try from.map { text throws(ValidationError) in
                try ViewQueryOptions.instant(text, option: "--from", endOfDay: false)
            }
            let end = try to.map { text throws(ValidationError) in
                try ViewQueryOptions.instant(text, option: "--to", endOfDay: false)
            }
            if let start, let end, end <= start {
                throw ValidationError(
                    "--to \(end) is not after --from \(start); give a period that ends after it starts")
            }
            return DealFilter(owner: owner, pipeline: pipeline, from: start, to: end)
        }
    }

    /// The deals of the view at the session's point, and the book to read them with.
    static func deals(_ session: ViewSession, _ configuration: PipelineConfiguration) throws -> (
        [DealState], PipelineBook
    ) {
        let deals = try session.queries.states(in: PipelineProjection(), at: session.point)
        return (deals, PipelineBook(configuration: configuration, deals: deals))
    }

    static func title(_ id: String, _ name: String, configured: Bool) -> String {
        "pipeline \(id)\(name != id ? " — \(name)" : "")\(configured ? "" : " (not configured: stage order inferred from the deals)")"
    }
}
