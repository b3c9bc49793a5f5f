import EventLog

/// The cumulative state of one metric at one time: every unit first exposed by ``time``,
/// with what it did in its window.
public struct TimelinePoint: Sendable, Hashable {
    public var time: Timestamp
    /// Cumulative units per variation.
    public var units: [Int]
    /// Rate or mean per variation.
    public var means: [Double]
    /// Relative lift of each treatment over control with its delta-method interval; `nil`
    /// while control's mean is zero or a variation has no units.
    public var lifts: [Lift?]

    /// A relative lift and its interval.
    public struct Lift: Sendable, Hashable {
        public var estimate: Double
        public var lower: Double
        public var upper: Double
    }
}
