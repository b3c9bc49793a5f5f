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
