import EventLog

/// One phase of an experiment: its units, sample-ratio check and metrics.
public struct PhaseReport: Sendable {
    public var phase: Int
    /// The configuration in force at the end of the phase (or now).
    public var configuration: ExperimentConfiguration
    /// When the phase's first configuration was published.
    public var startedAt: Timestamp
    public var variations: [VariationDefinition]
    /// The share of units each variation should have: the weights, or for a bandit the
    /// weights in force at each unit's exposure, averaged.
    public var expectedShares: [Double]
    /// Exposed units per variation.
    public var units: [Int]
    public var firstExposure: Timestamp?
    public var lastExposure: Timestamp?
    public var sampleRatio: SampleRatioMismatch
    public var metrics: [MetricReport]
    /// Problems a reader must know about before trusting the numbers.
    public var warnings: [String]

    public var totalUnits: Int { units.reduce(0, +) }
}
