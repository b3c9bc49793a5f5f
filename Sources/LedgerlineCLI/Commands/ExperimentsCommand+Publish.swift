import ArgumentParser
import Experiments
import JSON
import Schemas

extension ExperimentsCommand {
    /// `ledgerline experiments publish [KEY ...]`: append `ExperimentConfigured` for what changed.
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish experiment definitions to the log (only those that changed).",
            discussion: """
                Every definition in the folder is linted first; if any has a problem nothing is \
                published. Re-publishing an unchanged definition appends nothing. A change of \
                weights, coverage, seed, hashing, namespace, filters, variations or bucket \
                versions starts a new phase (exposures are analysed per phase); other changes \
                (name, status, targeting, metrics) continue the phase. All keys go in one atomic \
                append.

                Examples:
                  ledgerline experiments publish
                  ledgerline experiments publish followup-subject --by u-marketing
                  ledgerline experiments publish --dry-run
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var definitions: DefinitionOptions

        @Argument(help: "The keys to publish (default: every definition in the folder).")
        var keys: [String] = []

        @Option(help: "The user id recorded as configuredBy and as the events' actor.")
        var by: String?

        @Option(help: "When the configuration takes effect (RFC 3339, or a day: its start, UTC); default: now.")
        var at: String?

        @Flag(help: "Say what would be published without appending anything.")
        var dryRun = false

        @Flag(help: "Print one JSON object per experiment.")
        var json = false

        /// A malformed `--at` or `--by` is a usage error, refused before the store is opened.
        func validate() throws {
            _ = try ExperimentsCLI.time(at)
            if let by, let problem = Self.configuredByProblem(by) {
                throw ValidationError("--by \"\(by.prefix(40))\" is not a user id (\(problem)); give one such as u-ana")
            }
        }

        /// Why `by` cannot be an `ExperimentConfigured` event's `configuredBy`, as the
        /// catalog's schema says (so that the rule is the schema's, not a copy); `nil` when it can.
        static func configuredByProblem(_ by: String) -> String? {
            let probe = ExperimentDefinition(
                key: "probe",
                variations: [VariationDefinition(id: "a", weight: 0.5), VariationDefinition(id: "b", weight: 0.5)])
            let type = ExperimentEvents.configured.rawValue
            let payload = ExperimentConfiguration.payload(definition: probe, phase: 1, configuredBy: by)
            do throws(SchemaError) {
                let catalog = ExperimentsCLI.eventCatalog
                try catalog.validate(type: type, version: try catalog.latestVersion(of: type), data: .object(payload))
                return nil
            } catch {
                return error.violations.first { $0.instanceLocation.tokens.last == "configuredBy" }?.message
            }
        }

        func run() async throws {
            try await CommandErrors.run {
                let catalog: ExperimentCatalog
                do throws(ExperimentsError) {
                    catalog = try definitions.catalog()
                } catch {
                    // A folder that cannot be listed is not a problem in the definitions.
                    if error.code == .unreadableFile, error.problems.isEmpty { throw error }
                    var refused = error
                    let count = max(1, error.problems.count)
                    refused.message =
                        "\(count.counted("problem")) in \(definitions.directory); nothing was published: fix \(count == 1 ? "it" : "them") "
                        + "(`ledgerline experiments lint` checks) and publish again"
                    if refused.problems.isEmpty { refused.problems = [error] }
                    throw refused
                }
                var selected: [ExperimentDefinition] = []
                for key in keys {
                    guard let definition = catalog.definition(key) else {
                        let known = catalog.definitions.map(\.key).joined(separator: ", ")
                        throw ExperimentsError(
                            .unknownExperiment,
                            "no definition has key `\(key)` in \(definitions.directory); "
                                + (known.isEmpty ? "the folder has none" : "its keys are: \(known)"))
                    }
                    selected.append(definition)
                }
                if keys.isEmpty { selected = catalog.definitions }
                if selected.isEmpty {
                    throw InputError(
                        "\(definitions.directory) has no experiment definitions to publish; add a YAML file")
                }
                let time = try ExperimentsCLI.time(at)
                let store = try global.openStore()
                defer { store.close() }
                let publisher = ExperimentPublisher(store: store)
                let plans =
                    dryRun
                    ? try publisher.plan(selected, configuredBy: by, at: time)
                    : try await publisher.publish(selected, configuredBy: by, at: time)
                for plan in plans {
                    if json {
                        var members: [String: JSONValue] = [
                            "key": .string(plan.key), "phase": .number(JSONNumber(plan.phase)),
                            "outcome": .string(plan.outcomeName),
                        ]
                        if case .newPhase(let changes) = plan.outcome {
                            members["changes"] = .array(changes.map(JSONValue.string))
                        }
                        if let appended = plan.appended {
                            members["seq"] = .number(JSONNumber(appended.position.rawValue))
                        }
                        Output.line(JSONWriter.canonicalString(.object(JSONObject(members))))
                    } else {
                        Output.line((dryRun && plan.event != nil ? "would publish: " : "") + plan.summary)
                    }
                }
                Output.flush()
            }
        }
    }
}

extension PublishPlan {
    /// `unchanged`, `first-phase`, `same-phase`, `new-phase`.
    var outcomeName: String {
        switch outcome {
        case .unchanged: return "unchanged"
        case .firstPhase: return "first-phase"
        case .samePhase: return "same-phase"
        case .newPhase: return "new-phase"
        }
    }
}
