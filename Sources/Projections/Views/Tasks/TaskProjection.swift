import EventLog

/// The task view: one row per task, from `TaskCreated`, `TaskCompleted` and
/// `TaskCancelled`.
///
/// A task's source is a rule when `TaskCreated` names one (`ruleName`) or its actor is
/// `rule:<name>@<version>`; the event that made the rule act is the envelope's
/// `causationId`. Otherwise the source is the person in `createdBy`, else the actor.
/// Whether a task is overdue depends on when you ask, so queries decide it against an
/// explicit instant (``TaskState/isOverdue(at:)``).
public struct TaskProjection: Projection {
    public typealias State = TaskState

    public let name = "tasks"
    public let version = 1

    public init() {}

    /// No fold reads another entity.
    public var contextKinds: Set<EventKind> { [] }

    public var handledKinds: Set<EventKind> { [.taskCreated, .taskCompleted, .taskCancelled] }

    public func entities(of event: ProjectedEvent, links: LinkTable, into keys: inout [String]) {
        if let task = event.string("taskId") { keys.append(task) }
    }

    public func apply(_ event: ProjectedEvent, to task: inout TaskState, context: FoldContext<TaskState>) {
        switch event.kind {
        case .taskCreated:
            task.title = event.string("title")
            task.assigneeId = event.string("assigneeId")
            task.customerId = event.string("customerId")
            task.dealId = event.string("dealId")
            task.kind = event.string("kind")
            task.priority = event.string("priority")
            task.dueAt = event.timestamp("dueAt")
            task.createdAt = event.occurredAt
            task.source = Self.source(of: event)
        case .taskCompleted:
            task.status = .completed
            task.closedAt = event.occurredAt
            task.closedBy = event.string("completedBy") ?? event.actor
            task.resolution = event.string("outcome")
        case .taskCancelled:
            task.status = .cancelled
            task.closedAt = event.occurredAt
            task.closedBy = event.object("cancelledBy")?["id"]?.stringValue ?? event.actor
            task.resolution = event.string("reason")
        default:
            break
        }
    }

    static func source(of event: ProjectedEvent) -> TaskSource? {
        if let rule = event.string("ruleName") {
            return .rule(
                name: rule, version: event.int("ruleVersion"), enrollmentId: event.string("enrollmentId"),
                step: event.int("step"), causedBy: event.causationId)
        }
        if let actor = event.actor, actor.hasPrefix("rule:") {
            let spec = actor.dropFirst(5)
            let parts = spec.split(separator: "@", maxSplits: 1)
            return .rule(
                name: String(parts.first ?? spec), version: parts.count > 1 ? Int64(parts[1]) : nil, enrollmentId: nil,
                step: nil, causedBy: event.causationId)
        }
        if let createdBy = event.object("createdBy"), let id = createdBy["id"]?.stringValue {
            let type = createdBy["type"]?.stringValue
            if type == "rule" {
                return .rule(name: id, version: nil, enrollmentId: nil, step: nil, causedBy: event.causationId)
            }
            return .person(type.map { "\($0):\(id)" } ?? id)
        }
        return event.actor.map(TaskSource.person)
    }
}
