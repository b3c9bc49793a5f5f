import ArgumentParser
import EventLog
import Foundation

/// Options every command that touches the store shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store's folder. Defaults to $LEDGERLINE_DATA, else ./ledgerline-data.", valueName: "dir"))
    var data: String?

    /// `--data` given before the subcommand (`ledgerline --data DIR init`).
    @ParentCommand var root: Ledgerline

    /// The folder the store lives in.
    var dataDirectory: URL {
        let path = data ?? root.data ?? ProcessInfo.processInfo.environment["LEDGERLINE_DATA"] ?? "ledgerline-data"
        return URL(fileURLWithPath: path)
    }

    /// Opens the store; only `init` (and commands that create data) pass `create: true`.
    func openStore(create: Bool = false) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.create = create
        options.validator = Catalog.validator
        return try LMDBEventStore(directory: dataDirectory, options: options)
    }
}
