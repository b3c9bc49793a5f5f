import Crypto
import EventLog

/// Publishes experiment definitions to the log as `ExperimentConfigured` events.
///
/// Each definition is compared with the configuration in force: the same canonical
/// definition appends nothing; a changed allocation (see
/// ``ExperimentDefinition/isSamePhase(as:)``) starts a new phase; any other change is a
/// new configuration of the same phase. All definitions go in one atomic batch, each
/// expecting its stream at the version it was read at, so a concurrent publish makes the
/// whole batch fail with ``ExperimentsError/Code/conflict`` rather than interleave. Event
/// ids derive from the key, the stream version and the definition's bytes, so retrying a
/// publish that did land stores nothing twice.
///
/// Cost: one stream read per definition, then one append.
public struct ExperimentPublisher: Sendable {
    public let store: any EventStore

    public init(store: any EventStore) { self.store = store }

    /// Decides what publishing `definitions` would do, appending nothing.
    ///
    /// - Parameters:
    ///   - configuredBy: the user id recorded as `configuredBy` and as the events' actor.
    ///   - at: when the configuration takes effect (the events' `occurredAt`); default: when
    ///     the log records them.
    /// - Throws: ``ExperimentsError/Code/conflictingDefinitions`` when two definitions share a
    ///   key; errors reading the history.
    public func plan(
        _ definitions: [ExperimentDefinition], configuredBy: String? = nil, at: Timestamp? = nil
    ) throws(ExperimentsError) -> [PublishPlan] {
        var seen: Set<String> = []
        for definition in definitions where !seen.insert(definition.key).inserted {
            throw ExperimentsError(
                .conflictingDefinitions, "`\(definition.key)` is given twice; publish each experiment once",
                field: "key")
        }
        var plans: [PublishPlan] = []
        for definition in definitions {
            let history = try ExperimentHistory.load(definition.key, from: store)
            plans.append(try plan(definition, after: history, configuredBy: configuredBy, at: at))
        }
        return plans
    }

    /// Publishes `definitions` in one atomic append and returns what each did.
    ///
    /// - Throws: as ``plan(_:configuredBy:at:)``; ``ExperimentsError/Code/conflict`` when an
    ///   experiment was published concurrently (nothing is appended); ``ExperimentsError/Code/log``.
    public func publish(
        _ definitions: [ExperimentDefinition], configuredBy: String? = nil, at: Timestamp? = nil
    ) async throws(ExperimentsError) -> [PublishPlan] {
        var plans = try plan(definitions, configuredBy: configuredBy, at: at)
        let events = plans.compactMap(\.event)
        guard !events.isEmpty else { return plans }
        let result: AppendResult
        do {
            result = try await store.append(events)
        } catch {
            throw .logFailure(error, while: "publishing \(events.count) experiment configuration(s)")
        }
        var landed = result.events.makeIterator()
        for i in plans.indices where plans[i].event != nil { plans[i].appended = landed.next() }
        return plans
    }

    func plan(
        _ definition: ExperimentDefinition, after history: ExperimentHistory, configuredBy: String?, at: Timestamp?
    ) throws(ExperimentsError) -> PublishPlan {
        let stream = try ExperimentEvents.experimentStream(definition.key)
        let phase: Int
        let outcome: PublishPlan.Outcome
        var changes: [String] = []
        if let current = history.current {
            if current.definition.canonicalBytes == definition.canonicalBytes {
                return PublishPlan(key: definition.key, outcome: .unchanged, phase: current.phase)
            }
            // A change dated before the last one would start a phase before the one it
            // follows (phase 2 before phase 1), and every report reads phases by time.
            let last = max(current.occurredAt, history.weightUpdates(phase: current.phase).last?.occurredAt ?? current.occurredAt)
            if let at, at < last {
                throw ExperimentsError(
                    .invalidInput,
                    "cannot publish `\(definition.key)` at \(at), before its last change (\(last), phase \(current.phase)); "
                        + "give a time at or after that, or none for now")
            }
            if definition.isSamePhase(as: current.definition) {
                phase = current.phase
                outcome = .samePhase
            } else {
                phase = current.phase + 1
                let sameArms = definition.variations.map(\.id) == current.definition.variations.map(\.id)
                changes = definition.phaseChanges(since: current.definition).map {
                    $0 == "variations" ? (sameArms ? "weights" : "variations") : $0
                }
                outcome = .newPhase(changes: changes)
            }
        } else {
            phase = 1
            outcome = .firstPhase
        }
        let payload = ExperimentConfiguration.payload(
            definition: definition, phase: phase, phaseChanges: changes, checksum: definition.checksum,
            configuredBy: configuredBy)
        let id = ExperimentEvents.derivedID(
            ExperimentEvents.configured.rawValue, definition.key, String(history.version.next.rawValue),
            String(decoding: definition.canonicalBytes, as: UTF8.self))
        let event = ProposedEvent(
            id: id, stream: stream, type: ExperimentEvents.configured, data: payload, occurredAt: at,
            actor: configuredBy,
            expectedVersion: history.version == .none ? .noStream : .exact(history.version))
        return PublishPlan(key: definition.key, outcome: outcome, phase: phase, event: event)
    }
}

extension ExperimentDefinition {
    /// SHA-256 of ``canonicalBytes`` in lower-case hex: the hash `ExperimentConfigured`
    /// records, so a report can prove which definition was in force.
    public var checksum: String {
        SHA256.hash(data: canonicalBytes).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}
