import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

/// `ledgerline project`: the views' runner, as operators and auditors drive it.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Show, rebuild, digest and follow the views (customers, pipeline, tasks).",
        discussion: """
            Each view folds the log into rows and keeps a checkpoint, written in the same \
            transaction as its rows: a crash never skips or repeats an event. Queries \
            (customers, pipeline, tasks) catch their view up before answering.

            Examples:
              ledgerline project status
              ledgerline project rebuild customers
              ledgerline project digest --json
              ledgerline project follow --poll 250
            """,
        subcommands: [Status.self, Rebuild.self, Digest.self, Follow.self]
    )

    /// `project status`: each view's checkpoint and lag.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each view's checkpoint, the log's head and the lag between them.",
            discussion: """
                A view whose stored version differs from this build's is rebuilt from the log \
                by the next query or `project rebuild`. REBUILD is the position a rebuild under \
                way has folded to, or one that was stopped: the next `project rebuild` goes on \
                from there.

                Example:
                  ledgerline project status --json
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array instead of a table.") var json = false

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore()
                defer { store.close() }
                let statuses = try await ProjectionRunner(store: store, projections: StandardViews.all).status()
                if json {
                    let rows: [JSONValue] = statuses.map { s in
                        [
                            "view": .string(s.name), "version": .number(JSONNumber(s.version)),
                            "storedVersion": s.storedVersion.map { .number(JSONNumber($0)) } ?? .null,
                            "checkpoint": .number(JSONNumber(s.checkpoint.rawValue)),
                            "head": .number(JSONNumber(s.head.rawValue)),
                            "lag": .number(JSONNumber(s.lag)), "entities": .number(JSONNumber(s.entities)),
                            "needsRebuild": .bool(s.needsRebuild),
                            "rebuild": s.rebuild.map { .number(JSONNumber($0.rawValue)) } ?? .null,
                        ]
                    }
                    Output.line(JSONWriter.prettyString(.array(rows)))
                } else {
                    var table = TextTable(
                        ["VIEW", "VERSION", "CHECKPOINT", "HEAD", "LAG", "ENTITIES", "REBUILD", "STATE"],
                        rightAligned: [1, 2, 3, 4, 5, 6])
                    for s in statuses {
                        let state =
                            s.storedVersion == nil
                            ? "never built"
                            : s.needsRebuild
                                ? "needs rebuild (stored v\(s.storedVersion!))" : s.lag == 0 ? "current" : "behind"
                        table.add([
                            s.name, "\(s.version)", Int(s.checkpoint.rawValue).grouped, Int(s.head.rawValue).grouped,
                            Int(s.lag).grouped,
                            s.entities.grouped, s.rebuild.map { Int($0.rawValue).grouped } ?? "—", state,
                        ])
                    }
                    table.print()
                }
                Output.flush()
            }
        }
    }
}
