/// GrowthBook's bucketing hash: a customer's position in `[0, 1)` for a seed.
///
/// ```swift
/// BucketHash.bucket(seed: "followup-subject", value: "customer-42", version: .v2)
/// ```
///
/// Both versions are exact reimplementations of GrowthBook's `hash(seed, value,
/// version)`: the same inputs give the same double in every SDK, which is what makes a
/// customer land in the same variation in a web app and in Ledgerline.
public enum BucketHash {
    /// The bucket of `value` under `seed`, in `[0, 1)`.
    ///
    /// Cost: one pass over the UTF-16 units of `seed` and `value`, plus at most ten
    /// digits for version 2. No allocation.
    @inlinable
    public static func bucket(seed: String, value: String, version: HashVersion) -> Double {
        switch version {
        case .v1:
            var h = FNV1a32()
            h.combine(value)
            h.combine(seed)
            return Double(h.value % 1000) / 1000
        case .v2:
            var h = FNV1a32()
            h.combine(seed)
            h.combine(value)
            var second = FNV1a32()
            second.combine(decimal: h.value)
            return Double(second.value % 10000) / 10000
        }
    }

    /// The bucket of `value` under `seed` for a raw hash version number, or `nil` when the
    /// version is neither 1 nor 2 (GrowthBook then leaves the customer out).
    @inlinable
    public static func bucket(seed: String, value: String, version: Int) -> Double? {
        guard let known = HashVersion(rawValue: version) else { return nil }
        return bucket(seed: seed, value: value, version: known)
    }
}
