import ArgumentParser
import Foundation

@main
struct Ledgerline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgerline",
        abstract: "An event-sourced sales automation engine: one durable, tamper-evident log of all CRM activity.",
        discussion: """
            The store lives in --data DIR, given before the command (default \
            $LEDGERLINE_DATA, else ./ledgerline-data). \
            Errors go to stderr as one line and exit non-zero; output meant for machines is JSON.

            Example:
              ledgerline init
              ledgerline append --stream customer-42 --type ContactCreated --data '{"email":"ana@example.com"}'
              ledgerline read --stream customer-42
            """,
        subcommands: [
            InitCommand.self, AppendCommand.self, ImportCommand.self, ImportCSVCommand.self, ReadCommand.self, TailCommand.self,
            StreamsCommand.self, StatsCommand.self, VerifyCommand.self, ExportCommand.self, BackupCommand.self, SchemasCommand.self, Expr.self, DebugCommand.self,
            ExperimentsCommand.self, ProjectCommand.self, CustomersCommand.self, PipelineCommand.self, TasksCommand.self,
        ]
    )

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
        if arguments.first == "--data", arguments.count >= 2 {
            setenv("LEDGERLINE_DATA", arguments[1], 1)
            arguments.removeFirst(2)
        } else if let first = arguments.first, first.hasPrefix("--data=") {
            setenv("LEDGERLINE_DATA", String(first.dropFirst("--data=".count)), 1)
            arguments.removeFirst()
        }
        await main(arguments)
    }
}
