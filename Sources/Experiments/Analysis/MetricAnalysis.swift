/// How an experiment report is computed.
public struct AnalysisSettings: Sendable, Hashable, Codable {
    /// Confidence (and credibility) of intervals, 0.95 by default.
    public var confidenceLevel: Double
    /// Whether lifts are reported relative to control or as differences.
    public var difference: DifferenceType
    /// Add always-valid intervals and p-values (safe under continuous monitoring).
    public var sequential: Bool
    /// The sequential tuning parameter τ (gbstats' default 5000).
    public var sequentialTuning: Double
    /// The prior on the relative lift for the Bayesian results.
    public var prior: GaussianPrior

    public init(
        confidenceLevel: Double = 0.95, difference: DifferenceType = .relative, sequential: Bool = false,
        sequentialTuning: Double = SequentialTest.defaultTuning, prior: GaussianPrior = GaussianPrior()
    ) {
        self.confidenceLevel = confidenceLevel
        self.difference = difference
        self.sequential = sequential
        self.sequentialTuning = sequentialTuning
        self.prior = prior
    }

    public var alpha: Double { 1 - confidenceLevel }
}

/// One treatment compared with control on one metric.
public struct VariationComparison: Sendable, Hashable {
    /// The treatment's index (control is 0).
    public var variation: Int
    public var absoluteLift: Lift
    /// `nil` when the control mean is 0.
    public var relativeLift: Lift?
    /// Two-proportion z-test for proportions, Welch's t-test for means, on the settings' difference type.
    public var frequentist: FrequentistResult
    /// Always-valid results, when the settings ask for them.
    public var sequential: FrequentistResult?
    public var bayesian: BayesianResult
}

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

extension MultipleComparisons {
    public enum Method: String, Sendable, Hashable, Codable {
        case holm
        case benjaminiHochberg = "benjamini-hochberg"
    }

    /// Adjusts the frequentist p-values of every comparison of every metric together, and
    /// returns them in the same shape: one array per metric, one entry per treatment.
    public static func adjust(_ analyses: [MetricAnalysis], method: Method) -> [[Double]] {
        let flat = analyses.flatMap { $0.comparisons.map(\.frequentist.pValue) }
        let adjusted = method == .holm ? holm(flat) : benjaminiHochberg(flat)
        var result: [[Double]] = []
        var offset = 0
        for analysis in analyses {
            result.append(Array(adjusted[offset..<offset + analysis.comparisons.count]))
            offset += analysis.comparisons.count
        }
        return result
    }
}
