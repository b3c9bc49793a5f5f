import EventLog

/// One task as the task view holds it: what, for whom, due when, where it came from and
/// how it ended.
public struct TaskState: ViewState, Sendable, Hashable {
    public enum Status: UInt8, Sendable, Hashable {
        case open = 0
        case completed = 1
        case cancelled = 2

        public var name: String {
            switch self {
            case .open: return "open"
            case .completed: return "completed"
            case .cancelled: return "cancelled"
            }
        }
    }

    /// The task id: `taskId` of the events, and the row key.
    public var entity: String
    public var title: String?
    public var assigneeId: String?
    public var customerId: String?
    public var dealId: String?
    public var kind: String?
    public var priority: String?
    public var dueAt: Timestamp?
    public var createdAt: Timestamp?
    public var status: Status = .open
    /// When it was completed or cancelled.
    public var closedAt: Timestamp?
    /// Who completed or cancelled it.
    public var closedBy: String?
    /// `TaskCompleted`'s outcome, or `TaskCancelled`'s reason.
    public var resolution: String?
    public var source: TaskSource?

    public init(entity: String) { self.entity = entity }

    /// Open and due before `instant`.
    public func isOverdue(at instant: Timestamp) -> Bool {
        guard status == .open, let dueAt else { return false }
        return dueAt < instant
    }
}

/// Where a task came from: a rule (with the event that made the rule act) or a person.
public enum TaskSource: Sendable, Hashable {
    case rule(name: String, version: Int64?, enrollmentId: String?, step: Int64?, causedBy: EventID?)
    /// A user, integration or system, as `createdBy` or the envelope's `actor` names it.
    case person(String)

    /// `rule:demo-followup@3` or the person's id.
    public var label: String {
        switch self {
        case .rule(let name, let version, _, _, _): return "rule:\(name)" + (version.map { "@\($0)" } ?? "")
        case .person(let who): return who
        }
    }
}
