/// A prerequisite: the feature `id` must evaluate to a value satisfying `condition`
/// (tested against `{"value": <feature value>}`). A failing `gate` blocks the whole feature.
public struct ParentCondition: Sendable {
    public var id: String
    public var condition: Condition
    public var gate: Bool

    public init(id: String, condition: Condition, gate: Bool = false) {
        self.id = id
        self.condition = condition
        self.gate = gate
    }
}
