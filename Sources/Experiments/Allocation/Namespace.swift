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
