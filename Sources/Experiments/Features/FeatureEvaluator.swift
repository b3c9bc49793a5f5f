import JSON

/// Evaluates features against one customer's context, GrowthBook's `evalFeature`.
///
/// Experiments run by feature rules may record sticky assignments; the evaluator applies
/// each such update to its ``context``, so a later evaluation sees it, exactly as the
/// SDK's in-memory sticky bucket service would.
public struct FeatureEvaluator: Sendable {
    public private(set) var context: EvaluationContext

    public init(context: EvaluationContext) {
        self.context = context
    }

    /// The value of feature `key` and where it came from.
    public mutating func evaluate(_ key: String) -> FeatureResult {
        var evaluation = Evaluation(context: context)
        let result = evaluation.evaluateFeature(key)
        context = evaluation.context
        return result
    }
}

extension Evaluation {
    mutating func evaluateFeature(_ id: String) -> FeatureResult {
        if evaluatingFeatures.contains(id) {
            return FeatureResult(value: .null, source: .cyclicPrerequisite, ruleId: "")
        }
        evaluatingFeatures.insert(id)
        if let forced = context.forcedFeatureValues[id] {
            return FeatureResult(value: forced, source: .override, ruleId: "")
        }
        guard let feature = context.features[id] else {
            return FeatureResult(value: .null, source: .unknownFeature, ruleId: "")
        }
        let saved = evaluatingFeatures
        let sticky = context.stickyAssignments != nil
        rules: for rule in feature.rules {
            for parent in rule.parentConditions ?? [] {
                evaluatingFeatures = saved
                let parentResult = evaluateFeature(parent.id)
                if parentResult.source == .cyclicPrerequisite {
                    return FeatureResult(value: .null, source: .cyclicPrerequisite, ruleId: "")
                }
                let probe = JSONValue.object(JSONObject(["value": parentResult.value]))
                if !parent.condition.evaluate(probe, savedGroups: context.savedGroups) {
                    if parent.gate { return FeatureResult(value: .null, source: .prerequisite, ruleId: "") }
                    continue rules
                }
            }
            if let filters = rule.filters, isFilteredOut(filters) { continue }
            if let forced = rule.force {
                if let condition = rule.condition,
                    !condition.evaluate(context.attributes, savedGroups: context.savedGroups)
                {
                    continue
                }
                let fallback = sticky && !rule.disableStickyBucketing ? rule.fallbackAttribute : nil
                guard isIncludedInRollout(rule, featureKey: id, fallback: fallback) else { continue }
                return FeatureResult(value: forced, source: .force, ruleId: rule.id ?? "")
            }
            guard let experiment = rule.experiment(featureKey: id) else { continue }
            let result = run(experiment, featureId: id, include: nil)
            if let update = result.stickyBucketUpdate { context.stickyAssignments?.merge(update) }
            if result.inExperiment && !result.passthrough {
                return FeatureResult(
                    value: result.value, source: .experiment, ruleId: rule.id ?? "",
                    experiment: experiment, experimentResult: result)
            }
        }
        return FeatureResult(value: feature.defaultValue ?? .null, source: .defaultValue, ruleId: "")
    }

    /// GrowthBook's `isIncludedInRollout` for a force rule's `range` or `coverage`.
    private func isIncludedInRollout(_ rule: FeatureRule, featureKey: String, fallback: String?) -> Bool {
        if rule.range == nil && rule.coverage == nil { return true }
        if rule.range == nil && rule.coverage == 0 { return false }
        let value = context.hashAttribute(rule.hashAttribute, fallback: fallback).value
        guard value.isTruthy else { return false }
        let seed = (rule.seed?.isEmpty ?? true) ? featureKey : rule.seed!
        let version = (rule.hashVersion ?? 0) == 0 ? 1 : rule.hashVersion!
        guard let n = BucketHash.bucket(seed: seed, value: value.javaScriptString, version: version) else {
            return false
        }
        if let range = rule.range { return range.contains(n) }
        return n <= rule.coverage!
    }

    /// `isFilteredOut` for filters without prepared seeds.
    private func isFilteredOut(_ filters: [HashFilter]) -> Bool {
        filters.contains { filter in
            let value = context.hashAttribute(filter.attribute, fallback: nil).value
            return !value.isTruthy || !filter.admits(hashValue: value.javaScriptString)
        }
    }
}
