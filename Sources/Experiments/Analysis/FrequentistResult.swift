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
