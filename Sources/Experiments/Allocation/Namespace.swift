/// A legacy GrowthBook namespace, `[id, start, end]`: mutual exclusion between experiments.
///
/// Every experiment in namespace `id` claims a disjoint slice of `[0, 1)`; a customer
/// hashes once per namespace (hash version 1, seed `"__" + id`) and only the experiment
/// whose slice contains that hash may enrol them. Newer GrowthBook payloads express the
/// same thing with ``HashFilter``s; when an experiment has filters its namespace is ignored.
public struct Namespace: Sendable, Hashable, Codable {
    public var id: String
    public var start: Double
    public var end: Double

    public init(id: String, start: Double, end: Double) {
        self.id = id
        self.start = start
        self.end = end
    }

    /// Whether the customer whose hash attribute is `hashValue` falls in `[start, end)`
    /// (GrowthBook's `inNamespace`).
    @inlinable
    public func contains(hashValue: String) -> Bool {
        let n = BucketHash.bucket(seed: "__" + id, value: hashValue, version: .v1)
        return n >= start && n < end
    }
}

/// One of an experiment's `filters`: a hash of some attribute that must fall in one of
/// `ranges` (GrowthBook's replacement for namespaces).
///
/// A customer is filtered out when the attribute is empty, when the hash version is
/// unknown, or when the hash lies outside every range.
public struct HashFilter: Sendable, Hashable, Codable {
    public var seed: String
    public var ranges: [BucketRange]
    /// The attribute hashed; GrowthBook's default is `id`.
    public var attribute: String?
    /// The hash version; GrowthBook's default for filters is 2.
    public var hashVersion: Int?

    public init(seed: String, ranges: [BucketRange], attribute: String? = nil, hashVersion: Int? = nil) {
        self.seed = seed
        self.ranges = ranges
        self.attribute = attribute
        self.hashVersion = hashVersion
    }

    /// Whether a customer whose `attribute` stringifies to `hashValue` passes this filter.
    public func admits(hashValue: String) -> Bool {
        guard !hashValue.isEmpty,
            let n = BucketHash.bucket(seed: seed, value: hashValue, version: hashVersion ?? 2)
        else { return false }
        return ranges.contains { $0.contains(n) }
    }
}
