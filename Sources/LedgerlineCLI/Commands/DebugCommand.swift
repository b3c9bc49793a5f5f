import ArgumentParser
import EventLog
import Foundation
import JSON

/// Tools for testing the engine itself; hidden from `--help`.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Tools for testing Ledgerline itself.",
        shouldDisplay: false,
        subcommands: [AppendLoop.self, Abort.self])

    /// Opens the store, which installs the crash report (``DamagedPagesReport``), reads
    /// its head, then aborts the process: not on one of LMDB's assertions, so the report
    /// must not blame the store.
    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abort",
            abstract: "Open the store, then abort the process (not on an assertion of LMDB's).",
            discussion: "Example:\n  ledgerline --data /tmp/x debug abort")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore()
                _ = try store.head()
                abort()
            }
        }
    }

    /// Appends single events in a loop from several tasks and prints each acknowledged
    /// position as soon as the append returns: the crash-safety test kills this process
    /// at random moments and checks every printed position survived.
    struct AppendLoop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append-loop",
            abstract: "Append events forever, printing each acknowledged position.",
            discussion: "Example:\n  ledgerline --data /tmp/x debug append-loop --tasks 8")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Concurrent appenders.") var tasks = 4
        @Option(help: "Stop after this many events per task (0: no limit).") var count = 0
        @Option(help: "Stop after this many seconds, so a test that loses track of it cannot leave it running.") var maxSeconds = 60.0
        @Option(help: "Wait this many milliseconds between one task's appends (0: none).") var paceMs = 0
        @Flag(help: "Also print when each append was acknowledged, in nanoseconds of CLOCK_MONOTONIC (shared by every process on the machine).")
        var clock = false

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore(create: true)
                let acknowledged = FileHandle.standardOutput
                let deadline = Date().addingTimeInterval(maxSeconds)
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            var n = 0
                            while (count == 0 || n < count) && Date() < deadline {
                                if paceMs > 0 && n > 0 { try? await Task.sleep(for: .milliseconds(paceMs)) }
                                n += 1
                                let event = ProposedEvent(
                                    stream: StreamName("customer-\(task)-\(n % 50)")!, type: "PageVisited",
                                    data: ["customerId": .string("\(task)-\(n % 50)"), "url": .string("https://example.com/p/\(n)")])
                                let result: AppendResult
                                do {
                                    result = try await store.append([event])
                                } catch {
                                    FileHandle.standardError.write(Data("ledgerline: \(error)\n".utf8))
                                    Foundation.exit(1)
                                }
                                let at = clock ? " \(monotonicClockNanoseconds())" : ""
                                acknowledged.write(Data("\(result.events[0].position.rawValue) \(result.events[0].id)\(at)\n".utf8))
                            }
                        }
                    }
                }
                store.close()
            }
        }
    }
}

/// Nanoseconds of `CLOCK_MONOTONIC`, which every process on the machine reads alike.
func monotonicClockNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
