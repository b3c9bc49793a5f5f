extension Experiment {
    /// Assigns the customer described by `context`: GrowthBook's `runExperiment`.
    ///
    /// The steps, in the SDK's order: at least two variations; the context enabled;
    /// a forced variation from the context; the experiment active; a non-empty hash
    /// attribute (or, with sticky bucketing, its fallback); a sticky assignment for the
    /// current bucket version, which skips the next checks; filters or namespace;
    /// `include` (Ledgerline's targeting expression, evaluated by the caller); the
    /// GrowthBook `condition`; prerequisites; legacy groups; the hash and the variation
    /// whose range holds it; a blocked sticky bucket version; the experiment's `force`;
    /// QA mode; a stopped experiment. ``AssignmentResult/reason`` names the step that decided.
    ///
    /// Pure: the result depends only on the experiment and the context; a changed sticky
    /// document is returned in ``AssignmentResult/stickyBucketUpdate``, never saved here.
    ///
    /// Cost: for a customer with a string id and no condition, a few dictionary-free
    /// lookups and one hash; conditions and prerequisites add their own evaluation.
    public func assign(
        in context: EvaluationContext, featureId: String? = nil,
        include: (() -> Bool)? = nil
    ) -> AssignmentResult {
        guard parentConditions != nil else {
            // No prerequisites: nothing needs a mutable evaluation or a copy of the context.
            return Evaluation.run(self, in: context, featureId: featureId, include: include) { _ in true }
        }
        return Evaluation.run(self, in: context, featureId: featureId, include: include) { parents in
            var evaluation = Evaluation(context: context)
            return evaluation.prerequisitesPass(parents)
        }
    }

    /// Builds the result for variation `index` (out of range means not in the experiment,
    /// shown variation 0), as GrowthBook's `getExperimentResult` does.
    func result(
        variation index: Int, reason: AssignmentReason, featureId: String?, hashAttribute: String,
        hashValue: String, hashUsed: Bool, bucket: Double?, stickyBucketUsed: Bool
    ) -> AssignmentResult {
        let valid = index >= 0 && index < variations.count
        let i = valid ? index : 0
        let variationMeta = meta.flatMap { i < $0.count ? $0[i] : nil }
        return AssignmentResult(
            experimentKey: key, featureId: featureId, phase: phase, inExperiment: valid, variationIndex: i,
            variationKey: i < variationKeys.count ? variationKeys[i] : String(i),
            variationName: variationMeta?.name, value: i < variations.count ? variations[i] : .null,
            hashUsed: hashUsed && valid, hashAttribute: hashAttribute, hashValue: hashValue, hashVersion: hashVersion,
            seed: seed, bucketVersion: bucketVersion, bucket: bucket,
            bucketRange: hashUsed && valid && i < bucketRanges.count ? bucketRanges[i] : nil,
            stickyBucketUsed: stickyBucketUsed, passthrough: variationMeta?.passthrough ?? false, reason: reason,
            stickyBucketUpdate: nil)
    }
}
