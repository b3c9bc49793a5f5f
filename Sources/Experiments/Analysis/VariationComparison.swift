/// One treatment compared with control on one metric.
public struct VariationComparison: Sendable, Hashable {
    /// The treatment's index (control is 0).
    public var variation: Int
    /// `nil` when control or the treatment has no units: there is nothing to compare.
    public var absoluteLift: Lift?
    /// `nil` when control or the treatment has no units, or the control mean is 0.
    public var relativeLift: Lift?
    /// Two-proportion z-test for proportions, Welch's t-test for means, on the settings' difference type.
    public var frequentist: FrequentistResult
    /// Always-valid results, when the settings ask for them.
    public var sequential: FrequentistResult?
    public var bayesian: BayesianResult
}
