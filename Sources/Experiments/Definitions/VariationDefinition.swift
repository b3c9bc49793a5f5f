import JSON

/// One arm of an experiment definition.
public struct VariationDefinition: Sendable, Hashable {
    /// Stable identifier: what exposures and sticky assignments record. Never reuse one
    /// for a different treatment.
    public var id: String
    /// Display name for reports.
    public var name: String
    /// Share of the covered traffic, in `[0, 1]`; the weights of a definition sum to 1.
    public var weight: Double
    /// What the arm means to whoever acts on it (a subject line, a cadence), as JSON;
    /// `nil` when the id says it all.
    public var value: JSONValue?

    public init(id: String, name: String? = nil, weight: Double, value: JSONValue? = nil) {
        self.id = id
        self.name = name ?? id
        self.weight = weight
        self.value = value
    }
}
