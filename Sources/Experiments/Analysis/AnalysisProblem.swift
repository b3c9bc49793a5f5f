/// Why a comparison could not be computed; the result then carries gbstats' uninformative
/// defaults (estimate 0, interval [0, 0], p-value 1 or chance to win ½).
public enum AnalysisProblem: String, Sendable, Hashable, Codable {
    /// A variation has no units yet (`NO_UNITS_IN_VARIATION`).
    case noUnits = "NO_UNITS_IN_VARIATION"
    /// A variation's variance is zero or negative: every unit has the same value
    /// (`ZERO_NEGATIVE_VARIANCE`).
    case zeroVariance = "ZERO_NEGATIVE_VARIANCE"
    /// The control mean is zero, so a relative lift is undefined (`ZERO_NEGATIVE_BASELINE_VARIATION`).
    case zeroBaseline = "ZERO_NEGATIVE_BASELINE_VARIATION"

    /// What the problem means for a reader of the report.
    public var explanation: String {
        switch self {
        case .noUnits: return "control or the variation has no exposed units yet; wait for traffic"
        case .zeroVariance: return "every unit in a variation has the same value; wait for more data"
        case .zeroBaseline: return "the control's mean is zero, so a lift relative to it is undefined"
        }
    }
}
