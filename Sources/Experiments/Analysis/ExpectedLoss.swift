/// Expected loss (in the units of the lift) of shipping each side when it is in fact worse.
public struct ExpectedLoss: Sendable, Hashable, Codable {
    /// The loss expected from keeping control: the lift forgone if the treatment is better.
    public var control: Double
    /// The loss expected from shipping the treatment: the lift lost if it is worse.
    public var treatment: Double

    public init(control: Double, treatment: Double) {
        self.control = control
        self.treatment = treatment
    }
}
