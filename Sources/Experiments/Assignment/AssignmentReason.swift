/// Why an assignment came out as it did: the step of GrowthBook's `runExperiment` that
/// decided it. Recorded with every exposure so `explain` can answer "why this variant".
public enum AssignmentReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hashed into a variation's range.
    case assigned
    /// A sticky assignment recorded earlier decided the variation.
    case stickyBucket
    /// The context forced a variation (`forcedVariations`).
    case forcedByContext
    /// The experiment forces a variation (`force`), after coverage and targeting passed.
    case forcedByExperiment
    /// Fewer than two variations: not a real experiment.
    case tooFewVariations
    /// Evaluation is switched off for this context.
    case contextDisabled
    /// A draft, or `active: false`.
    case inactive
    /// The hash attribute (and its fallback) is empty, `null`, `0`, `false` or missing.
    case missingHashAttribute
    /// Left out by the experiment's `filters`.
    case filteredOut
    /// Outside the experiment's slice of its namespace.
    case notInNamespace
    /// The targeting hook (`include`) rejected the customer.
    case targetingFailed
    /// The GrowthBook `condition` did not hold.
    case conditionFailed
    /// A prerequisite feature did not have the required value.
    case prerequisiteFailed
    /// Not in any of the experiment's legacy `groups`.
    case notInGroups
    /// The hash version is neither 1 nor 2.
    case invalidHashVersion
    /// A sticky assignment from a bucket version below `minBucketVersion` excludes the customer.
    case stickyBucketVersionBlocked
    /// The bucket fell in no variation's range (reduced coverage or explicit ranges).
    case outsideCoverage
    /// QA mode leaves everyone who is not forced out.
    case qaMode
    /// The experiment is stopped.
    case stopped

    /// Whether the reason puts the customer in the experiment when the variation is valid.
    public var includes: Bool {
        switch self {
        case .assigned, .stickyBucket, .forcedByContext, .forcedByExperiment: return true
        default: return false
        }
    }
}
