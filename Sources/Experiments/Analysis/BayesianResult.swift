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
}
