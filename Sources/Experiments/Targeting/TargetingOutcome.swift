/// What an experiment's targeting expression said about one customer.
public enum TargetingOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The experiment has no targeting: every customer is eligible.
    case everyone
    /// The expression was true.
    case matched
    /// The expression was false.
    case notMatched
    /// The expression could not be evaluated for this customer (a field the customer view
    /// lacks, a type mismatch); the customer is not eligible. The message says why.
    case failed(String)

    /// Whether the customer is eligible.
    public var includes: Bool {
        switch self {
        case .everyone, .matched: return true
        case .notMatched, .failed: return false
        }
    }

    public var description: String {
        switch self {
        case .everyone: return "no targeting (everyone is eligible)"
        case .matched: return "true"
        case .notMatched: return "false"
        case .failed(let reason): return "could not be evaluated: \(reason)"
        }
    }
}
