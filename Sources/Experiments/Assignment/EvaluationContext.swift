import JSON

/// Everything about one customer that an assignment may depend on, and nothing else.
///
/// Assignment is a pure function of an ``Experiment`` and this context: the customer's
/// attributes (the customer view, as JSON), the sticky assignments recorded for them,
/// and the GrowthBook context switches. No clock, no randomness, no I/O.
public struct EvaluationContext: Sendable {
    /// The customer's attributes; hash attributes and conditions read from here.
    public var attributes: JSONValue
    /// `false` switches every experiment off (GrowthBook's `enabled`).
    public var enabled: Bool
    /// QA mode enrols nobody who is not forced (GrowthBook's `qaMode`).
    public var qaMode: Bool
    /// Variations forced per experiment key, for previews and tests.
    public var forcedVariations: [String: Int]
    /// The lists `$inGroup` tests against.
    public var savedGroups: SavedGroups
    /// Features that prerequisites (`parentConditions`) evaluate.
    public var features: [String: Feature]
    /// Feature values forced for this context, overriding every rule (GrowthBook's
    /// `forcedFeatureValues`).
    public var forcedFeatureValues: [String: JSONValue]
    /// Legacy GrowthBook groups the customer belongs to.
    public var groups: [String: Bool]
    /// The customer's sticky assignments; `nil` switches sticky bucketing off (GrowthBook
    /// without a sticky bucket service), which also disables fallback attributes.
    public var stickyAssignments: StickyAssignments?

    public init(
        attributes: JSONValue = .object(JSONObject()), enabled: Bool = true, qaMode: Bool = false,
        forcedVariations: [String: Int] = [:], savedGroups: SavedGroups = [:], features: [String: Feature] = [:],
        forcedFeatureValues: [String: JSONValue] = [:], groups: [String: Bool] = [:],
        stickyAssignments: StickyAssignments? = nil
    ) {
        self.attributes = attributes
        self.enabled = enabled
        self.qaMode = qaMode
        self.forcedVariations = forcedVariations
        self.savedGroups = savedGroups
        self.features = features
        self.forcedFeatureValues = forcedFeatureValues
        self.groups = groups
        self.stickyAssignments = stickyAssignments
    }

    /// An attribute by name as GrowthBook's `getHashAttribute` reads it: the literal key
    /// first (even when its value is falsy), then the name as a dotted path; `""` when absent.
    public func attribute(_ name: String) -> JSONValue {
        if case .object(let object) = attributes {
            // A customer view has a handful of attributes: a linear scan with Swift's
            // memcmp-backed equality beats the binary search's per-comparison closures.
            if object.count <= 8 {
                for member in object where member.key == name { return member.value }
            } else if let literal = object[name] {
                return literal
            }
        }
        if name.contains(".") {
            let found = Predicate.lookup(
                name.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                in: attributes)
            return found.isNull ? .string("") : found
        }
        return .string("")
    }

    /// The hash attribute actually used and its value: `name` (default `id`), or
    /// `fallback` when `name`'s value is falsy and the fallback's is not.
    public func hashAttribute(_ name: String?, fallback: String?) -> (attribute: String, value: JSONValue) {
        let primary = (name?.isEmpty ?? true) ? "id" : name!
        let value = attribute(primary)
        if !value.isTruthy, let fallback, !fallback.isEmpty {
            let alternative = attribute(fallback)
            if alternative.isTruthy { return (fallback, alternative) }
        }
        return (primary, value)
    }
}
