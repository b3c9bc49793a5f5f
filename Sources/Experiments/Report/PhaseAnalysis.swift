import EventLog
import Foundation

/// Turns one phase's units and metric tallies into a ``PhaseReport``: statistics per
/// variation, the analysis of each metric, the sample-ratio check, adjusted p-values,
/// timelines and warnings.
struct PhaseAnalysis {
    let units: PhaseUnits
    let configuration: ExperimentConfiguration
    let startedAt: Timestamp
    let history: ExperimentHistory
    let options: ReportOptions

    var definition: ExperimentDefinition { configuration.definition }
    var settings: AnalysisSettings {
        AnalysisSettings(confidenceLevel: options.confidenceLevel, sequential: options.sequential)
    }

    func report(tallies: [MetricTally]) -> PhaseReport {
        let counts = units.unitsPerVariation
        let shares = expectedShares()
        let srm = SampleRatioMismatch(units: counts, weights: shares)
        var warnings: [String] = []
        if units.count == 0 { warnings.append("no exposures yet in this phase") }
        if srm.isMismatch {
            warnings.append(
                "sample ratio mismatch: the units per variation do not match the weights (chi-square "
                    + "\(format(srm.chiSquare)), p = \(format(srm.pValue)) < 0.001); assignment or exposure "
                    + "logging is broken, so do not trust the results below until it is explained")
        }
        if units.conflictingExposures > 0 {
            warnings.append(
                "\(units.conflictingExposures) exposure(s) showed a customer another variation than their first; "
                    + "each customer counts in their first variation")
        }
        if units.invalidExposures > 0 {
            warnings.append("\(units.invalidExposures) exposure(s) name a variation this phase does not have; ignored")
        }
        let updates = history.weightUpdates(phase: units.phase).count
        if updates > 0 {
            warnings.append(
                "bandit: weights changed \(updates) time(s) in this phase; expected shares follow them, and "
                    + "results pool units assigned under different weights")
        }
        var metrics = tallies.map { metricReport($0, goals: definition.goals.count) }
        if let method = options.correction {
            let adjusted = MultipleComparisons.adjust(metrics.map(\.analysis), method: method)
            for i in metrics.indices { metrics[i].adjustedPValues = adjusted[i] }
        }
        let span = units.span
        return PhaseReport(
            phase: units.phase, configuration: configuration, startedAt: startedAt,
            variations: definition.variations, expectedShares: shares, units: counts,
            firstExposure: span.map { Timestamp(rawValue: $0.first) },
            lastExposure: span.map { Timestamp(rawValue: $0.last) }, sampleRatio: srm, metrics: metrics,
            warnings: warnings)
    }

    /// The weights in force at each unit's exposure, averaged; the phase's weights when
    /// nothing re-weighted it.
    func expectedShares() -> [Double] {
        let updates = history.weightUpdates(phase: units.phase)
        let base = history.start(of: units.phase)?.definition.weights ?? definition.weights
        guard !updates.isEmpty, units.count > 0 else { return base }
        var shares = [Double](repeating: 0, count: units.variationCount)
        var next = 0
        var weights = base
        for u in 0..<units.count {
            while next < updates.count, (updates[next].position?.rawValue ?? 0) < units.position[u] {
                weights = updates[next].weights
                next += 1
            }
            for v in shares.indices where v < weights.count { shares[v] += weights[v] }
        }
        return shares.map { $0 / Double(units.count) }
    }

    func metricReport(_ tally: MetricTally, goals: Int) -> MetricReport {
        let k = units.variationCount
        let kind = StatisticKind(tally.metric.kind)
        var statistics = [SufficientStatistics](
            repeating: SufficientStatistics(units: 0, sum: 0, sumOfSquares: 0), count: k)
        var conversions = [Int](repeating: 0, count: k)
        var totals = tally.metric.kind == .revenue ? [DecimalAmount](repeating: .zero, count: k) : nil
        var overflow = tally.overflowed
        for u in 0..<units.count {
            let v = Int(units.variation[u])
            if tally.converted[u] { conversions[v] += 1 }
            if totals != nil {
                let amount = tally.amounts[u]
                statistics[v].add(amount.doubleValue)
                if let sum = totals![v].adding(amount) { totals![v] = sum } else { overflow = true }
            } else {
                statistics[v].add(tally.converted[u] ? 1 : 0)
            }
        }
        let analysis =
            (try? MetricAnalysis.analyze(
                kind, statistics: statistics, inverse: tally.metric.direction == .decrease, settings: settings))
            ?? MetricAnalysis(kind: kind, settings: settings, variations: [], comparisons: [])
        var warnings: [String] = []
        if tally.filterFailures > 0 {
            warnings.append(
                "the filter could not be evaluated on \(tally.filterFailures) event(s), which did not count: "
                    + (tally.firstFilterFailure ?? ""))
        }
        if tally.otherCurrencyEvents > 0 {
            warnings.append(
                "\(tally.otherCurrencyEvents) event(s) in a currency other than \(tally.currency ?? "the first") "
                    + "were left out; revenue is never added across currencies")
        }
        if tally.unreadableAmounts > 0 {
            warnings.append(
                "\(tally.unreadableAmounts) event(s) have no decimal amount at `\(tally.metric.value ?? "")`; left out")
        }
        if overflow { warnings.append("a revenue total overflowed 64-bit units; totals are incomplete") }
        let role: MetricReport.Role = definition.guardrails.contains(tally.metric) ? .guardrail : .goal
        return MetricReport(
            metric: tally.metric, role: role, analysis: analysis, conversions: conversions, totals: totals,
            currency: tally.currency, adjustedPValues: nil, timeline: timeline(tally, kind: kind), warnings: warnings)
    }

    /// Cumulative results by time of first exposure, in at most `options.timelinePoints`
    /// buckets of an hour, a day or a week.
    func timeline(_ tally: MetricTally, kind: StatisticKind) -> [TimelinePoint] {
        guard let span = units.span else { return [] }
        let hour: Int64 = 3_600_000_000
        let length = span.last - span.first
        let size =
            [hour, 24 * hour, 7 * 24 * hour].first { length / $0 < Int64(options.timelinePoints) }
            ?? max(1, length / Int64(options.timelinePoints) + 1)
        let origin = span.first - span.first % size
        let buckets = Int((span.last - origin) / size) + 1
        let k = units.variationCount
        let empty = SufficientStatistics(units: 0, sum: 0, sumOfSquares: 0)
        var grid = [[SufficientStatistics]](
            repeating: [SufficientStatistics](repeating: empty, count: k), count: buckets)
        for u in 0..<units.count {
            let b = Int((units.exposedAt[u] - origin) / size)
            let value = tally.metric.kind == .revenue ? tally.amounts[u].doubleValue : (tally.converted[u] ? 1 : 0)
            grid[b][Int(units.variation[u])].add(value)
        }
        var running = [SufficientStatistics](repeating: empty, count: k)
        var points: [TimelinePoint] = []
        for b in 0..<buckets {
            guard grid[b].contains(where: { $0.units > 0 }) else { continue }
            for v in 0..<k { running[v] = running[v] + grid[b][v] }
            let stats = running.map { MetricStatistic(kind, $0) }
            let lifts = (1..<max(1, k)).map { v -> TimelinePoint.Lift? in
                guard stats[0].units > 0, stats[v].units > 0, stats[0].mean != 0 else { return nil }
                let lift = Lift(control: stats[0], treatment: stats[v], type: .relative)
                guard lift.variance.isFinite else { return nil }
                let interval = lift.interval(level: options.confidenceLevel)
                return TimelinePoint.Lift(estimate: lift.estimate, lower: interval.lower, upper: interval.upper)
            }
            points.append(
                TimelinePoint(
                    time: Timestamp(rawValue: min(origin + Int64(b + 1) * size, span.last)),
                    units: running.map(\.units), means: stats.map(\.mean), lifts: lifts))
        }
        return points
    }
}

/// A number for a message: four significant digits.
func format(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
    if value != 0 && abs(value) < 0.0001 { return String(format: "%.2e", value) }
    return String(format: "%.4g", value)
}
