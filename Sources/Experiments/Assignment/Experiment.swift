import JSON

/// An experiment as GrowthBook's SDKs run it: the runtime form that allocation works on.
///
/// This mirrors GrowthBook's `Experiment` object field for field, with its defaults
/// (hash attribute `id`, seed = key, hash version 1, coverage 1, equal weights), so a
/// GrowthBook payload and a Ledgerline definition (see ``ExperimentDefinition``) run
/// through the same code. Everything the hot path needs is precomputed when the value is
/// built: bucket ranges, the prepared seed, namespace and filter seeds, variation keys.
/// The value is immutable so those can never go stale, and it is a class so that handing
/// it to every assignment costs one reference count rather than a copy of thirty fields.
public final class Experiment: Sendable {
    public let key: String
    /// The values the variations stand for (a subject line, a cadence, `0`/`1`, ...).
    public let variations: [JSONValue]
    public let weights: [Double]?
    public let coverage: Double?
    /// Explicit ranges; when present they replace those derived from coverage and weights.
    public let ranges: [BucketRange]?
    /// The attribute whose value is hashed (GrowthBook's default is `id`).
    public let hashAttribute: String
    /// Hashed instead when the hash attribute is empty, but only with sticky bucketing on.
    public let fallbackAttribute: String?
    /// 1 or 2; any other number leaves everyone out, as in GrowthBook.
    public let hashVersion: Int
    public let seed: String
    public let namespace: Namespace?
    public let filters: [HashFilter]?
    public let condition: Condition?
    public let parentConditions: [ParentCondition]?
    /// A variation index forced on everyone who passes coverage and targeting.
    public let force: Int?
    public let active: Bool
    public let status: ExperimentStatus?
    public let bucketVersion: Int
    public let minBucketVersion: Int
    public let meta: [VariationMeta]?
    public let disableStickyBucketing: Bool
    public let name: String?
    public let phase: String?
    /// Legacy GrowthBook groups: the context must belong to one of them.
    public let groups: [String]?

    /// The ranges allocation uses: ``ranges`` or those derived from coverage and weights.
    public let bucketRanges: [BucketRange]
    /// Each variation's key: its meta key, else its index as text.
    public let variationKeys: [String]
    @usableFromInline let preparedSeed: PreparedSeed?
    @usableFromInline let namespaceSeed: PreparedSeed?
    @usableFromInline let filterSeeds: [PreparedSeed?]

    /// Builds an experiment. Empty strings and zero versions fall back to GrowthBook's
    /// defaults exactly as the SDK's `||` does.
    public init(
        key: String, variations: [JSONValue], weights: [Double]? = nil, coverage: Double? = nil,
        ranges: [BucketRange]? = nil, hashAttribute: String? = nil, fallbackAttribute: String? = nil,
        hashVersion: Int? = nil, seed: String? = nil, namespace: Namespace? = nil, filters: [HashFilter]? = nil,
        condition: Condition? = nil, parentConditions: [ParentCondition]? = nil, force: Int? = nil,
        active: Bool = true, status: ExperimentStatus? = nil, bucketVersion: Int = 0, minBucketVersion: Int = 0,
        meta: [VariationMeta]? = nil, disableStickyBucketing: Bool = false, name: String? = nil,
        phase: String? = nil, groups: [String]? = nil
    ) {
        self.key = key
        self.variations = variations
        self.weights = weights
        self.coverage = coverage
        self.ranges = ranges
        self.hashAttribute = (hashAttribute?.isEmpty ?? true) ? "id" : hashAttribute!
        self.fallbackAttribute = (fallbackAttribute?.isEmpty ?? true) ? nil : fallbackAttribute
        let resolvedVersion = (hashVersion ?? 0) == 0 ? 1 : hashVersion!
        let resolvedSeed = (seed?.isEmpty ?? true) ? key : seed!
        self.hashVersion = resolvedVersion
        self.seed = resolvedSeed
        self.namespace = namespace
        self.filters = filters
        self.condition = condition
        self.parentConditions = parentConditions
        self.force = force
        self.active = active
        self.status = status
        self.bucketVersion = bucketVersion
        self.minBucketVersion = minBucketVersion
        self.meta = meta
        self.disableStickyBucketing = disableStickyBucketing
        self.name = name
        self.phase = phase
        self.groups = groups

        bucketRanges = ranges ?? BucketRange.ranges(count: variations.count, coverage: coverage ?? 1, weights: weights)
        variationKeys = variations.indices.map { i in
            if let meta, i < meta.count, let key = meta[i].key, !key.isEmpty { return key }
            return String(i)
        }
        preparedSeed = HashVersion(rawValue: resolvedVersion).map { PreparedSeed(seed: resolvedSeed, version: $0) }
        namespaceSeed = namespace.map { PreparedSeed(seed: "__" + $0.id, version: .v1) }
        filterSeeds = (filters ?? []).map { f in
            HashVersion(rawValue: f.hashVersion ?? 2).map { PreparedSeed(seed: f.seed, version: $0) }
        }
    }

    /// The customer's bucket for this experiment, or `nil` for an unknown hash version.
    ///
    /// Cost: one pass over `hashValue`'s UTF-16 units; no allocation.
    @inlinable
    public func bucket(forHashValue hashValue: String) -> Double? {
        preparedSeed?.bucket(for: hashValue)
    }

    /// The variation whose range holds `bucket`, or `nil` when it falls in a gap.
    @inlinable
    public func variation(forBucket bucket: Double) -> Int? {
        let i = BucketRange.chooseVariation(bucket: bucket, ranges: bucketRanges)
        return i < 0 ? nil : i
    }

    /// The hot path: the variation for `hashValue` by hashing alone — filters or namespace,
    /// then ranges; no targeting, no condition, no sticky assignment. `nil` when not in the
    /// experiment. It agrees with ``assign(in:featureId:include:)`` for a customer whose
    /// hash attribute is `hashValue` and who passes targeting, provided every filter hashes
    /// the experiment's own hash attribute (``hotPathCoversFilters``).
    ///
    /// Cost: one pass over `hashValue`'s UTF-16 units (the namespace hash shares it),
    /// ten digits for hash version 2; no allocation.
    @inlinable
    public func variation(forHashValue hashValue: String) -> Int? {
        guard !hashValue.isEmpty, let prepared = preparedSeed else { return nil }
        let bucket: Double
        if let filters {
            for (filter, seed) in zip(filters, filterSeeds) {
                guard let seed else { return nil }
                let n = seed.bucket(for: hashValue)
                if !filter.ranges.contains(where: { $0.contains(n) }) { return nil }
            }
            bucket = prepared.bucket(for: hashValue)
        } else if let namespace, let namespaceSeed {
            let (n, place) = prepared.buckets(for: hashValue, alongWith: namespaceSeed)
            guard place >= namespace.start && place < namespace.end else { return nil }
            bucket = n
        } else {
            bucket = prepared.bucket(for: hashValue)
        }
        return variation(forBucket: bucket)
    }

    /// Whether every filter hashes this experiment's hash attribute, so that
    /// ``variation(forHashValue:)`` decides filters exactly.
    public var hotPathCoversFilters: Bool {
        (filters ?? []).allSatisfy { ($0.attribute?.isEmpty ?? true ? "id" : $0.attribute!) == hashAttribute }
    }

    /// GrowthBook's `inNamespace` with the namespace seed prepared once.
    @usableFromInline
    func isInNamespace(_ hashValue: String) -> Bool {
        guard let namespace, let seed = namespaceSeed else { return true }
        let n = seed.bucket(for: hashValue)
        return n >= namespace.start && n < namespace.end
    }
}
