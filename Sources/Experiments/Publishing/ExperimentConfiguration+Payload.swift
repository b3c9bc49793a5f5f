import EventLog
import JSON

extension ExperimentConfiguration {
    /// The `ExperimentConfigured` payload for `definition` in `phase`.
    ///
    /// The schema's summary fields (variations and weights, hash settings, coverage,
    /// namespace, targeting as `condition`, goal event types, `bandit`) are filled from the
    /// definition, and `definition` carries its canonical JSON whole, which is what
    /// ``init(recorded:)`` reads back. `sticky` is always true: Ledgerline keeps sticky
    /// assignments for every experiment.
    public static func payload(
        definition: ExperimentDefinition, phase: Int, phaseChanges: [String] = [], checksum: String? = nil,
        configuredBy: String? = nil
    ) -> JSONObject {
        var members: [String: JSONValue] = [
            "experimentKey": .string(definition.key),
            "phase": .number(JSONNumber(phase)),
            "name": .string(definition.name),
            "status": .string(definition.status.rawValue),
            "variations": .array(
                definition.variations.map { v in
                    .object(
                        JSONObject([
                            "key": .string(v.id), "name": .string(v.name),
                            "weight": .number(JSONNumber(v.weight)),
                        ]))
                }),
            "hashAttribute": .string(definition.hashAttribute),
            "hashVersion": .number(JSONNumber(definition.hashVersion.rawValue)),
            "seed": .string(definition.seed),
            "coverage": .number(JSONNumber(definition.coverage)),
            "sticky": .bool(true),
            "bandit": .bool(definition.bandit != nil),
            "definition": definition.canonicalJSON,
        ]
        if let namespace = definition.namespace {
            members["namespace"] = .array([
                .string(namespace.id), .number(JSONNumber(namespace.start)), .number(JSONNumber(namespace.end)),
            ])
        }
        if let targeting = definition.targeting { members["condition"] = .string(targeting) }
        var goalTypes: [String] = []
        for metric in definition.goals where !goalTypes.contains(metric.event) { goalTypes.append(metric.event) }
        if !goalTypes.isEmpty { members["goals"] = .array(goalTypes.map(JSONValue.string)) }
        if !phaseChanges.isEmpty { members["phaseChanges"] = .array(phaseChanges.map(JSONValue.string)) }
        if let checksum { members["checksum"] = .string(checksum) }
        if let configuredBy { members["configuredBy"] = .string(configuredBy) }
        return JSONObject(members)
    }

    /// Reads an `ExperimentConfigured` event back.
    ///
    /// - Throws: ``ExperimentsError/Code/invalidEvent`` when the event carries no canonical
    ///   `definition` (it was not written by ``ExperimentPublisher``) or the definition
    ///   does not read back; the message names the position.
    public init(recorded event: RecordedEvent) throws(ExperimentsError) {
        let data = event.data
        guard let phase = data["phase"]?.numberValue?.int64Value, let json = data["definition"] else {
            throw ExperimentsError(
                .invalidEvent,
                "the ExperimentConfigured event at position \(event.position) has no phase or no canonical "
                    + "definition; publish the experiment with `ledgerline experiments publish`")
        }
        let definition: ExperimentDefinition
        do {
            definition = try ExperimentDefinition(canonicalJSON: json)
        } catch {
            throw ExperimentsError(
                .invalidEvent,
                "the definition in the ExperimentConfigured event at position \(event.position) does not read back: "
                    + error.description, cause: error)
        }
        self.init(
            definition: definition, phase: Int(phase),
            phaseChanges: data["phaseChanges"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            checksum: data["checksum"]?.stringValue, configuredBy: data["configuredBy"]?.stringValue,
            position: event.position, version: event.version, occurredAt: event.occurredAt, eventID: event.id)
    }
}
