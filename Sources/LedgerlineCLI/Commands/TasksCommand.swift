import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

/// `ledgerline tasks`: the task view, as sales reps work through it.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List tasks and count them per assignee: open, overdue, completed.",
        discussion: """
            Overdue = open and due before --now (a day = its start (00:00 UTC); default: \
            the --as-of time, else when the last event was recorded). Each task shows its \
            source: a rule (with the event that made it act) or a person.

            Examples:
              ledgerline tasks list --assignee rep-7 --overdue
              ledgerline tasks summary --json
            """,
        subcommands: [List.self, Summary.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tasks (open ones unless --status says otherwise), by due time.",
            discussion: """
                Example:
                  ledgerline tasks list --assignee rep-7 --overdue --now 2026-11-25
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @Option(help: "Only this assignee's tasks.") var assignee: String?
        @Flag(help: "Only open tasks past their due time.") var overdue = false
        @Option(help: "open, completed, cancelled or all.") var status: String = "open"
        @Option(help: "At most this many tasks.") var limit: Int = 100

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be zero or more") }
            _ = try statusFilter()
        }

        /// What `--status` names; a usage error when it names no status.
        func statusFilter() throws(ValidationError) -> TaskListing.StatusFilter {
            guard let filter = TaskListing.StatusFilter(rawValue: status) else {
                throw ValidationError(
                    "--status \(status.prefix(40)) is not a task status; use open, completed, cancelled or all")
            }
            // Overdue tasks are open ones: a completed or cancelled task is never overdue.
            if overdue, filter == .completed || filter == .cancelled {
                throw ValidationError(
                    "--overdue lists open tasks past their due time, so no \(status) task is overdue; leave out --overdue or --status \(status)"
                )
            }
            return filter
        }

        func run() async throws {
            try await CommandErrors.run {
                let statusFilter = try statusFilter()
                let request = TaskListing.Query(
                    assignee: assignee, overdueOnly: overdue, status: statusFilter, limit: limit)
                try await TasksCommand.withListing(global, query, request) { listing, session in
                    if query.json {
                        session.printJSON(listing.listJSON)
                    } else {
                        var table = TextTable(["TASK", "DUE", "STATUS", "ASSIGNEE", "TITLE", "SOURCE"])
                        for task in listing.tasks {
                            let state = task.isOverdue(at: listing.referenceTime) ? "overdue" : task.status.name
                            table.add([
                                task.entity, Figures.time(task.dueAt), state, Figures.text(task.assigneeId),
                                Figures.text(task.title), TasksCommand.source(task.source),
                            ])
                        }
                        table.print()
                        Output.line("")
                        Output.line("\(listing.tasks.count) of \(listing.matched.grouped) tasks · \(session.header)")
                    }
                }
                Output.flush()
            }
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count tasks per assignee: open, overdue, completed, cancelled.",
            discussion: """
                Example:
                  ledgerline tasks summary --now 2026-11-25
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @Option(help: "Only this assignee.") var assignee: String?

        func run() async throws {
            try await CommandErrors.run {
                let request = TaskListing.Query(assignee: assignee, status: .all, limit: 0)
                try await TasksCommand.withListing(global, query, request) { listing, session in
                    if query.json {
                        session.printJSON(listing.summaryJSON)
                    } else {
                        var table = TextTable(
                            ["ASSIGNEE", "OPEN", "OVERDUE", "COMPLETED", "CANCELLED"], rightAligned: [1, 2, 3, 4])
                        for c in listing.assignees {
                            table.add([
                                c.assignee, c.open.grouped, c.overdue.grouped, c.completed.grouped, c.cancelled.grouped,
                            ])
                        }
                        table.print()
                        Output.line("")
                        Output.line(session.header)
                    }
                }
                Output.flush()
            }
        }
    }

    /// Opens the task view at the query's point and calls `body` with the listing and
    /// the session, whose point the output names (`asOf`, the footer).
    static func withListing(
        _ global: GlobalOptions, _ query: ViewQueryOptions, _ request: TaskListing.Query,
        _ body: (TaskListing, ViewSession) throws -> Void
    ) async throws {
        let session = try await ViewSession.open(global, query, views: [TaskProjection()])
        defer { session.close() }
        let tasks = try session.queries.states(in: TaskProjection(), at: session.point)
        try body(TaskListing(tasks, query: request, referenceTime: session.point.referenceTime), session)
    }

    /// `rule:demo-followup@3 ← 0190…` or the person.
    static func source(_ source: TaskSource?) -> String {
        switch source {
        case nil: return "—"
        case .rule(_, _, _, _, let cause)?: return source!.label + (cause.map { " ← \($0)" } ?? "")
        case .person(let who)?: return who
        }
    }
}
