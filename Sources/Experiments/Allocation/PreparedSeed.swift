/// A seed prepared once for hashing many values: the hot path of allocation.
///
/// For version 2 the seed comes first, so its hash state is computed once and every
/// value continues from it. For version 1 the seed comes last, so its UTF-16 units are
/// kept and streamed after each value.
///
/// Cost: building it is one pass over the seed; ``bucket(for:)`` then costs one pass
/// over the value (plus ten digits for version 2) and never allocates.
public struct PreparedSeed: Sendable, Hashable {
    public let seed: String
    public let version: HashVersion
    @usableFromInline let seedState: UInt32
    @usableFromInline let seedUnits: [UInt16]

    public init(seed: String, version: HashVersion) {
        self.seed = seed
        self.version = version
        var h = FNV1a32()
        h.combine(seed)
        seedState = h.value
        seedUnits = Array(seed.utf16)
    }

    /// The hash state before the value: the offset basis for version 1 (the value comes
    /// first), the seed's hash for version 2.
    @inlinable
    var start: UInt32 { version == .v1 ? FNV1a32.offsetBasis : seedState }

    /// The bucket from the state after the value: version 1 streams the seed and keeps
    /// three decimals, version 2 hashes the decimal text of the state and keeps four.
    @inlinable @inline(__always)
    func finish(_ afterValue: UInt32) -> Double {
        switch version {
        case .v1:
            var h = FNV1a32(state: afterValue)
            seedUnits.withUnsafeBufferPointer { h.combine(units: $0) }
            return Double(h.value % 1000) / 1000
        case .v2:
            var second = FNV1a32()
            second.combine(decimal: afterValue)
            return Double(second.value % 10000) / 10000
        }
    }

    /// The bucket of `value`, identical to ``BucketHash/bucket(seed:value:version:)``.
    @inlinable
    public func bucket(for value: String) -> Double {
        var h = FNV1a32(state: start)
        h.combine(value)
        return finish(h.value)
    }

    /// The buckets of `value` under this seed and under `other`, from one pass over the
    /// value whose two multiply chains run side by side (an experiment and its namespace).
    @inlinable
    public func buckets(for value: String, alongWith other: PreparedSeed) -> (Double, Double) {
        let a = start
        let b = other.start
        if let (x, y) = value.utf8.withContiguousStorageIfAvailable({ FNV1a32.mix(a, b, utf8: $0) }) {
            return (finish(x), other.finish(y))
        }
        return (bucket(for: value), other.bucket(for: value))
    }
}
