/// How a bandit experiment re-weights its arms (Thompson sampling, see ``BanditPolicy``).
///
/// ```yaml
/// bandit: { goal: replied, schedule: 1d, minimum_share: 0.1, burn_in: 3d, burn_in_units: 500 }
/// ```
public struct BanditSettings: Sendable, Hashable {
    /// The conversion goal whose posterior drives the weights.
    public var goal: String
    /// How often weights are recomputed.
    public var schedule: TimeWindow
    /// The least share of traffic any arm keeps, in `[0, 1/arms]`.
    public var minimumShare: Double
    /// Weights stay equal until this long after the experiment started ...
    public var burnIn: TimeWindow
    /// ... and until this many units have been exposed in total.
    public var burnInUnits: Int

    public init(
        goal: String, schedule: TimeWindow, minimumShare: Double = 0.05,
        burnIn: TimeWindow = TimeWindow(seconds: 0), burnInUnits: Int = 0
    ) {
        self.goal = goal
        self.schedule = schedule
        self.minimumShare = minimumShare
        self.burnIn = burnIn
        self.burnInUnits = burnInUnits
    }
}
