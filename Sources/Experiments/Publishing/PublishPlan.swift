import EventLog

/// What publishing one definition does, decided against the experiment's history.
public struct PublishPlan: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// The same canonical definition is in force already: nothing is appended.
        case unchanged
        /// Nothing was published under the key yet: phase 1 starts.
        case firstPhase
        /// Only names, status, targeting or metrics changed: the phase continues.
        case samePhase
        /// The allocation changed: a new phase starts; the fields that changed.
        case newPhase(changes: [String])
    }

    public var key: String
    public var outcome: Outcome
    /// The phase the definition is (or stays) in.
    public var phase: Int
    /// The `ExperimentConfigured` event to append; `nil` when ``outcome`` is ``Outcome/unchanged``.
    public var event: ProposedEvent?
    /// Where the event landed, once published.
    public var appended: AppendedEvent?

    /// One line for people: `followup-subject: phase 2 started (weights, coverage changed)`.
    public var summary: String {
        switch outcome {
        case .unchanged: return "\(key): unchanged, still phase \(phase); nothing appended"
        case .firstPhase: return "\(key): published, phase 1 started" + landed
        case .samePhase: return "\(key): published, phase \(phase) continues" + landed
        case .newPhase(let changes):
            return "\(key): published, phase \(phase) started (\(changes.joined(separator: ", ")) changed)" + landed
        }
    }

    private var landed: String { appended.map { " at seq \($0.position)" } ?? "" }
}
