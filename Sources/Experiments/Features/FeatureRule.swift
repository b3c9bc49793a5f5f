import JSON

/// One rule of a ``Feature``: forces ``force`` on those it covers, or, with
/// ``variations``, runs an experiment and serves the assigned variation's value.
public struct FeatureRule: Sendable {
    public var id: String?
    public var condition: Condition?
    public var parentConditions: [ParentCondition]?
    public var filters: [HashFilter]?
    /// The forced value; `.some(.null)` forces `null`, `nil` means this is no force rule.
    public var force: JSONValue?
    /// A percentage rollout of the forced value: the hash must fall in `range` ...
    public var range: BucketRange?
    /// ... or at or below `coverage` when there is no range.
    public var coverage: Double?
    public var hashAttribute: String?
    public var fallbackAttribute: String?
    public var hashVersion: Int?
    public var seed: String?
    public var disableStickyBucketing: Bool = false
    /// The experiment part; a rule with neither `force` nor `variations` is skipped.
    public var variations: [JSONValue]?
    public var key: String?
    public var weights: [Double]?
    public var namespace: Namespace?
    public var meta: [VariationMeta]?
    public var ranges: [BucketRange]?
    public var name: String?
    public var phase: String?
    public var bucketVersion: Int?
    public var minBucketVersion: Int?

    public init() {}

    /// The experiment this rule runs for feature `featureKey`, built field by field as
    /// GrowthBook's `evalFeature` builds it.
    public func experiment(featureKey: String) -> Experiment? {
        guard let variations else { return nil }
        return Experiment(
            key: (key?.isEmpty ?? true) ? featureKey : key!, variations: variations, weights: weights,
            coverage: coverage, ranges: ranges, hashAttribute: hashAttribute, fallbackAttribute: fallbackAttribute,
            hashVersion: hashVersion, seed: seed, namespace: namespace, filters: filters, condition: condition,
            bucketVersion: bucketVersion ?? 0, minBucketVersion: minBucketVersion ?? 0, meta: meta,
            disableStickyBucketing: disableStickyBucketing, name: name, phase: phase)
    }
}
