import ArgumentParser
import EventLog
import Experiments
import JSON

extension ExperimentsCommand {
    /// `ledgerline experiments assign KEY --customer ID`: the decision and why; `--record` appends it.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which variation a customer gets and why; --record appends the assignment and exposure.",
            discussion: """
                The decision uses the configuration and weights in force, the customer's sticky \
                assignments (their VariantAssigned events) and their attributes, which targeting \
                reads as customer.<field>. Attributes come from --attributes; the customer id is \
                always there as `id`. With --record a new assignment appends VariantAssigned and \
                every assignment appends ExperimentExposed to customer-<id>, with ids derived from \
                the decision, so recording twice stores once.

                Examples:
                  ledgerline experiments assign followup-subject --customer c-42 --attributes '{"lifecycle_stage":"opportunity","unsubscribed":false}'
                  ledgerline experiments assign offer-cadence --customer c-42 --attributes '{"segment":"smb"}' --record
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

        @Option(help: "With --record: when the customer was exposed (RFC 3339); default: now.")
        var at: String?

        @Option(help: "With --record: who exposed them (recorded as the events' actor).")
        var actor: String?

        @Flag(help: "Print the decision as JSON.")
        var json = false

        func run() async throws {
            try await CommandErrors.run {
                let given = try parsedAttributes()
                let time = try at.map { try ExperimentsCLI.time($0) }
                let store = try global.openStore()
                defer { store.close() }
                let assigner = ExperimentAssigner(store: store)
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
