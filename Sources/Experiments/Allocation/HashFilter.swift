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
