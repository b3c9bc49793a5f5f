import EventLog

/// How `ledgerline experiments report` analyses an experiment.
public struct ReportOptions: Sendable, Hashable {
    /// Confidence of intervals (and credibility of Bayesian ones); 0.95 by default.
    public var confidenceLevel: Double
    /// Add always-valid intervals and p-values, safe under continuous monitoring.
    public var sequential: Bool
    /// Adjust the p-values of every treatment of every metric of a phase together.
    public var correction: MultipleComparisons.Method?
    /// Report only this phase; `nil` reports every phase.
    public var phase: Int?
    /// Read the log only up to this position (inclusive); `nil` reads to the head. A report
    /// through a position is the same whenever it is run, so one past the head is refused.
    public var through: LogPosition?
    /// The most points a phase's cumulative timeline has.
    public var timelinePoints: Int

    public init(
        confidenceLevel: Double = 0.95, sequential: Bool = false, correction: MultipleComparisons.Method? = nil,
        phase: Int? = nil, through: LogPosition? = nil, timelinePoints: Int = 60
    ) {
        self.confidenceLevel = confidenceLevel
        self.sequential = sequential
        self.correction = correction
        self.phase = phase
        self.through = through
        self.timelinePoints = timelinePoints
    }
}
