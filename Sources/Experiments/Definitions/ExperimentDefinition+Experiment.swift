extension ExperimentDefinition {
    /// The runtime form allocation runs, for one phase.
    ///
    /// Variations carry their ``VariationDefinition/value`` (or their id) and their ids as
    /// GrowthBook meta keys, so sticky assignments and exposures record ids. `weights`
    /// replaces the definition's weights, for a bandit's latest `BanditWeightsUpdated`.
    /// Targeting is not part of it: compile ``targeting`` and pass it as `include`.
    public func experiment(phase: String? = nil, weights: [Double]? = nil) -> Experiment {
        Experiment(
            key: key, variations: variations.map { $0.value ?? .string($0.id) }, weights: weights ?? self.weights,
            coverage: coverage, hashAttribute: hashAttribute, fallbackAttribute: fallbackAttribute,
            hashVersion: hashVersion.rawValue, seed: seed, namespace: namespace,
            filters: filters.isEmpty ? nil : filters, status: status, bucketVersion: bucketVersion,
            minBucketVersion: minBucketVersion,
            meta: variations.map { VariationMeta(key: $0.id, name: $0.name) }, name: name, phase: phase)
    }
}
