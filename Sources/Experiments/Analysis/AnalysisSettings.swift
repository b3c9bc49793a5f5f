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
