/// Welch's unequal-variance t-test on a lift, as gbstats' `TwoSidedTTest` computes it.
///
/// The lift and its variance come from ``Lift`` (delta method for relative lifts); the
/// degrees of freedom from Welch–Satterthwaite; the interval is `estimate ± t(1 − α/2, ν)·SE`
/// and the p-value `2·(1 − F_ν(|t|))`. gbstats uses this test for proportions too (with
/// variance p(1 − p)); ``TwoProportionZTest`` is the textbook alternative for rates.
public enum WelchTTest {
    /// Compares `treatment` with `control`.
    ///
    /// - Parameters:
    ///   - alpha: 1 − confidence level; 0.05 gives a 95% interval.
    ///   - testValue: the lift under the null hypothesis (0: no difference).
    /// - Returns: the estimate, interval and p-value, or defaults with ``FrequentistResult/problem``
    ///   set when the control mean is 0 or a variance is not positive (gbstats' rules).
    public static func compare(
        control: MetricStatistic, treatment: MetricStatistic,
        difference: DifferenceType = .relative, alpha: Double = 0.05,
        testValue: Double = 0
    ) -> FrequentistResult {
        let level = 1 - alpha
        if control.mean == 0 { return .uninformative(.zeroBaseline, level: level) }
        if control.variance <= 0 || treatment.variance <= 0 { return .uninformative(.zeroVariance, level: level) }
        let lift = Lift(control: control, treatment: treatment, type: difference)
        let se = lift.standardError
        let t = (lift.estimate - testValue) / se
        let dof = welchDegreesOfFreedom(control, treatment)
        let width = StudentT.quantile(1 - alpha / 2, df: dof) * se
        return FrequentistResult(
            estimate: lift.estimate,
            interval: ConfidenceInterval(lower: lift.estimate - width, upper: lift.estimate + width, level: level),
            pValue: StudentT.twoSidedPValue(t, df: dof), standardError: se, statistic: t, degreesOfFreedom: dof,
            problem: nil)
    }

    /// The Welch–Satterthwaite approximation of the degrees of freedom.
    public static func welchDegreesOfFreedom(_ a: MetricStatistic, _ b: MetricStatistic) -> Double {
        let na = Double(a.units)
        let nb = Double(b.units)
        let va = a.variance
        let vb = b.variance
        let numerator = (vb / nb + va / na) * (vb / nb + va / na)
        let denominator = vb * vb / (nb * nb * (nb - 1)) + va * va / (na * na * (na - 1))
        return numerator / denominator
    }
}
