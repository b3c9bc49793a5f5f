import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension ProjectCommand {
    /// `project rebuild [NAME...]`: fold views again from position 0 and swap them in.
    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fold views again from the first event and put them in place, with a progress bar on stderr.",
            discussion: """
                NAME is customers, pipeline or tasks; all three when none is given (a name given \
                twice is rebuilt once). Views not named keep their rows. The new view is folded \
                into tables of its own while queries, in this or other processes, go on \
                answering from the view as it is; it replaces the view in one transaction once \
                it has folded at least as far. A rebuild that fails or is stopped leaves the \
                view as it was, and the next `project rebuild` goes on from its last commit \
                (`project status` shows where). Compare `project digest` before and after to \
                show that the rebuilt view equals the live one.

                Examples:
                  ledgerline project rebuild
                  ledgerline project rebuild pipeline --json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The views to rebuild (customers, pipeline, tasks).") var names: [String] = []
        @Option(
            help: "Events folded per commit (default 1,000,000); smaller commits lose less work when interrupted.")
        var batchSize: Int?
        @Flag(help: "Print one JSON object when done.") var json = false

        func validate() throws {
            if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
            _ = try StandardViews.checked(names)
        }

        func run() async throws {
            try await CommandErrors.run {
                let views = try StandardViews.checked(names)
                let store = try global.openStore()
                defer { store.close() }
                var options = ProjectionRunner.Options()
                if let batchSize { options.rebuildBatchSize = batchSize }
                let runner = ProjectionRunner(store: store, projections: views, options: options)
                let bar = ProgressBar()
                let started = Date()
                let reached = try await runner.rebuild { progress in
                    let total = Int(progress.goal.rawValue - progress.start.rawValue)
                    bar.update(
                        label: "rebuilding", done: Int(progress.position.rawValue - progress.start.rawValue),
                        total: total,
                        detail: "\(progress.events.grouped) events")
                }
                bar.finish()
                let seconds = Date().timeIntervalSince(started)
                let events = Int(reached.rawValue)
                let rate = seconds > 0 ? Double(events) / seconds : 0
                let names = views.map(\.name)  // each view once, however often named
                if json {
                    let value: JSONValue = [
                        "views": .array(names.map { .string($0) }), "position": .number(JSONNumber(reached.rawValue)),
                        "events": .number(JSONNumber(events)),
                        "seconds": .number(JSONNumber((seconds * 1000).rounded() / 1000)),
                        "eventsPerSecond": .number(JSONNumber(Int(rate))),
                    ]
                    Output.line(value.description)
                } else {
                    Output.line(
                        "rebuilt \(names.joined(separator: ", ")): \(events.counted("event")) to position \(Int(reached.rawValue).grouped) in \(String(format: "%.2f", seconds)) s (\(Int(rate).grouped) events/s)"
                    )
                }
                Output.flush()
            }
        }
    }

    /// `project digest [NAME...]`: a SHA-256 over each view's canonical state.
    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a SHA-256 over each view's canonical state, for comparing a rebuild with the live view.",
            discussion: """
                The digest covers every row, saved version and link of the view in key order. \
                Views are caught up to the head first (unless --no-catch-up), so two digests \
                taken at the same head agree exactly when the views hold the same bytes.

                Examples:
                  ledgerline project digest
                  ledgerline project digest customers --json
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The views to digest (customers, pipeline, tasks); all when none is given.") var names:
            [String] = []
        @Flag(help: "Digest the views as stored, without folding new events first.") var noCatchUp = false
        @Flag(help: "Print a JSON array.") var json = false

        func validate() throws {
            _ = try StandardViews.checked(names)
        }

        func run() async throws {
            try await CommandErrors.run {
                let views = try StandardViews.checked(names)
                let store = try global.openStore()
                defer { store.close() }
                let runner = ProjectionRunner(store: store, projections: views)
                if !noCatchUp { try await runner.catchUp() }
                var digests: [ViewDigest] = []
                for view in views { digests.append(try await runner.digest(view.name)) }
                if json {
                    let rows: [JSONValue] = digests.map { d in
                        [
                            "view": .string(d.name), "checkpoint": .number(JSONNumber(d.checkpoint.rawValue)),
                            "entries": .number(JSONNumber(d.entries)), "sha256": .string(d.sha256),
                        ]
                    }
                    Output.line(JSONWriter.prettyString(.array(rows)))
                } else {
                    var table = TextTable(["VIEW", "CHECKPOINT", "ENTRIES", "SHA-256"], rightAligned: [1, 2])
                    for d in digests {
                        table.add([d.name, Int(d.checkpoint.rawValue).grouped, d.entries.grouped, d.sha256])
                    }
                    table.print()
                }
                Output.flush()
            }
        }
    }
}
