import ArgumentParser
import EventLog
import Experiments
import JSON
import Projections

extension ExperimentsCommand {
    /// `ledgerline experiments assign KEY --customer ID`: the decision and why; `--record` appends it.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which variation a customer gets and why; --record appends the assignment and exposure.",
            discussion: """
                The decision uses the configuration and weights in force, the customer's sticky \
                assignments (their VariantAssigned events) and their attributes, which targeting \
                reads as customer.<field>. Attributes come from the customer view (see \
                `customers show ID --json`; also `lifecycle_stage`, `unsubscribed`, `owner`, `tags`, \
                `frequency`, `monetary` and `scores` at the top level), or from --attributes \
                instead; the customer id is always there as `id` (an `id` in --attributes must be \
                the same). With --record a new assignment appends VariantAssigned and \
                every assignment appends ExperimentExposed to customer-<id>, with ids derived from \
                the decision, so recording twice stores once.

                Examples:
                  ledgerline experiments assign followup-subject --customer c-42 \\
                    --attributes '{"lifecycle_stage":"opportunity","unsubscribed":false}'
                  ledgerline experiments assign offer-cadence --customer c-42 \\
                    --attributes '{"segment":"smb"}' --record
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The experiment's key.")
        var key: String

        @Option(help: "The customer's id (as in their stream customer-<id>).")
        var customer: String

        @Option(help: "The customer's attributes as a JSON object, e.g. '{\"segment\":\"smb\"}'.")
        var attributes: String?

        @Flag(help: "Append the assignment and the exposure to the log.")
        var record = false

        @Option(
            help: "With --record: when the customer was exposed (RFC 3339, or a day: its start, UTC); default: now.")
        var at: String?

        @Option(help: "With --record: who exposed them (recorded as the events' actor).")
        var actor: String?

        @Flag(help: "Print the decision as JSON.")
        var json = false

        /// A malformed `--at` is a usage error, refused before the store is opened.
        func validate() throws { _ = try ExperimentsCLI.time(at) }

        func run() async throws {
            try await CommandErrors.run {
                let given = try parsedAttributes()
                let time = try ExperimentsCLI.time(at)
                // Targeting reads the customer view (caught up first), unless --attributes
                // gives the attributes outright.
                let session = try await ViewSession.open(
                    global, try ViewQueryOptions.parse([]), views: [CustomerProjection()])
                defer { session.close() }
                let store = session.store
                var profiles: (any CustomerProfileProvider)?
                if given == nil {
                    let pipelines = try PipelineConfiguration.load(explicit: nil)
                    let profile = try session.queries.state(of: customer, in: CustomerProjection(), at: session.point)
                        .map {
                            TargetingProfile.attributes(
                                CustomerSummary($0, referenceTime: session.point.referenceTime, pipelines: pipelines))
                        }
                    let id = customer
                    profiles = CustomerProfiles.closure { asked in asked == id ? profile : nil }
                }
                let assigner = ExperimentAssigner(store: store, profiles: profiles)
                let decision = try assigner.decide(experimentKey: key, customerId: customer, attributes: given)
                var recorded: [AppendedEvent] = []
                if record { recorded = try await assigner.record(decision, at: time, actor: actor) }
                if json {
                    var value = decision.json
                    if record {
                        value = .object(
                            (value.objectValue ?? JSONObject()).setting(
                                "recorded",
                                .array(
                                    recorded.map {
                                        .object(
                                            JSONObject([
                                                "seq": .number(JSONNumber($0.position.rawValue)),
                                                "duplicate": .bool($0.isDuplicate),
                                            ]))
                                    })))
                    }
                    Output.line(JSONWriter.canonicalString(value))
                } else {
                    for line in decision.explanation { Output.line(line) }
                    if record {
                        if recorded.isEmpty {
                            Output.line("nothing recorded: the customer is not in the experiment")
                        } else {
                            let what = recorded.map {
                                "seq \($0.position)" + ($0.isDuplicate ? " (already recorded)" : "")
                            }.joined(separator: ", ")
                            Output.line(
                                "recorded \(decision.isNewAssignment ? "VariantAssigned and " : "")ExperimentExposed: \(what)"
                            )
                        }
                    }
                }
                Output.flush()
            }
        }

        /// `--attributes`, parsed; a clear error for anything but a JSON object.
        func parsedAttributes() throws -> JSONObject? {
            guard let attributes else { return nil }
            let value: JSONValue
            do {
                value = try JSONParser.parse(attributes)
            } catch {
                throw InputError(
                    "--attributes is not valid JSON: \(error); give one object such as '{\"segment\":\"smb\"}'")
            }
            guard case .object(let object) = value else {
                throw InputError(
                    "--attributes must be a JSON object of the customer's attributes, found \(value.typeName); "
                        + "e.g. '{\"segment\":\"smb\"}'")
            }
            return object
        }
    }
}

extension JSONObject {
    func setting(_ key: String, _ value: JSONValue) -> JSONObject {
        var copy = self
        copy[key] = value
        return copy
    }
}

/// The customer view as experiment targeting reads it: the whole customer summary, plus
/// the handful of fields targeting rules use most, at the top level.
enum TargetingProfile {
    static func attributes(_ summary: CustomerSummary) -> JSONObject {
        var object = summary.json.objectValue ?? JSONObject()
        func at(_ path: String...) -> JSONValue? {
            var value: JSONValue? = .object(object)
            for key in path { value = value?.objectValue?[key] }
            return value
        }
        if let stage = at("lifecycle", "stage") { object["lifecycle_stage"] = stage }
        if case .bool(let granted)? = at("consent", "email", "granted") { object["unsubscribed"] = .bool(!granted) }
        if let owner = at("identity", "ownerId") { object["owner"] = owner }
        if let frequency = at("rfm", "frequency") { object["frequency"] = frequency }
        if let monetary = at("rfm", "monetary") { object["monetary"] = monetary }
        return object
    }
}
