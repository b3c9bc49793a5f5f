import EventLog
import JSON

/// Assigns customers to experiments from the log, and records the assignments.
///
/// A decision reads the experiment's history (the configuration and weights in force),
/// the customer's sticky assignments (``StickyAssignmentProjection`` of their stream) and
/// their attributes (given, else from the ``CustomerProfileProvider``), evaluates the
/// targeting expression and runs GrowthBook's allocation. Nothing else goes in: no clock,
/// no randomness. Recording appends, in one atomic batch on the customer's stream, a
/// `VariantAssigned` for the customer's first assignment in the phase (so the projection
/// keeps them in that variation from then on; `sticky` says whether an earlier phase's
/// assignment decided it) and an `ExperimentExposed`, which analysis counts.
///
/// Event ids derive from the decision: a `VariantAssigned` from the experiment, phase,
/// bucket version and customer (one per customer and phase: a second one with other
/// content is refused by the log), an `ExperimentExposed` from those, the variation and the
/// exposure time, so recording the same exposure twice stores it once.
///
/// Cost: two stream reads per decision (the experiment's and the customer's) and one
/// targeting evaluation; recording is one append.
public struct ExperimentAssigner: Sendable {
    public let store: any EventStore
    /// Where attributes come from when a decision is not given them; `nil` means only the
    /// customer id (as `id`) is known.
    public let profiles: (any CustomerProfileProvider)?

    public init(store: any EventStore, profiles: (any CustomerProfileProvider)? = nil) {
        self.store = store
        self.profiles = profiles
    }

    /// Decides the variation of customer `customerId` in experiment `experimentKey`.
    ///
    /// - Parameter attributes: the customer's attributes; when `nil` they come from
    ///   ``profiles``. Either way `id` is `customerId`: it is added when missing.
    /// - Throws: ``ExperimentsError/Code/unknownExperiment`` when nothing was published under
    ///   the key; ``ExperimentsError/Code/unknownCustomer`` for an id that cannot name a
    ///   customer stream; ``ExperimentsError/Code/invalidInput`` when the attributes give
    ///   another `id`; ``ExperimentsError/Code/log`` when the log fails.
    public func decide(
        experimentKey: String, customerId: String, attributes given: JSONObject? = nil
    ) throws(ExperimentsError) -> AssignmentDecision {
        let history = try ExperimentHistory.load(experimentKey, from: store)
        return try decide(history: history, customerId: customerId, attributes: given)
    }

    /// As ``decide(experimentKey:customerId:attributes:)`` with the history already read,
    /// for callers assigning many customers to one experiment.
    public func decide(
        history: ExperimentHistory, customerId: String, attributes given: JSONObject? = nil
    ) throws(ExperimentsError) -> AssignmentDecision {
        guard let configuration = history.current else { throw ExperimentsError.notPublished(history.key) }
        _ = try ExperimentEvents.customerStream(customerId)
        var attributes = JSONObject()
        if let given {
            attributes = given
        } else if let profiles, let found = try profiles.attributes(of: customerId) {
            attributes = found
        }
        // `id` is what `hash_attribute: id` hashes, and the decision is recorded on the
        // customer's stream: another id would record one customer's bucket as another's.
        if let id = attributes["id"], id.javaScriptString != customerId {
            throw ExperimentsError(
                .invalidInput,
                "the attributes give `id` as \(JSONWriter.canonicalString(id)), but the customer is \"\(customerId)\": "
                    + "`id` is always the customer's id, so leave it out of the attributes "
                    + "(or make it \"\(customerId)\")")
        }
        if attributes["id"] == nil { attributes["id"] = .string(customerId) }
        let head: LogPosition
        do {
            head = try store.head().position
        } catch {
            throw .logFailure(error, while: "reading the log's head")
        }
        let sticky = try StickyAssignmentProjection.load(customer: customerId, from: store)
        let definition = configuration.definition
        let targeting = try ExperimentTargeting(definition.targeting).evaluate(attributes)
        let weights = history.weights(phase: configuration.phase) ?? definition.weights
        let experiment = definition.experiment(phase: String(configuration.phase), weights: weights)
        let context = EvaluationContext(attributes: .object(attributes), stickyAssignments: sticky.assignments)
        let result = experiment.assign(in: context) { targeting.includes }
        return AssignmentDecision(
            customerId: customerId, configuration: configuration, weights: weights, attributes: attributes,
            targeting: targeting, result: result, head: head,
            isRecorded: sticky.hasAssignment(
                experimentKey: history.key, phase: configuration.phase, customerId: customerId))
    }

    /// The events recording `decision`: a `VariantAssigned` when it is a new assignment,
    /// then an `ExperimentExposed`; none when the customer is not in the experiment.
    public func events(
        for decision: AssignmentDecision, at time: Timestamp? = nil, actor: String? = nil,
        causationId: EventID? = nil, correlationId: EventID? = nil
    ) throws(ExperimentsError) -> [ProposedEvent] {
        guard decision.inExperiment else { return [] }
        let time = time ?? .now
        let stream = try ExperimentEvents.customerStream(decision.customerId)
        let phase = String(decision.phase)
        var events: [ProposedEvent] = []
        var cause = causationId
        if decision.isNewAssignment {
            let id = ExperimentEvents.derivedID(
                ExperimentEvents.variantAssigned.rawValue, decision.experimentKey, phase,
                String(decision.result.bucketVersion), decision.customerId)
            events.append(
                ProposedEvent(
                    id: id, stream: stream, type: ExperimentEvents.variantAssigned,
                    data: decision.variantAssignedPayload, occurredAt: time, actor: actor,
                    correlationId: correlationId ?? causationId, causationId: causationId))
            cause = id
        }
        let exposureID = ExperimentEvents.derivedID(
            ExperimentEvents.exposed.rawValue, decision.experimentKey, phase, decision.customerId,
            decision.result.variationKey, String(time.rawValue))
        events.append(
            ProposedEvent(
                id: exposureID, stream: stream, type: ExperimentEvents.exposed, data: decision.exposedPayload,
                occurredAt: time, actor: actor, correlationId: correlationId ?? causationId ?? cause,
                causationId: cause))
        return events
    }

    /// Appends the events of `decision` (see ``events(for:at:actor:causationId:correlationId:)``)
    /// in one atomic batch.
    ///
    /// - Parameters:
    ///   - at: when the customer was exposed (the events' `occurredAt`); default: now.
    ///   - causationId: the event that caused the exposure (an `EmailSent`, a `RuleFired`).
    /// - Returns: where each event landed; duplicates when the decision was recorded before.
    /// - Throws: ``ExperimentsError/Code/log`` when the log refuses the batch.
    @discardableResult
    public func record(
        _ decision: AssignmentDecision, at time: Timestamp? = nil, actor: String? = nil,
        causationId: EventID? = nil, correlationId: EventID? = nil
    ) async throws(ExperimentsError) -> [AppendedEvent] {
        let events = try events(
            for: decision, at: time, actor: actor, causationId: causationId, correlationId: correlationId)
        guard !events.isEmpty else { return [] }
        do {
            return try await store.append(events).events
        } catch {
            throw .logFailure(error, while: "recording the exposure of customer `\(decision.customerId)`")
        }
    }
}
