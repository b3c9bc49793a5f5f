/// The result of a frequentist comparison of a treatment with control.
public struct FrequentistResult: Sendable, Hashable {
    /// The estimated lift (relative or absolute, as asked).
    public var estimate: Double
    public var interval: ConfidenceInterval
    public var pValue: Double
    public var standardError: Double
    /// The test statistic: t for Welch's test, z for the two-proportion test.
    public var statistic: Double
    /// Welch–Satterthwaite degrees of freedom (infinite for a z-test).
    public var degreesOfFreedom: Double
    /// Set when the comparison could not be computed and the fields hold defaults.
    public var problem: AnalysisProblem?

    static func uninformative(_ problem: AnalysisProblem, level: Double) -> FrequentistResult {
        FrequentistResult(
            estimate: 0, interval: ConfidenceInterval(lower: 0, upper: 0, level: level), pValue: 1,
            standardError: 0, statistic: 0, degreesOfFreedom: 0, problem: problem)
    }
}

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

/// The two-proportion z-test for conversion rates.
///
/// The p-value uses the pooled rate under the null hypothesis of equal rates; the interval
/// uses the unpooled standard error of the difference (absolute), or the delta method
/// (relative). Suited to rates with enough conversions for the normal approximation.
public enum TwoProportionZTest {
    public static func compare(
        control: SufficientStatistics, treatment: SufficientStatistics,
        difference: DifferenceType = .absolute, alpha: Double = 0.05
    ) -> FrequentistResult {
        let level = 1 - alpha
        guard control.units > 0, treatment.units > 0 else { return .uninformative(.noUnits, level: level) }
        let a = MetricStatistic(.proportion, control)
        let b = MetricStatistic(.proportion, treatment)
        if difference == .relative && a.mean == 0 { return .uninformative(.zeroBaseline, level: level) }
        let pooled = (control.sum + treatment.sum) / Double(control.units + treatment.units)
        let pooledSE = (pooled * (1 - pooled) * (1 / Double(control.units) + 1 / Double(treatment.units))).squareRoot()
        let lift = Lift(control: a, treatment: b, type: difference)
        guard pooledSE > 0, lift.variance > 0 else { return .uninformative(.zeroVariance, level: level) }
        let z = (b.mean - a.mean) / pooledSE
        let width = Normal.quantile(1 - alpha / 2) * lift.standardError
        return FrequentistResult(
            estimate: lift.estimate,
            interval: ConfidenceInterval(lower: lift.estimate - width, upper: lift.estimate + width, level: level),
            pValue: min(1, 2 * Normal.sf(abs(z))), standardError: lift.standardError, statistic: z,
            degreesOfFreedom: .infinity, problem: nil)
    }
}
