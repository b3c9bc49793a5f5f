import Foundation

/// Always-valid (sequential) inference, as gbstats' `SequentialTwoSidedTTest` computes it.
///
/// A fixed-horizon interval is only valid if you look once; peeking daily inflates false
/// positives. This confidence sequence (Waudby-Smith et al. 2023, eq. 9, with the
/// asymptotic mixture variance ρ of eq. 161) stays valid however often the report is read:
///
/// - ρ = √((−2 ln α + ln(−2 ln α + 1)) / τ), τ the tuning parameter (expected sample size
///   where the interval is tightest; gbstats' default 5000),
/// - with N = nA + nB and s² = Var(lift)·N, the half-width is
///   √s² · √(2(Nρ² + 1) ln(√(Nρ² + 1)/α) / (Nρ)²),
/// - the p-value is min(1, 1/E) for the e-value E = exp(ρ² S / (2(Nρ² + 1))) / √(Nρ² + 1),
///   S = (lift − test value)² N / Var(lift).
public enum SequentialTest {
    /// The default tuning parameter τ, gbstats' `sequential_tuning_parameter`.
    public static let defaultTuning = 5000.0

    public static func compare(
        control: MetricStatistic, treatment: MetricStatistic,
        difference: DifferenceType = .relative, alpha: Double = 0.05,
        tuning: Double = defaultTuning, testValue: Double = 0
    ) -> FrequentistResult {
        let level = 1 - alpha
        if control.mean == 0 { return .uninformative(.zeroBaseline, level: level) }
        if control.variance <= 0 || treatment.variance <= 0 { return .uninformative(.zeroVariance, level: level) }
        let lift = Lift(control: control, treatment: treatment, type: difference)
        let n = Double(control.units + treatment.units)
        let rho = (((-2 * log(alpha)) + log(-2 * log(alpha) + 1)) / tuning).squareRoot()
        let s2 = lift.variance * n
        let nRho2 = n * rho * rho
        let width =
            s2.squareRoot()
            * ((2 * (nRho2 + 1)) * log((nRho2 + 1).squareRoot() / alpha) / (n * rho * n * rho)).squareRoot()
        let st2 = (lift.estimate - testValue) * (lift.estimate - testValue) * n / lift.variance
        let eValue = exp(rho * rho * st2 / (2 * (nRho2 + 1))) / (nRho2 + 1).squareRoot()
        return FrequentistResult(
            estimate: lift.estimate,
            interval: ConfidenceInterval(lower: lift.estimate - width, upper: lift.estimate + width, level: level),
            pValue: min(1 / eValue, 1), standardError: lift.standardError,
            statistic: (lift.estimate - testValue) / lift.standardError,
            degreesOfFreedom: WelchTTest.welchDegreesOfFreedom(control, treatment), problem: nil)
    }
}
