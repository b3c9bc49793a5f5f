/// The result of a Bayesian comparison of a treatment with control.
public struct BayesianResult: Sendable, Hashable {
    /// P(treatment beats control): P(lift > 0), or P(lift < 0) for metrics where lower is better.
    public var chanceToWin: Double
    /// The posterior mean of the lift.
    public var estimate: Double
    /// The equal-tailed credible interval.
    public var interval: ConfidenceInterval
    public var posteriorStandardDeviation: Double
    public var risk: ExpectedLoss
    public var difference: DifferenceType
    public var problem: AnalysisProblem?

    /// gbstats' defaults for a comparison that could not be computed: chance to win ½,
    /// everything else 0.
    static func uninformative(_ problem: AnalysisProblem, level: Double, difference: DifferenceType) -> BayesianResult {
        BayesianResult(
            chanceToWin: 0.5, estimate: 0, interval: ConfidenceInterval(lower: 0, upper: 0, level: level),
            posteriorStandardDeviation: 0, risk: ExpectedLoss(control: 0, treatment: 0), difference: difference,
            problem: problem)
    }
}
