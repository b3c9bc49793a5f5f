/// Everything the analysis needs about one variation's values of one metric: the number
/// of units (exposed customers), the sum of their values and the sum of their squares.
///
/// For a conversion metric each unit's value is 0 or 1, so `sum` is the number of
/// converted units (and `sumOfSquares` equals it). For revenue each unit's value is the
/// total it spent within the window, 0 for units that did not buy. Sufficient statistics
/// add up, so they can be folded from the log one event at a time.
public struct SufficientStatistics: Sendable, Hashable, Codable {
    public var units: Int
    public var sum: Double
    public var sumOfSquares: Double

    public init(units: Int, sum: Double, sumOfSquares: Double) {
        self.units = units
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// Statistics of a proportion: `conversions` of `units` converted.
    public init(units: Int, conversions: Int) {
        self.init(units: units, sum: Double(conversions), sumOfSquares: Double(conversions))
    }

    /// Adds one unit whose value is `value`.
    public mutating func add(_ value: Double) {
        units += 1
        sum += value
        sumOfSquares += value * value
    }

    public static func + (lhs: SufficientStatistics, rhs: SufficientStatistics) -> SufficientStatistics {
        SufficientStatistics(
            units: lhs.units + rhs.units, sum: lhs.sum + rhs.sum,
            sumOfSquares: lhs.sumOfSquares + rhs.sumOfSquares)
    }
}
