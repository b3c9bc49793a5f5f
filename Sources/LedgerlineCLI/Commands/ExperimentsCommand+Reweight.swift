import ArgumentParser
import EventLog
import Experiments
import Foundation
import JSON

extension ExperimentsCommand {
    /// `ledgerline experiments reweight KEY`: one scheduled Thompson-sampling update of a bandit.
    struct Reweight: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-weight a bandit by Thompson sampling when its schedule says so; appends BanditWeightsUpdated.",
            discussion: """
                Run it from cron (or let a rules timer call the same code): it appends nothing \
                until `bandit.schedule` has passed since the phase's last re-weighting or start. \
                Weights stay equal during burn-in; afterwards each arm gets its minimum share \
                plus the rest in proportion to its probability of being best. The evidence \
                (exposures and goal conversions through the log's head), the seed (SHA-256 of \
                key, phase, head position and head hash) and the time are recorded, so a replay \
                recomputes the same weights. Customers already assigned keep their variation.

                Examples:
                  ledgerline experiments reweight offer-cadence
                  ledgerline experiments reweight offer-cadence --force --dry-run
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The bandit experiment's key.")
        var key: String

        @Option(help: "The time of the re-weighting (RFC 3339, or a day: its start, UTC); default: now.")
        var at: String?

        @Flag(help: "Re-weight even if the schedule says not yet.")
        var force = false

        @Flag(help: "Show the new weights without appending them.")
        var dryRun = false

        @Flag(help: "Print JSON.")
        var json = false

        /// A malformed `--at` is a usage error, refused before the store is opened.
        func validate() throws { _ = try ExperimentsCLI.time(at) }

        func run() async throws {
            try await CommandErrors.run {
                let time = try ExperimentsCLI.time(at) ?? .now
                let store = try global.openStore()
                defer { store.close() }
                let rebalancer = BanditRebalancer(store: store)
                let outcome =
                    dryRun
                    ? try rebalancer.plan(experimentKey: key, at: time, force: force).outcome
                    : try await rebalancer.rebalance(experimentKey: key, at: time, force: force)
                switch outcome {
                case .notDue(let last, let due):
                    if json {
                        Output.line(
                            JSONWriter.canonicalString(
                                .object(
                                    JSONObject([
                                        "key": .string(key), "due": .string(due.description),
                                        "last": .string(last.description), "updated": .bool(false),
                                    ]))))
                    } else {
                        Output.line(
                            "\(key): not due; last re-weighting \(last), next at \(due) (use --force to re-weight now)")
                    }
                case .update(let update):
                    if json {
                        var payload = update.payload
                        payload["updated"] = .bool(!dryRun)
                        if let position = update.position { payload["seq"] = .number(JSONNumber(position.rawValue)) }
                        Output.line(JSONWriter.canonicalString(.object(payload)))
                    } else {
                        let head =
                            (dryRun ? "would re-weight" : "re-weighted") + " \(key) phase \(update.phase)"
                            + (update.burnIn ? " (burn-in: weights stay equal)" : "")
                            + (update.position.map { " at seq \($0)" } ?? "")
                        Output.line(head)
                        for arm in update.arms {
                            Output.line(
                                "  \(arm.key): \(arm.conversions)/\(arm.units) converted, P(best) "
                                    + String(format: "%.3f", arm.probabilityBest) + ", weight "
                                    + String(format: "%.4f", arm.weight))
                        }
                        Output.line(
                            "  evidence through seq \(update.logPosition), seed \(update.seed), \(update.draws) draws")
                    }
                }
                Output.flush()
            }
        }
    }
}
