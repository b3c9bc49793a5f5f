/// One metric of one phase.
public struct MetricReport: Sendable {
    public enum Role: String, Sendable, Hashable {
        case goal
        case guardrail
    }

    public var metric: MetricDefinition
    public var role: Role
    /// Rates or means per variation with intervals, and every treatment against control.
    public var analysis: MetricAnalysis
    /// Units that converted (for revenue: units with any revenue), per variation.
    public var conversions: [Int]
    /// For revenue: the exact total per variation, in ``currency``.
    public var totals: [DecimalAmount]?
    public var currency: String?
    /// Holm or Benjamini–Hochberg adjusted p-values, one per treatment, when asked for.
    public var adjustedPValues: [Double]?
    /// The cumulative result by exposure time, for the chart of lift over time.
    public var timeline: [TimelinePoint]
    public var warnings: [String]
}
