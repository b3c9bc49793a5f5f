/// The lift of a treatment over control with its delta-method variance (gbstats'
/// `frequentist_diff` and `frequentist_variance`).
///
/// Absolute: `μB − μA`, variance `σ²B/nB + σ²A/nA`.
/// Relative: `(μB − μA)/μA`, variance `σ²B/(μA² nB) + σ²A μB²/(μA⁴ nA)`.
public struct Lift: Sendable, Hashable {
    public var type: DifferenceType
    public var estimate: Double
    public var variance: Double

    public init(control: MetricStatistic, treatment: MetricStatistic, type: DifferenceType) {
        self.type = type
        let a = control
        let b = treatment
        let na = Double(a.units)
        let nb = Double(b.units)
        switch type {
        case .absolute:
            estimate = b.mean - a.mean
            variance = b.variance / nb + a.variance / na
        case .relative:
            estimate = (b.mean - a.mean) / a.mean
            variance =
                b.variance / (a.mean * a.mean * nb) + a.variance * b.mean * b.mean
                / (a.mean * a.mean * a.mean * a.mean * na)
        }
    }

    public var standardError: Double { variance.squareRoot() }

    /// The normal (delta-method) interval at `level`.
    public func interval(level: Double = 0.95) -> ConfidenceInterval {
        let z = Normal.quantile(1 - (1 - level) / 2)
        return ConfidenceInterval(
            lower: estimate - z * standardError, upper: estimate + z * standardError, level: level)
    }
}
