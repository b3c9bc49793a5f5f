import JSON

/// One evaluation in progress: the context (whose sticky assignments it updates as
/// features assign) and the stack of features being evaluated, for cycle detection.
///
/// ``run(_:in:featureId:include:prerequisites:)`` is GrowthBook's `runExperiment`, step for
/// step and in the same order, so that every early exit happens where the SDK's does. It
/// reads the context it is given and never copies it; only prerequisites, which evaluate
/// other features, need the mutable evaluation.
struct Evaluation {
    var context: EvaluationContext
    var evaluatingFeatures: Set<String> = []

    init(context: EvaluationContext) {
        self.context = context
    }

    /// Runs `experiment` inside this evaluation: prerequisites see (and update) its state.
    mutating func run(_ experiment: Experiment, featureId: String?, include: (() -> Bool)?) -> AssignmentResult {
        let snapshot = context
        return Evaluation.run(experiment, in: snapshot, featureId: featureId, include: include) { parents in
            self.prerequisitesPass(parents)
        }
    }

    static func run(
        _ experiment: Experiment, in context: EvaluationContext, featureId: String?,
        include: (() -> Bool)?, prerequisites: ([ParentCondition]) -> Bool
    ) -> AssignmentResult {
        let sticky = context.stickyAssignments != nil && !experiment.disableStickyBucketing
        let (hashAttribute, rawHashValue) = context.hashAttribute(
            experiment.hashAttribute, fallback: sticky ? experiment.fallbackAttribute : nil)
        let hashValue = rawHashValue.isTruthy ? rawHashValue.javaScriptString : ""

        func result(
            _ index: Int, _ reason: AssignmentReason, hashUsed: Bool = false, bucket: Double? = nil,
            stickyUsed: Bool = false
        ) -> AssignmentResult {
            experiment.result(
                variation: index, reason: reason, featureId: featureId, hashAttribute: hashAttribute,
                hashValue: hashValue, hashUsed: hashUsed, bucket: bucket, stickyBucketUsed: stickyUsed)
        }

        // 1. Fewer than two variations.
        if experiment.variations.count < 2 { return result(-1, .tooFewVariations) }
        // 2. Switched off.
        if !context.enabled { return result(-1, .contextDisabled) }
        // 4. Forced by the context. (3, the URL query string, has no meaning here.)
        if let forced = context.forcedVariations[experiment.key] { return result(forced, .forcedByContext) }
        // 5. Draft or inactive.
        if experiment.status == .draft || !experiment.active { return result(-1, .inactive) }
        // 6. The hash attribute must have a value.
        if hashValue.isEmpty { return result(-1, .missingHashAttribute) }

        var assigned = -1
        var foundSticky = false
        var versionBlocked = false
        if sticky {
            let found = context.stickyVariation(for: experiment)
            assigned = found.variation
            foundSticky = found.variation >= 0
            versionBlocked = found.blocked
        }

        if !foundSticky {
            // 7. Filters, or else the legacy namespace.
            if let filters = experiment.filters {
                if context.isFilteredOut(filters, seeds: experiment.filterSeeds) { return result(-1, .filteredOut) }
            } else if experiment.namespace != nil, !experiment.isInNamespace(hashValue) {
                return result(-1, .notInNamespace)
            }
            // 7.5. The include hook: Ledgerline's targeting expression.
            if let include, !include() { return result(-1, .targetingFailed) }
            // 8. The GrowthBook condition.
            if let condition = experiment.condition,
                !condition.evaluate(context.attributes, savedGroups: context.savedGroups)
            {
                return result(-1, .conditionFailed)
            }
            // 8.05. Prerequisites.
            if let parents = experiment.parentConditions, !prerequisites(parents) {
                return result(-1, .prerequisiteFailed)
            }
            // 8.1. Legacy groups.
            if let groups = experiment.groups, !groups.contains(where: { context.groups[$0] == true }) {
                return result(-1, .notInGroups)
            }
        }

        // 9. Hash, then choose a variation unless a sticky assignment already did.
        guard let n = experiment.bucket(forHashValue: hashValue) else { return result(-1, .invalidHashVersion) }
        if !foundSticky { assigned = BucketRange.chooseVariation(bucket: n, ranges: experiment.bucketRanges) }
        // 9.5. A sticky assignment from a blocked bucket version excludes the customer.
        if versionBlocked { return result(-1, .stickyBucketVersionBlocked, bucket: n, stickyUsed: true) }
        // 10. In a gap between ranges.
        if assigned < 0 { return result(-1, .outsideCoverage, bucket: n) }
        // 11. Forced by the experiment.
        if let force = experiment.force { return result(force, .forcedByExperiment, bucket: n) }
        // 12. QA mode.
        if context.qaMode { return result(-1, .qaMode, bucket: n) }
        // 12.5. Stopped.
        if experiment.status == .stopped { return result(-1, .stopped, bucket: n) }

        // 13. In the experiment.
        var outcome = result(
            assigned, foundSticky ? .stickyBucket : .assigned, hashUsed: true, bucket: n,
            stickyUsed: foundSticky)
        // 13.5. Record the assignment for sticky bucketing.
        if sticky {
            outcome.stickyBucketUpdate = context.updatedStickyDocument(
                attributeName: hashAttribute, attributeValue: hashValue,
                experimentKey: StickyAssignmentDocument.experimentKey(
                    experiment.key,
                    bucketVersion: experiment.bucketVersion),
                variationKey: outcome.variationKey)
        }
        return outcome
    }

    /// Whether every prerequisite feature has a value its condition accepts.
    mutating func prerequisitesPass(_ parents: [ParentCondition]) -> Bool {
        let saved = evaluatingFeatures
        defer { evaluatingFeatures = saved }
        for parent in parents {
            evaluatingFeatures = saved
            let parentResult = evaluateFeature(parent.id)
            if parentResult.source == .cyclicPrerequisite { return false }
            let probe = JSONValue.object(JSONObject(["value": parentResult.value]))
            if !parent.condition.evaluate(probe, savedGroups: context.savedGroups) { return false }
        }
        return true
    }
}

extension EvaluationContext {
    /// GrowthBook's `isFilteredOut`: out when any filter's attribute is empty or hashes
    /// outside all of its ranges.
    func isFilteredOut(_ filters: [HashFilter], seeds: [PreparedSeed?]) -> Bool {
        for (filter, seed) in zip(filters, seeds) {
            let value = hashAttribute(filter.attribute, fallback: nil).value
            guard value.isTruthy, let seed else { return true }
            let n = seed.bucket(for: value.javaScriptString)
            if !filter.ranges.contains(where: { $0.contains(n) }) { return true }
        }
        return false
    }
}
