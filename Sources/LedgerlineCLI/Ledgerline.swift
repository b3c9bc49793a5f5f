import ArgumentParser

@main
struct Ledgerline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgerline",
        abstract: "An event-sourced sales automation engine: one durable, tamper-evident log of all CRM activity.",
        discussion: """
            The store lives in --data DIR (default $LEDGERLINE_DATA, else ./ledgerline-data). \
            Errors go to stderr as one line and exit non-zero; output meant for machines is JSON.

            Example:
              ledgerline init
              ledgerline append --stream customer-42 --type ContactCreated --data '{"email":"ana@example.com"}'
              ledgerline read --stream customer-42
            """,
        subcommands: [
            InitCommand.self, AppendCommand.self, ImportCommand.self, ReadCommand.self, TailCommand.self,
            StatsCommand.self, VerifyCommand.self, ExportCommand.self, DebugCommand.self,
        ]
    )

    @Option(name: .long, help: ArgumentHelp("The store's folder. Defaults to $LEDGERLINE_DATA, else ./ledgerline-data.", valueName: "dir"))
    var data: String?
}
