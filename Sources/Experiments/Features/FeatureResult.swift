import JSON

/// A feature's evaluated value and its provenance.
public struct FeatureResult: Sendable {
    public var value: JSONValue
    public var source: FeatureSource
    public var ruleId: String
    public var experiment: Experiment?
    public var experimentResult: AssignmentResult?

    /// Whether the value is truthy, GrowthBook's `on`.
    public var on: Bool { value.isTruthy }
}
