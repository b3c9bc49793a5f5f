import ArgumentParser
import EventLog
import Experiments
import Foundation
import Schemas

/// `ledgerline experiments`: A/B tests and bandits, from their YAML definitions to the
/// report.
struct ExperimentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "Lint, publish and inspect experiments; assign customers; report results; re-weight bandits.",
        discussion: """
            Definitions are YAML files in rules/experiments/ (--dir DIR for another folder). \
            Publishing appends ExperimentConfigured events; assignments, exposures and bandit \
            re-weightings are events too, so every result can be recomputed from the log.

            Examples:
              ledgerline experiments lint
              ledgerline experiments publish
              ledgerline experiments list
              ledgerline experiments show followup-subject
              ledgerline experiments assign followup-subject --customer c-42 --record \\
                --attributes '{"lifecycle_stage":"opportunity","unsubscribed":false}'
              ledgerline experiments report followup-subject --correction holm \\
                --html report.html
              ledgerline experiments reweight offer-cadence
            """,
        subcommands: [Lint.self, Publish.self, List.self, Show.self, Assign.self, Report.self, Reweight.self]
    )
}

/// Where experiment definitions are read from.
struct DefinitionOptions: ParsableArguments {
    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("The folder of experiment definitions.", valueName: "dir"))
    var directory: String = "rules/experiments"

    /// Every definition in the folder, linted against each other and the event catalog.
    func catalog() throws(ExperimentsError) -> ExperimentCatalog {
        try ExperimentCatalog.load(
            directory: URL(fileURLWithPath: directory), displayPrefix: directory,
            eventCatalog: ExperimentsCLI.eventCatalog)
    }
}

/// Helpers the experiments subcommands share.
enum ExperimentsCLI {
    /// The catalog built into ledgerline, which every append is validated against:
    /// definitions are linted against it (metric event types, the `ExperimentConfigured`
    /// payload publishing appends).
    static var eventCatalog: EventCatalog { EventCatalog.embedded }

    /// `--at`: an RFC 3339 time or a day (its start, UTC); `nil` when not given. A value
    /// that is neither is a usage error (exit 64), as a view's `--now` is; commands check
    /// it in `validate()`, before anything is read.
    static func time(_ text: String?) throws(ValidationError) -> Timestamp? {
        guard let text else { return nil }
        return try ViewQueryOptions.instant(text, option: "--at", endOfDay: false)
    }
}
