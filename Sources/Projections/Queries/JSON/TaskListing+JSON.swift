import EventLog
import JSON

extension TaskListing {
    /// `tasks list --json`: the tasks matched and those kept by the limit. The reference
    /// time is the query point's (`asOf.referenceTime`), which the CLI adds.
    public var listJSON: JSONValue {
        [
            "matched": .int(matched),
            "tasks": .array(tasks.map { Self.json($0, at: referenceTime) }),
        ]
    }

    /// `tasks summary --json`: the counts per assignee.
    public var summaryJSON: JSONValue {
        [
            "assignees": .array(
                assignees.map { c in
                    [
                        "assignee": .string(c.assignee), "open": .int(c.open), "overdue": .int(c.overdue),
                        "completed": .int(c.completed),
                        "cancelled": .int(c.cancelled),
                    ]
                })
        ]
    }

    static func json(_ task: TaskState, at instant: Timestamp) -> JSONValue {
        [
            "taskId": .string(task.entity), "title": .text(task.title), "assigneeId": .text(task.assigneeId),
            "status": .string(task.status.name), "overdue": .bool(task.isOverdue(at: instant)),
            "dueAt": .time(task.dueAt),
            "createdAt": .time(task.createdAt), "closedAt": .time(task.closedAt), "closedBy": .text(task.closedBy),
            "resolution": .text(task.resolution), "customerId": .text(task.customerId), "dealId": .text(task.dealId),
            "kind": .text(task.kind), "priority": .text(task.priority), "source": json(task.source),
        ]
    }

    static func json(_ source: TaskSource?) -> JSONValue {
        switch source {
        case nil: return .null
        case .rule(let name, let version, let enrollment, let step, let cause)?:
            return [
                "type": "rule", "rule": .string(name), "ruleVersion": .int(version), "enrollmentId": .text(enrollment),
                "step": .int(step), "causedBy": .text(cause?.description),
            ]
        case .person(let who)?:
            return ["type": "person", "id": .string(who)]
        }
    }
}
