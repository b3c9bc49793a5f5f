import ArgumentParser

@main
struct Ledgerline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgerline",
        abstract: "An event-sourced sales automation engine: one durable, tamper-evident log of all CRM activity.",
        subcommands: [Expr.self]
    )
}
