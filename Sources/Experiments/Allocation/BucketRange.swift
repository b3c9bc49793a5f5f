/// A half-open slice `[start, end)` of the bucket line `[0, 1)`.
///
/// A variation owns one range; a customer whose bucket falls inside it gets that
/// variation. Ranges of reduced coverage leave gaps, and a bucket in a gap is not in
/// the experiment.
public struct BucketRange: Sendable, Hashable, Codable {
    public var start: Double
    public var end: Double

    @inlinable
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// Whether `bucket` lies in `[start, end)`.
    @inlinable
    public func contains(_ bucket: Double) -> Bool { bucket >= start && bucket < end }

    /// The width of the range, `end - start`.
    public var width: Double { end - start }
}

extension BucketRange {
    /// `count` equal weights summing to 1 (`[]` for zero or fewer), GrowthBook's `getEqualWeights`.
    public static func equalWeights(count: Int) -> [Double] {
        guard count > 0 else { return [] }
        return Array(repeating: 1 / Double(count), count: count)
    }

    /// Whether `weights` can be used for `count` variations as GrowthBook would use them:
    /// one weight per variation, summing to 1 within ±0.01.
    public static func weightsAreUsable(_ weights: [Double], count: Int) -> Bool {
        guard weights.count == count else { return false }
        let total = weights.reduce(0, +)
        return total >= 0.99 && total <= 1.01
    }

    /// The ranges of `count` variations, GrowthBook's `getBucketRanges`.
    ///
    /// Each variation's range starts where the previous variation's *full* weight ended and
    /// covers `coverage × weight` of it, so lowering coverage shrinks every range in place
    /// and never moves a customer from one variation to another. Coverage is clamped to
    /// `[0, 1]`; weights that are missing, of the wrong count, or that do not sum to 1
    /// within ±0.01 are replaced by equal weights.
    ///
    /// Cost: O(count), one array.
    public static func ranges(count: Int, coverage: Double? = nil, weights: [Double]? = nil) -> [BucketRange] {
        var coverage = coverage ?? 1
        if coverage < 0 { coverage = 0 } else if coverage > 1 { coverage = 1 }
        var chosen = weights ?? equalWeights(count: count)
        if !weightsAreUsable(chosen, count: count) { chosen = equalWeights(count: count) }
        var cumulative = 0.0
        var result: [BucketRange] = []
        result.reserveCapacity(chosen.count)
        for weight in chosen {
            let start = cumulative
            cumulative += weight
            result.append(BucketRange(start: start, end: start + coverage * weight))
        }
        return result
    }

    /// The index of the first range containing `bucket`, or -1 when none does
    /// (GrowthBook's `chooseVariation`).
    @inlinable
    public static func chooseVariation(bucket: Double, ranges: [BucketRange]) -> Int {
        for i in ranges.indices where ranges[i].contains(bucket) { return i }
        return -1
    }
}
