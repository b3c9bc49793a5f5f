/// How a metric's values are modelled.
public enum StatisticKind: String, Sendable, Hashable, Codable {
    /// 0/1 per unit; variance p(1 − p) (gbstats' `ProportionStatistic`).
    case proportion
    /// Any value per unit; sample variance with n − 1 (gbstats' `SampleMeanStatistic`).
    case mean

    /// Conversion metrics are proportions, revenue metrics means.
    public init(_ kind: MetricDefinition.Kind) {
        self = kind == .conversion ? .proportion : .mean
    }
}
