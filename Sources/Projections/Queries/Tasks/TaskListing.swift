import EventLog

/// `tasks list` and `tasks summary`: tasks per assignee, open, overdue, completed.
///
/// Overdue means open with a due time before the reference time
/// (``QueryPoint/referenceTime``). Tasks are listed by due time (undated last), then id.
public struct TaskListing: Sendable {
    public enum StatusFilter: String, Sendable, CaseIterable {
        case open
        case completed
        case cancelled
        case all
    }

    public struct Query: Sendable {
        public var assignee: String?
        /// Only open tasks past their due time, whatever ``status`` says (an overdue
        /// task is open).
        public var overdueOnly = false
        public var status: StatusFilter = .open
        public var limit: Int?

        public init(assignee: String? = nil, overdueOnly: Bool = false, status: StatusFilter = .open, limit: Int? = nil)
        {
            self.assignee = assignee
            self.overdueOnly = overdueOnly
            self.status = status
            self.limit = limit
        }
    }

    /// Counts for one assignee.
    public struct AssigneeCounts: Sendable, Hashable {
        public var assignee: String
        public var open = 0
        public var overdue = 0
        public var completed = 0
        public var cancelled = 0
    }

    public let referenceTime: Timestamp
    /// Tasks matching the query, before the limit.
    public let matched: Int
    public let tasks: [TaskState]
    /// Per assignee (after the assignee filter, before the status filter), by assignee.
    public let assignees: [AssigneeCounts]

    public init(_ all: [TaskState], query: Query, referenceTime: Timestamp) {
        self.referenceTime = referenceTime
        let mine = all.filter { query.assignee == nil || $0.assigneeId == query.assignee }
        var counts: [String: AssigneeCounts] = [:]
        for task in mine {
            let who = task.assigneeId ?? "(none)"
            var c = counts[who] ?? AssigneeCounts(assignee: who)
            switch task.status {
            case .open:
                c.open += 1
                if task.isOverdue(at: referenceTime) { c.overdue += 1 }
            case .completed: c.completed += 1
            case .cancelled: c.cancelled += 1
            }
            counts[who] = c
        }
        assignees = counts.values.sorted { $0.assignee < $1.assignee }
        let selected = mine.filter { task in
            if query.overdueOnly { return task.isOverdue(at: referenceTime) }
            switch query.status {
            case .all: return true
            case .open: return task.status == .open
            case .completed: return task.status == .completed
            case .cancelled: return task.status == .cancelled
            }
        }.sorted { a, b in
            switch (a.dueAt, b.dueAt) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.entity.utf8.lexicographicallyPrecedes(b.entity.utf8)
            }
        }
        matched = selected.count
        tasks = query.limit.map { Array(selected.prefix(max(0, $0))) } ?? selected
    }
}
