import JSON

/// The outcome of assigning one customer to one experiment, with everything an
/// `ExperimentExposed` event needs to make the decision explainable and replayable.
///
/// When the customer is not in the experiment, GrowthBook's convention holds: the
/// result names variation 0 (the control value is what they see) with
/// ``inExperiment`` false, and ``reason`` says which step excluded them.
public struct AssignmentResult: Sendable, Hashable {
    public var experimentKey: String
    /// The feature whose rule ran the experiment, if any.
    public var featureId: String?
    /// The experiment's phase label, when it has one.
    public var phase: String?
    public var inExperiment: Bool
    public var variationIndex: Int
    /// The variation's stable key (its id in a Ledgerline definition).
    public var variationKey: String
    public var variationName: String?
    /// The variation's value.
    public var value: JSONValue
    /// Whether hashing decided the variation (false when forced or excluded).
    public var hashUsed: Bool
    public var hashAttribute: String
    /// The hash attribute's value as hashed (JavaScript's `String(value)`; `""` when missing).
    public var hashValue: String
    public var hashVersion: Int
    public var seed: String
    /// The experiment's bucket version, under which a sticky assignment is recorded.
    public var bucketVersion: Int
    /// The customer's bucket in `[0, 1)` whenever it was computed, also when it fell in a gap.
    public var bucket: Double?
    /// The assigned variation's range, when hashing decided it.
    public var bucketRange: BucketRange?
    public var stickyBucketUsed: Bool
    /// The variation is a passthrough (holdout) arm.
    public var passthrough: Bool
    public var reason: AssignmentReason
    /// The sticky assignment document to save after this assignment, when it changed.
    public var stickyBucketUpdate: StickyAssignmentDocument?

    /// The result in GrowthBook's `Result` shape (`key`, `variationId`, `hashUsed`,
    /// `bucket` only when hashing assigned, ...), as the SDK conformance suite writes it.
    public var growthBookJSON: JSONValue {
        var members: [String: JSONValue] = [
            "key": .string(variationKey),
            "inExperiment": .bool(inExperiment),
            "hashUsed": .bool(hashUsed),
            "variationId": .number(JSONNumber(variationIndex)),
            "value": value,
            "hashAttribute": .string(hashAttribute),
            "hashValue": .string(hashValue),
            "stickyBucketUsed": .bool(stickyBucketUsed),
        ]
        if let featureId { members["featureId"] = .string(featureId) }
        if let variationName { members["name"] = .string(variationName) }
        if hashUsed, let bucket { members["bucket"] = .number(JSONNumber(bucket)) }
        if passthrough { members["passthrough"] = .bool(true) }
        return .object(JSONObject(members))
    }
}

extension AssignmentResult {
    /// The data of an `ExperimentExposed` event: enough to explain the decision and to
    /// rebuild sticky assignments by replaying the log.
    ///
    /// `experimentKey`, `phase`, `featureId`, `inExperiment`, `variationIndex`, `variationId`
    /// (the variation key), `hashAttribute`, `hashValue`, `hashVersion`, `seed`,
    /// `bucketVersion`, `bucket` and `bucketRange` (when computed), `stickyBucketUsed`,
    /// `passthrough`, `reason`. Absent optionals are left out, so the JSON is canonical.
    public var exposureJSON: JSONValue {
        var members: [String: JSONValue] = [
            "experimentKey": .string(experimentKey),
            "inExperiment": .bool(inExperiment),
            "variationIndex": .number(JSONNumber(variationIndex)),
            "variationId": .string(variationKey),
            "hashAttribute": .string(hashAttribute),
            "hashValue": .string(hashValue),
            "hashVersion": .number(JSONNumber(hashVersion)),
            "seed": .string(seed),
            "bucketVersion": .number(JSONNumber(bucketVersion)),
            "hashUsed": .bool(hashUsed),
            "stickyBucketUsed": .bool(stickyBucketUsed),
            "passthrough": .bool(passthrough),
            "reason": .string(reason.rawValue),
        ]
        if let phase { members["phase"] = .string(phase) }
        if let featureId { members["featureId"] = .string(featureId) }
        if let bucket { members["bucket"] = .number(JSONNumber(bucket)) }
        if let bucketRange {
            members["bucketRange"] = .array([
                .number(JSONNumber(bucketRange.start)), .number(JSONNumber(bucketRange.end)),
            ])
        }
        return .object(JSONObject(members))
    }

    /// Whether this assignment is one sticky bucketing records: the customer was placed by
    /// hashing or by an earlier sticky assignment (not forced, not excluded).
    public var recordsStickyAssignment: Bool {
        inExperiment && (reason == .assigned || reason == .stickyBucket)
    }
}
