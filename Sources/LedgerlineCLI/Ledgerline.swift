import ArgumentParser
import EventLog
import Foundation

@main
struct Ledgerline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgerline",
        abstract: "An event-sourced sales automation engine: one durable, tamper-evident log of all CRM activity.",
        discussion: """
            The store lives in --data DIR, given before the command (default \
            $LEDGERLINE_DATA when set and not empty, else ./ledgerline-data). \
            Errors go to stderr as one line and exit non-zero; output meant for machines is JSON.

            Example:
              ledgerline init
              ledgerline append --stream customer-42 --type ContactCreated \\
                --data '{"customerId":"42","email":"ana@example.com"}'
              ledgerline read --stream customer-42
            """,
        version: version,
        subcommands: [
            InitCommand.self, AppendCommand.self, ImportCommand.self, ImportCSVCommand.self, ReadCommand.self, TailCommand.self,
            StreamsCommand.self, StatsCommand.self, VerifyCommand.self, ExportCommand.self, BackupCommand.self, SchemasCommand.self, Expr.self, DebugCommand.self,
            ExperimentsCommand.self, ProjectCommand.self, CustomersCommand.self, PipelineCommand.self, TasksCommand.self,
        ]
    )

    /// What `ledgerline --version` prints: the release (see CHANGELOG.md) and the log
    /// format this build writes and reads, which says whether it opens a given store.
    static let version = "ledgerline 0.1.0-dev (log format \(LMDBEventStore.formatVersion))"

    /// `--data DIR` before the command names the store for every command, including
    /// `append`, whose own `--data` is the payload. It is taken off the arguments here
    /// and passed on as $LEDGERLINE_DATA.
    static func main() async {
        // A write past the file size limit (`ulimit -f`) would end the process with
        // SIGXFSZ, in the middle of whatever it wrote; ignored, the write fails with
        // EFBIG instead, and the command says what happened and what to do.
        signal(SIGXFSZ, SIG_IGN)
        Output.checkBufferedOutputAtExit()
        var arguments = Array(CommandLine.arguments.dropFirst())
        do {
            try UsageErrors.requireUTF8(UsageErrors.rawArguments)
            if let folder = try UsageErrors.takeStoreFolder(&arguments) { setenv("LEDGERLINE_DATA", folder, 1) }
            arguments = UsageErrors.joiningNegativeValues(arguments)
            var command = try await asyncParseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let error = await UsageErrors.refusedNumber(error, arguments: arguments) ?? error
            exitIfUsageError(error, arguments: arguments)
            exit(withError: error)
        }
    }

    /// Usage errors are one line (``UsageErrors/line(for:arguments:)``), not
    /// argument-parser's error, help and usage block; anything else is left to
    /// argument-parser.
    static func exitIfUsageError(_ error: any Error, arguments: [String]) {
        guard let line = UsageErrors.line(for: error, arguments: arguments) else { return }
        Output.flush()
        Output.error(line)
        exit(withError: ExitCode(UsageErrors.exitCode))
    }
}
