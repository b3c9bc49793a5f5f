/// The sample-ratio-mismatch check: do the variations' unit counts match their weights?
///
/// A mismatch means assignment or exposure logging is broken (a variation crashes, a
/// redirect loses people) and every other number in the report is suspect. Pearson's
/// chi-square goodness of fit, as gbstats' `check_srm`: expected counts from the weights
/// (variations with weight 0 are left out of the sum), k − 1 degrees of freedom.
public struct SampleRatioMismatch: Sendable, Hashable {
    /// GrowthBook's warning threshold.
    public static let warningThreshold = 0.001

    public var chiSquare: Double
    public var degreesOfFreedom: Int
    public var pValue: Double

    /// Whether the report should warn: p < 0.001.
    public var isMismatch: Bool { pValue < Self.warningThreshold }

    /// Tests `units` (per variation) against `weights` (any positive scale).
    public init(units: [Int], weights: [Double]) {
        let total = units.reduce(0, +)
        degreesOfFreedom = max(0, units.count - 1)
        guard total > 0, units.count == weights.count else {
            chiSquare = 0
            pValue = 1
            return
        }
        let totalWeight = weights.reduce(0, +)
        var x = 0.0
        for (observed, weight) in zip(units, weights) where weight > 0 {
            let expected = weight / totalWeight * Double(total)
            x += (Double(observed) - expected) * (Double(observed) - expected) / expected
        }
        chiSquare = x
        pValue = degreesOfFreedom == 0 ? 1 : ChiSquared.sf(x, df: Double(degreesOfFreedom))
    }
}
