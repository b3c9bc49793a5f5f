import Foundation

/// Bayesian chance to beat control and expected loss, as gbstats' `EffectBayesianABTest`
/// computes them: a Gaussian approximation of the lift's likelihood (the delta-method
/// estimate and variance of ``Lift``), combined with a Gaussian prior.
///
/// Posterior precision 1/v + [proper]/σ²₀; posterior mean the precision-weighted average
/// of the estimate and the prior mean when the prior is proper, the estimate otherwise.
/// Chance to win Φ(μ/σ); risk from the means of the normal posterior truncated to each
/// side of zero: control's risk (1 − P(lift < 0))·E[lift | lift > 0], the treatment's
/// −P(lift < 0)·E[lift | lift < 0]; the two swap for metrics where lower is better.
public enum BayesianTest {
    /// Compares `treatment` with `control`.
    ///
    /// - Parameters:
    ///   - prior: a prior on the relative lift (gbstats' `prior_type: relative`); it is
    ///     rescaled by the control mean when `difference` is absolute.
    ///   - inverse: lower values are better (a guardrail such as unsubscribes).
    ///   - alpha: 1 − credibility of the interval.
    public static func compare(
        control: MetricStatistic, treatment: MetricStatistic,
        difference: DifferenceType = .relative, prior: GaussianPrior = GaussianPrior(),
        inverse: Bool = false, alpha: Double = 0.05
    ) -> BayesianResult {
        let level = 1 - alpha
        func uninformative(_ problem: AnalysisProblem) -> BayesianResult {
            .uninformative(problem, level: level, difference: difference)
        }
        if control.mean == 0 && difference == .relative { return uninformative(.zeroBaseline) }
        if control.units == 0 || treatment.units == 0 { return uninformative(.noUnits) }
        if control.variance <= 0 || treatment.variance <= 0 { return uninformative(.zeroVariance) }

        var effectivePrior = prior
        if difference == .absolute {
            effectivePrior = GaussianPrior(
                mean: prior.mean * abs(control.mean),
                variance: prior.variance * control.mean * control.mean, proper: prior.proper)
        }
        let lift = Lift(control: control, treatment: treatment, type: difference)
        let precision = 1 / lift.variance + (effectivePrior.proper ? 1 / effectivePrior.variance : 0)
        let mean =
            effectivePrior.proper
            ? (lift.estimate / lift.variance + effectivePrior.mean / effectivePrior.variance) / precision
            : lift.estimate
        let sd = (1 / precision).squareRoot()

        let beats = Normal.sf(0, mean: mean, sd: sd)
        let risk = Self.risk(mean: mean, sd: sd)
        return BayesianResult(
            chanceToWin: inverse ? 1 - beats : beats, estimate: mean,
            interval: ConfidenceInterval(
                lower: Normal.quantile(alpha / 2, mean: mean, sd: sd),
                upper: Normal.quantile(1 - alpha / 2, mean: mean, sd: sd), level: level),
            posteriorStandardDeviation: sd,
            risk: inverse ? ExpectedLoss(control: risk.treatment, treatment: risk.control) : risk,
            difference: difference, problem: nil)
    }

    /// Expected losses for a lift ~ N(mean, sd²): choosing control forgoes the positive part,
    /// choosing the treatment risks the negative part.
    ///
    /// With z = mean/sd, P(lift < 0) = Φ(−z) and the truncated means folded in:
    /// control = mean·Φ(z) + sd·φ(z), treatment = sd·φ(z) − mean·Φ(−z).
    static func risk(mean: Double, sd: Double) -> ExpectedLoss {
        let z = mean / sd
        let density = sd * Normal.pdf(z)
        return ExpectedLoss(control: mean * Normal.cdf(z) + density, treatment: density - mean * Normal.cdf(-z))
    }
}
