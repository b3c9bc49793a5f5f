import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

/// `ledgerline customers`: the customer view, as sales reps read it.
struct CustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Show one customer or list customers from the customer view.",
        discussion: """
            Answers from the view (caught up first), never by scanning the log. --as-of \
            answers as the view stood at a log position or time (a day = its end); --now \
            sets the instant recency is measured to (a day = its start (00:00 UTC)).

            Examples:
              ledgerline customers show C100042
              ledgerline customers show C100042 --as-of 2026-11-01 --json
              ledgerline customers list --stage customer --sort monetary --limit 20
            """,
        subcommands: [Show.self, List.self]
    )

    /// Where deal statuses come from: `--pipelines FILE`, else `rules/pipelines.yaml`.
    struct PipelineOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "The pipeline configuration (stages, probabilities, won/lost). Default: \(PipelineConfiguration.defaultPath) when it exists.",
                valueName: "file"))
        var pipelines: String?

        func load() throws -> PipelineConfiguration { try PipelineConfiguration.load(explicit: pipelines) }
    }
}
