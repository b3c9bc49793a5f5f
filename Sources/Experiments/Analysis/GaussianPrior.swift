/// A Gaussian prior on the lift, gbstats' `GaussianPrior`. An improper prior (the default)
/// leaves the data alone.
public struct GaussianPrior: Sendable, Hashable, Codable {
    public var mean: Double
    public var variance: Double
    public var proper: Bool

    public init(mean: Double = 0, variance: Double = 1, proper: Bool = false) {
        self.mean = mean
        self.variance = variance
        self.proper = proper
    }
}
