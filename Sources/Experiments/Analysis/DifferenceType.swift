/// Whether an effect is reported as a difference of means or relative to control.
public enum DifferenceType: String, Sendable, Hashable, Codable {
    /// (treatment − control) / control: "+12%".
    case relative
    /// treatment − control: "+1.3 points", "+$4.20".
    case absolute
}
