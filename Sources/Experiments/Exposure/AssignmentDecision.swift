import EventLog
import Foundation
import JSON

/// One customer's assignment to one experiment as the log stood, with everything that
/// explains it: the configuration and weights in force, what targeting said, the sticky
/// assignment found (if any), and the allocation result (hash value, bucket, range,
/// variation, reason).
///
/// Made by ``ExperimentAssigner/decide(experimentKey:customerId:attributes:)``; recorded
/// with ``ExperimentAssigner/record(_:at:actor:causationId:correlationId:)``.
public struct AssignmentDecision: Sendable {
    public var customerId: String
    /// The configuration in force.
    public var configuration: ExperimentConfiguration
    /// The weights allocation used: the definition's, or a bandit's latest re-weighting.
    public var weights: [Double]
    /// The attributes targeting and hashing read.
    public var attributes: JSONObject
    /// What the targeting expression said. Allocation consults it only when no sticky
    /// assignment decided first.
    public var targeting: TargetingOutcome
    /// GrowthBook's result, with the reason the step that decided gives.
    public var result: AssignmentResult
    /// The log's head when the decision was made.
    public var head: LogPosition
    /// Whether the customer's stream holds a `VariantAssigned` of this experiment and phase.
    public var isRecorded: Bool

    public var experimentKey: String { configuration.key }
    public var phase: Int { configuration.phase }
    public var definition: ExperimentDefinition { configuration.definition }

    /// Whether the customer is in the experiment.
    public var inExperiment: Bool { result.inExperiment }

    /// Whether recording appends a `VariantAssigned`: the customer is in the experiment and
    /// has none for this phase yet. One placed by hashing records `sticky: false`; one who
    /// keeps an earlier phase's variation through sticky bucketing records `sticky: true`.
    public var isNewAssignment: Bool { result.inExperiment && !isRecorded }

    /// The `VariantAssigned` payload (every input of the hash, so it can be recomputed).
    public var variantAssignedPayload: JSONObject {
        var members: [String: JSONValue] = [
            "experimentKey": .string(experimentKey),
            "phase": .number(JSONNumber(phase)),
            "customerId": .string(customerId),
            "variationId": .number(JSONNumber(result.variationIndex)),
            "variationKey": .string(result.variationKey),
            "hashAttribute": .string(result.hashAttribute),
            "hashValue": .string(result.hashValue),
            "hashVersion": .number(JSONNumber(result.hashVersion)),
            "seed": .string(result.seed),
            "sticky": .bool(result.stickyBucketUsed),
            "bucketVersion": .number(JSONNumber(result.bucketVersion)),
        ]
        if let bucket = result.bucket { members["bucket"] = .number(JSONNumber(bucket)) }
        return JSONObject(members)
    }

    /// The `ExperimentExposed` payload.
    public var exposedPayload: JSONObject {
        JSONObject([
            "experimentKey": .string(experimentKey),
            "phase": .number(JSONNumber(phase)),
            "customerId": .string(customerId),
            "variationId": .number(JSONNumber(result.variationIndex)),
            "variationKey": .string(result.variationKey),
        ])
    }

    /// Why, in a few lines for people: the configuration, targeting, hash, bucket, range and
    /// variation.
    public var explanation: [String] {
        var lines: [String] = []
        lines.append(
            "experiment \(experimentKey) phase \(phase) (\(definition.status.rawValue)), configured at seq "
                + "\(configuration.position)"
                + (configuration.checksum.map { ", definition sha256 \($0.prefix(12))…" } ?? ""))
        lines.append(
            "weights "
                + zip(definition.variations, weights).map { "\($0.id) \(ReportFormat.percent($1, digits: 1))" }
                .joined(separator: " · ") + ", coverage \(ReportFormat.percent(definition.coverage, digits: 0))")
        lines.append("targeting: " + (definition.targeting.map { "`\($0)` → " } ?? "") + targeting.description)
        lines.append(
            "hash: \(result.hashAttribute) = \"\(result.hashValue)\", hash v\(result.hashVersion), seed \"\(result.seed)\""
                + (result.bucket.map { String(format: ", bucket %.4f", $0) } ?? ", not hashed"))
        lines.append("ranges: " + allRanges)
        if result.stickyBucketUsed {
            lines.append(
                "sticky: an earlier VariantAssigned (bucket version \(result.bucketVersion)) keeps \(result.variationKey)"
            )
        }
        if result.inExperiment {
            let range = result.bucketRange.map { String(format: " (range [%.4f, %.4f))", $0.start, $0.end) } ?? ""
            lines.append(
                "→ variation \(result.variationIndex) \(result.variationKey)\(range): \(result.reason.rawValue)")
        } else {
            lines.append("→ not in the experiment: \(result.reason.rawValue)" + exclusionAdvice)
        }
        return lines
    }

    var allRanges: String {
        let experiment = definition.experiment(phase: String(phase), weights: weights)
        return zip(definition.variations, experiment.bucketRanges).map {
            $0.id + String(format: " [%.4f, %.4f)", $1.start, $1.end)
        }.joined(separator: " · ")
    }

    var exclusionAdvice: String {
        switch result.reason {
        case .inactive: return " (the definition's status is draft; set `status: running` and publish)"
        case .stopped: return " (the experiment is stopped; everyone sees the control)"
        case .missingHashAttribute:
            return " (the customer has no `\(definition.hashAttribute)` attribute to hash)"
        case .targetingFailed:
            if case .failed(let reason) = targeting {
                return " (targeting could not be evaluated: \(reason); the customer's attributes lack a field the "
                    + "expression reads: pass them with --attributes, or fix the customer view)"
            }
            return " (targeting is false for this customer)"
        case .outsideCoverage: return " (the bucket falls outside the covered ranges)"
        case .notInNamespace: return " (the customer hashes outside the experiment's namespace slice)"
        default: return ""
        }
    }

    /// The decision for machines.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "experimentKey": .string(experimentKey),
            "phase": .number(JSONNumber(phase)),
            "customerId": .string(customerId),
            "inExperiment": .bool(result.inExperiment),
            "variationId": .number(JSONNumber(result.variationIndex)),
            "variationKey": .string(result.variationKey),
            "reason": .string(result.reason.rawValue),
            "targeting": .string(targeting.description),
            "hashAttribute": .string(result.hashAttribute),
            "hashValue": .string(result.hashValue),
            "hashVersion": .number(JSONNumber(result.hashVersion)),
            "seed": .string(result.seed),
            "bucketVersion": .number(JSONNumber(result.bucketVersion)),
            "stickyBucketUsed": .bool(result.stickyBucketUsed),
            "weights": .array(weights.map { .number(JSONNumber($0)) }),
            "configuredAt": .number(JSONNumber(configuration.position.rawValue)),
            "head": .number(JSONNumber(head.rawValue)),
        ]
        if let bucket = result.bucket { members["bucket"] = .number(JSONNumber(bucket)) }
        if let range = result.bucketRange {
            members["bucketRange"] = .array([.number(JSONNumber(range.start)), .number(JSONNumber(range.end))])
        }
        return .object(JSONObject(members))
    }
}
