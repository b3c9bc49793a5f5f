import EventLog

/// Builds an ``ExperimentReport`` from the log.
///
/// For each phase: the units are the customers with an `ExperimentExposed` event of the
/// phase, each in the variation of their first exposure; a metric's value for a unit comes
/// from the events of the metric's type (with the customer's id in their stream or
/// payload) that occurred within the metric's window after that first exposure and pass
/// its filter. Revenue is summed exactly (``DecimalAmount``) per unit before the
/// statistics see it. Each phase is analysed under the configuration in force, so
/// exposures before and after an allocation change are never mixed.
///
/// Reading starts at the experiment's first `ExperimentConfigured`: events recorded before
/// the experiment was published are not counted.
///
/// Cost: see ``ExperimentScan``; the statistics are linear in the units.
public struct ExperimentReporter: Sendable {
    public let store: any EventStore

    public init(store: any EventStore) { self.store = store }

    /// Reports on experiment `key`.
    ///
    /// - Throws: ``ExperimentsError/Code/unknownExperiment`` when nothing was published under
    ///   `key`; ``ExperimentsError/Code/invalidInput`` for a phase it does not have or a
    ///   ``ReportOptions/through`` past the log's head;
    ///   ``ExperimentsError/Code/noData`` when no phase reported has any exposure;
    ///   ``ExperimentsError/Code/log`` when reading fails.
    public func report(experimentKey key: String, options: ReportOptions = ReportOptions()) throws(ExperimentsError)
        -> ExperimentReport
    {
        let history = try ExperimentHistory.load(key, from: store)
        guard let current = history.current else { throw ExperimentsError.notPublished(key) }
        if let phase = options.phase, !history.phases.contains(phase) {
            throw ExperimentsError(
                .invalidInput,
                "experiment `\(key)` has no phase \(phase); its phases are "
                    + history.phases.map(String.init).joined(separator: ", "))
        }
        let head: LogPosition
        do {
            head = try store.head().position
        } catch {
            throw .logFailure(error, while: "reading the log's head")
        }
        // A report through a position the log has not reached would change as it grows.
        if let given = options.through, given > head {
            throw ExperimentsError(
                .invalidInput,
                "--through \(given) is past the end of the log (its last position is \(head)); "
                    + "give a position up to \(head)")
        }
        let through = options.through ?? head
        let scan = ExperimentScan(store: store, history: history, through: through)
        let units = try scan.exposures(phases: options.phase.map { [$0] })
        if units.allSatisfy({ $0.count == 0 }) {
            let phases = units.map { String($0.phase) }.joined(separator: ", ")
            throw ExperimentsError(
                .noData,
                "experiment `\(key)` has no exposures in the log through seq \(through) (phase \(phases)), so there is "
                    + "nothing to analyse yet; exposures are ExperimentExposed events: record them with "
                    + "`ledgerline experiments assign \(key) --customer ID --record`, or check that whatever shows "
                    + "the variations records them")
        }
        var metrics: [MetricDefinition] = []
        for phaseUnits in units {
            let definition = history.configuration(phase: phaseUnits.phase, at: through)?.definition
            for metric in definition?.metrics ?? [] where !metrics.contains(metric) { metrics.append(metric) }
        }
        let tallies = try scan.fold(metrics, over: units)
        var phases: [PhaseReport] = []
        for (p, phaseUnits) in units.enumerated() {
            guard let configuration = history.configuration(phase: phaseUnits.phase, at: through),
                let start = history.start(of: phaseUnits.phase)
            else { continue }
            let byMetric = Dictionary(zip(metrics, tallies[p]), uniquingKeysWith: { first, _ in first })
            phases.append(
                PhaseAnalysis(
                    units: phaseUnits, configuration: configuration, startedAt: start.occurredAt,
                    history: history, options: options
                ).report(tallies: configuration.definition.metrics.compactMap { byMetric[$0] }))
        }
        return ExperimentReport(
            experimentKey: key, name: current.definition.name, status: current.definition.status,
            isBandit: current.definition.bandit != nil, through: through, options: options, phases: phases)
    }
}

extension ExperimentsError {
    /// Nothing has been published under `key`.
    public static func notPublished(_ key: String) -> ExperimentsError {
        ExperimentsError(
            .unknownExperiment,
            "no experiment `\(key)` has been published to this log; check the key with "
                + "`ledgerline experiments list`, or publish it with `ledgerline experiments publish \(key)`")
    }
}
