import ArgumentParser
import EventLog
import Foundation
import Projections

extension ProjectCommand {
    /// `project follow`: keep the views current as events arrive, until interrupted.
    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Catch the views up, then fold each new event as it is appended, until Ctrl-C.",
            discussion: """
                Appends wake the views at once, those made by other processes (an import, \
                another ledgerline) too: the store's file is watched for their commits. \
                --poll also looks every so many milliseconds, for file systems that report \
                no changes. Each commit writes rows and checkpoint in one transaction, so \
                stopping at any moment loses nothing.

                Example:
                  ledgerline project follow --poll 250
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The views to keep current (customers, pipeline, tasks); all when none is given.") var names:
            [String] = []
        @Option(help: "Also look for appends by other processes every this many milliseconds.") var poll: Int = 500

        func validate() throws {
            if poll < 10 { throw ValidationError("--poll must be at least 10 milliseconds") }
            _ = try StandardViews.checked(names)
        }

        func run() async throws {
            try await CommandErrors.run {
                let views = try StandardViews.checked(names)
                let store = try global.openStore()
                defer { store.close() }
                let runner = ProjectionRunner(store: store, projections: views)
                let interval = Duration.milliseconds(poll)
                signal(SIGINT, SIG_IGN)
                signal(SIGTERM, SIG_IGN)
                let (stop, continuation) = AsyncStream<Void>.makeStream()
                let sources = [SIGINT, SIGTERM].map { number in
                    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                    source.setEventHandler { continuation.yield() }
                    source.resume()
                    return source
                }
                defer { for source in sources { source.cancel() } }
                Output.error("following \(views.map(\.name).joined(separator: ", ")); Ctrl-C stops")
                // Whichever ends first: a signal, or the follower failing.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await runner.follow(pollInterval: interval) }
                    group.addTask {
                        var iterator = stop.makeAsyncIterator()
                        _ = await iterator.next()
                    }
                    try await group.next()
                    group.cancelAll()
                }
                Output.error("stopped")
            }
        }
    }
}
