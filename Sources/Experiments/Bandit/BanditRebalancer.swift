import Crypto
import EventLog

/// Re-weights bandit experiments from the log: Thompson sampling over the evidence the
/// log holds, recorded as a `BanditWeightsUpdated` event.
///
/// The schedule is the definition's `bandit.schedule`, measured in the time the caller
/// gives (`at`): a re-weighting is due when that much time has passed since the phase's
/// last re-weighting (or its start). Whatever drives it — `ledgerline experiments
/// reweight KEY` from cron, or a rules-engine timer passing its `TimerFired` time — calls
/// ``rebalance(experimentKey:at:force:)``; calling it early appends nothing.
///
/// Everything a re-weighting uses comes from the log, so ``replay(_:)`` recomputes it:
/// the evidence is the phase's exposures and bandit-goal conversions through the head at
/// decision time (``BanditWeightsUpdate/logPosition``); the random seed is the first 8
/// bytes of SHA-256 over the experiment key, phase, that position and the hash of the
/// event there (``seed(experimentKey:phase:logPosition:hash:)``); burn-in is measured
/// from the phase's first configuration to the update's `occurredAt`. Customers already
/// assigned keep their variation (sticky assignments); only new assignments follow the
/// new weights.
///
/// Cost: one ``ExperimentScan`` of the phase's exposures and goal events, and
/// `draws × arms` Beta samples.
public struct BanditRebalancer: Sendable {
    public let store: any EventStore
    /// Monte Carlo draws per re-weighting.
    public var draws: Int

    public init(store: any EventStore, draws: Int = ThompsonSampling.defaultDraws) {
        self.store = store
        self.draws = draws
    }

    /// What a re-weighting would do now.
    public enum Outcome: Sendable {
        /// The schedule says not yet: nothing to append before `due`.
        case notDue(last: Timestamp, due: Timestamp)
        /// The re-weighting to record (appended, when returned by ``rebalance(experimentKey:at:force:)``).
        case update(BanditWeightsUpdate)
    }

    /// Decides the re-weighting of `experimentKey` at `at`, appending nothing.
    ///
    /// - Parameter force: ignore the schedule.
    /// - Throws: ``ExperimentsError/Code/unknownExperiment`` when nothing is published under
    ///   the key; ``ExperimentsError/Code/invalidInput`` when the experiment is not a running
    ///   bandit or its goal is not a conversion metric; ``ExperimentsError/Code/log``.
    public func plan(experimentKey key: String, at: Timestamp, force: Bool = false) throws(ExperimentsError)
        -> (outcome: Outcome, event: ProposedEvent?)
    {
        let history = try ExperimentHistory.load(key, from: store)
        guard let current = history.current else { throw ExperimentsError.notPublished(key) }
        guard let settings = current.definition.bandit else {
            throw ExperimentsError(
                .invalidInput,
                "experiment `\(key)` is not a bandit, so it has no weights to update; add a `bandit:` section "
                    + "(goal, schedule, minimum_share) to its definition and publish it")
        }
        guard current.definition.status == .running else {
            throw ExperimentsError(
                .invalidInput,
                "experiment `\(key)` is \(current.definition.status.rawValue); only a running bandit is re-weighted. "
                    + "Set `status: running` and publish it")
        }
        let phase = current.phase
        // A re-weighting before the phase began, or before the last one, would rewrite
        // the order of decisions: a forced one used to reset the weights as burn-in and
        // make the next scheduled one due at once.
        if let startedAt = history.start(of: phase)?.occurredAt {
            let last = history.weightUpdates(phase: phase).last?.occurredAt ?? startedAt
            if at < last {
                throw ExperimentsError(
                    .invalidInput,
                    "cannot re-weight `\(key)` at \(at), before its \(last == startedAt ? "phase \(phase) began" : "last re-weighting") (\(last)); "
                        + "give a time at or after that, or none for now")
            }
        }
        if !force, let startedAt = history.start(of: phase)?.occurredAt {
            let last = history.weightUpdates(phase: phase).last?.occurredAt ?? startedAt
            let due = settings.schedule.after(last)
            if at < due { return (.notDue(last: last, due: due), nil) }
        }
        let head: LogHead
        do {
            head = try store.head()
        } catch {
            throw .logFailure(error, while: "reading the log's head")
        }
        let update = try decide(history: history, phase: phase, logPosition: head.position, hash: head.hash, at: at)
        let event = ProposedEvent(
            id: ExperimentEvents.derivedID(
                ExperimentEvents.banditWeightsUpdated.rawValue, key, String(phase), String(head.position.rawValue)),
            stream: try ExperimentEvents.experimentStream(key), type: ExperimentEvents.banditWeightsUpdated,
            data: update.payload, occurredAt: at, actor: "bandit:\(key)",
            expectedVersion: .exact(history.version))
        return (.update(update), event)
    }

    /// Re-weights `experimentKey` if due (or `force`), appending the `BanditWeightsUpdated`.
    ///
    /// - Throws: as ``plan(experimentKey:at:force:)``; ``ExperimentsError/Code/conflict`` when
    ///   the experiment's stream changed meanwhile (nothing appended, retry).
    public func rebalance(experimentKey key: String, at: Timestamp, force: Bool = false) async throws(ExperimentsError)
        -> Outcome
    {
        let (outcome, event) = try plan(experimentKey: key, at: at, force: force)
        guard case .update(var update) = outcome, let event else { return outcome }
        do {
            update.position = try await store.append([event]).events.first?.position
        } catch {
            throw .logFailure(error, while: "recording the re-weighting of `\(key)`")
        }
        return .update(update)
    }

    /// Recomputes a recorded re-weighting from the log: the same evidence, seed and time
    /// give the same weights. Compare the result's ``BanditWeightsUpdate/weights`` with the
    /// recorded ones to audit it.
    public func replay(_ recorded: BanditWeightsUpdate) throws(ExperimentsError) -> BanditWeightsUpdate {
        let history = try ExperimentHistory.load(recorded.experimentKey, from: store)
        let hash = try hash(at: recorded.logPosition)
        var replayed = try BanditRebalancer(store: store, draws: recorded.draws).decide(
            history: history, phase: recorded.phase, logPosition: recorded.logPosition, hash: hash,
            at: recorded.occurredAt)
        replayed.position = recorded.position
        return replayed
    }

    /// The hash of the event at `position` (the genesis hash for the empty log's position 0).
    func hash(at position: LogPosition) throws(ExperimentsError) -> EventHash {
        guard position != .start else { return .genesis }
        let found: RecordedEvent?
        do {
            found = try store.read(from: position, direction: .forward, limit: 1).first
        } catch {
            throw .logFailure(error, while: "reading position \(position)")
        }
        guard let found, found.position == position else {
            throw ExperimentsError(.invalidEvent, "the log has no event at position \(position) to replay from")
        }
        return found.hash
    }

    /// The re-weighting of `phase` from the evidence through `logPosition`.
    func decide(
        history: ExperimentHistory, phase: Int, logPosition: LogPosition, hash: EventHash, at: Timestamp
    ) throws(ExperimentsError) -> BanditWeightsUpdate {
        guard let configuration = history.configuration(phase: phase, at: logPosition),
            let settings = configuration.definition.bandit,
            let startedAt = history.start(of: phase)?.occurredAt
        else {
            throw ExperimentsError(
                .invalidInput,
                "experiment `\(history.key)` had no bandit configuration in phase \(phase) at \(logPosition)")
        }
        let definition = configuration.definition
        guard let goal = definition.goals.first(where: { $0.name == settings.goal }), goal.kind == .conversion else {
            throw ExperimentsError(
                .invalidInput,
                "the bandit goal `\(settings.goal)` of `\(history.key)` is not a conversion goal of the definition; "
                    + "name one of its conversion goals in `bandit.goal`", field: "bandit.goal")
        }
        let scan = ExperimentScan(store: store, history: history, through: logPosition)
        let units = try scan.exposures(phases: [phase])
        let k = definition.variations.count
        var arms = [(conversions: Int, units: Int)](repeating: (0, 0), count: k)
        if let phaseUnits = units.first {
            let tally = try scan.fold([goal], over: [phaseUnits])[0][0]
            for u in 0..<phaseUnits.count {
                let v = Int(phaseUnits.variation[u])
                arms[v].units += 1
                if tally.converted[u] { arms[v].conversions += 1 }
            }
        }
        let seed = Self.seed(experimentKey: history.key, phase: phase, logPosition: logPosition, hash: hash)
        let policy = BanditPolicy(settings, draws: draws)
        let decision = try policy.decide(
            arms: arms, elapsedSeconds: (at.rawValue - startedAt.rawValue) / 1_000_000, seed: seed)
        return BanditWeightsUpdate(
            experimentKey: history.key, phase: phase, goal: goal.name,
            arms: definition.variations.indices.map { i in
                BanditWeightsUpdate.Arm(
                    key: definition.variations[i].id, units: arms[i].units, conversions: arms[i].conversions,
                    probabilityBest: decision.probabilityBest[i], weight: decision.weights[i])
            }, seed: seed, logPosition: logPosition, draws: decision.draws, burnIn: decision.inBurnIn,
            occurredAt: at)
    }

    /// The seed of a re-weighting: the first 8 bytes (big-endian) of SHA-256 over
    /// `"<key>|<phase>|<position>|<hash hex>"`, so it derives from the log and differs
    /// between logs that merely share a position.
    public static func seed(experimentKey: String, phase: Int, logPosition: LogPosition, hash: EventHash) -> UInt64 {
        let text = "\(experimentKey)|\(phase)|\(logPosition.rawValue)|\(hash)"
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
