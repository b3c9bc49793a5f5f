/// Where an experiment is in its life: drafts and stopped experiments enrol nobody.
public enum ExperimentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case running
    case stopped
}
