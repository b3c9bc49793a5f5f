/// The analysis of one metric across an experiment's variations: per-variation rates or
/// means with intervals, and every treatment against control.
///
/// Pure: built from per-variation ``SufficientStatistics`` alone, in the order of the
/// experiment's variations, control first.
public struct MetricAnalysis: Sendable, Hashable {
    public var kind: StatisticKind
    public var settings: AnalysisSettings
    public var variations: [MetricStatistic]
    public var comparisons: [VariationComparison]

    /// Analyses one metric.
    ///
    /// - Parameters:
    ///   - statistics: per variation, control first; at least two.
    ///   - inverse: lower is better (the metric's direction is `decrease`).
    /// - Throws: ``ExperimentsError/Code/invalidInput`` with fewer than two variations or
    ///   negative counts.
    public static func analyze(
        _ kind: StatisticKind, statistics: [SufficientStatistics], inverse: Bool = false,
        settings: AnalysisSettings = AnalysisSettings()
    ) throws(ExperimentsError) -> MetricAnalysis {
        guard statistics.count >= 2 else {
            throw ExperimentsError(
                .invalidInput,
                "an analysis needs control and at least one treatment; got \(statistics.count) variation(s)")
        }
        guard statistics.allSatisfy({ $0.units >= 0 && $0.sumOfSquares >= 0 }) else {
            throw ExperimentsError(
                .invalidInput,
                "unit counts and sums of squares cannot be negative; check how the statistics were folded")
        }
        let stats = statistics.map { MetricStatistic(kind, $0) }
        let control = stats[0]
        let alpha = settings.alpha
        let comparisons = stats.indices.dropFirst().map { i -> VariationComparison in
            let treatment = stats[i]
            // An arm without units leaves nothing to compare, whichever check a test makes
            // first (gbstats' t-tests look at the control mean before the units).
            guard control.units > 0, treatment.units > 0 else {
                let none = FrequentistResult.uninformative(.noUnits, level: 1 - alpha)
                return VariationComparison(
                    variation: i, absoluteLift: nil, relativeLift: nil, frequentist: none,
                    sequential: settings.sequential ? none : nil,
                    bayesian: .uninformative(.noUnits, level: 1 - alpha, difference: settings.difference))
            }
            let frequentist =
                kind == .proportion
                ? TwoProportionZTest.compare(
                    control: control.statistics, treatment: treatment.statistics,
                    difference: settings.difference, alpha: alpha)
                : WelchTTest.compare(
                    control: control, treatment: treatment, difference: settings.difference, alpha: alpha)
            return VariationComparison(
                variation: i, absoluteLift: Lift(control: control, treatment: treatment, type: .absolute),
                relativeLift: control.mean == 0 ? nil : Lift(control: control, treatment: treatment, type: .relative),
                frequentist: frequentist,
                sequential: settings.sequential
                    ? SequentialTest.compare(
                        control: control, treatment: treatment, difference: settings.difference,
                        alpha: alpha, tuning: settings.sequentialTuning)
                    : nil,
                bayesian: BayesianTest.compare(
                    control: control, treatment: treatment, difference: settings.difference,
                    prior: settings.prior, inverse: inverse, alpha: alpha))
        }
        return MetricAnalysis(kind: kind, settings: settings, variations: stats, comparisons: comparisons)
    }

    /// Each variation's interval for its rate or mean (Wilson for proportions).
    public var variationIntervals: [ConfidenceInterval] {
        variations.map {
            kind == .proportion
                ? $0.wilsonInterval(level: settings.confidenceLevel) : $0.interval(level: settings.confidenceLevel)
        }
    }
}
