import EventLog

/// Everything the log says about one experiment: its configurations and its bandit
/// re-weightings, folded from the `experiment-<key>` stream in log order.
///
/// It answers the questions assignment and analysis ask: which configuration is in force,
/// when each phase started, which bucket version a phase used, and which weights applied
/// at a given log position.
///
/// Cost: ``load(_:from:)`` reads one stream; an experiment has a handful of events, or
/// one per re-weighting for a bandit.
public struct ExperimentHistory: Sendable {
    public let key: String
    /// Every configuration, oldest first.
    public private(set) var configurations: [ExperimentConfiguration] = []
    /// Every bandit re-weighting, oldest first.
    public private(set) var weightUpdates: [BanditWeightsUpdate] = []
    /// The stream's version after the last event folded: what the next append expects.
    public private(set) var version: StreamVersion = .none

    public init(key: String) { self.key = key }

    /// Reads the experiment's stream.
    ///
    /// - Throws: ``ExperimentsError/Code/invalidEvent`` for an event this build cannot read,
    ///   ``ExperimentsError/Code/log`` when the log fails.
    public static func load(_ key: String, from store: any EventStore) throws(ExperimentsError) -> ExperimentHistory {
        let stream = try ExperimentEvents.experimentStream(key)
        var history = ExperimentHistory(key: key)
        try store.forEachEvent(
            in: stream, readFailure: { ExperimentsError.logFailure($0, while: "reading the history of experiment `\(key)`") }
        ) { event throws(ExperimentsError) in try history.apply(event) }
        return history
    }

    /// Folds one event of the experiment's stream; other types only advance ``version``.
    public mutating func apply(_ event: RecordedEvent) throws(ExperimentsError) {
        version = event.version
        switch event.type {
        case ExperimentEvents.configured: configurations.append(try ExperimentConfiguration(recorded: event))
        case ExperimentEvents.banditWeightsUpdated: weightUpdates.append(try BanditWeightsUpdate(recorded: event))
        default: break
        }
    }

    /// The configuration in force: the last one published.
    public var current: ExperimentConfiguration? { configurations.last }

    /// The phases, in order.
    public var phases: [Int] {
        var seen: [Int] = []
        for configuration in configurations where seen.last != configuration.phase { seen.append(configuration.phase) }
        return seen
    }

    /// The configuration that started `phase`.
    public func start(of phase: Int) -> ExperimentConfiguration? { configurations.first { $0.phase == phase } }

    /// The last configuration of `phase` (at or before `position`, when given).
    public func configuration(phase: Int, at position: LogPosition? = nil) -> ExperimentConfiguration? {
        configurations.last { $0.phase == phase && (position == nil || $0.position <= position!) }
    }

    /// The re-weightings of `phase`, oldest first.
    public func weightUpdates(phase: Int) -> [BanditWeightsUpdate] { weightUpdates.filter { $0.phase == phase } }

    /// The weights new assignments in `phase` received just after `position`: the latest
    /// re-weighting of the phase before it, else the definition's weights.
    public func weights(phase: Int, at position: LogPosition? = nil) -> [Double]? {
        if let update = weightUpdates.last(where: {
            $0.phase == phase && (position == nil || ($0.position ?? .start) < position!)
        }) {
            return update.weights
        }
        return configuration(phase: phase, at: position)?.definition.weights ?? start(of: phase)?.definition.weights
    }

    /// The runtime experiment of the current configuration with the weights in force now.
    public var currentExperiment: Experiment? {
        guard let current else { return nil }
        return current.definition.experiment(phase: String(current.phase), weights: weights(phase: current.phase))
    }
}
