import JSON

/// A GrowthBook feature: a default value and rules that force a value or run an experiment.
///
/// Ledgerline needs features for two things: prerequisites (`parentConditions`) name
/// features, and GrowthBook's sticky-bucketing conformance cases run experiments as
/// feature rules. ``FeatureEvaluator`` evaluates them.
public struct Feature: Sendable {
    public var defaultValue: JSONValue?
    public var rules: [FeatureRule]

    public init(defaultValue: JSONValue? = nil, rules: [FeatureRule] = []) {
        self.defaultValue = defaultValue
        self.rules = rules
    }
}
