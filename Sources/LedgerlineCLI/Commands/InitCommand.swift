import ArgumentParser
import EventLog

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the event store (idempotent).",
        discussion: """
            Creates the store's folder and its LMDB files. Running it on an existing store \
            changes nothing and succeeds.

            Example:
              ledgerline --data ./crm init
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandErrors.run {
            // The reading commands' advice for an empty data.mdb is to restore it or to
            // run init: init is the one command that starts a store over it.
            let store = try global.openStore(create: true, startingOverAnEmptyFile: true)
            defer { store.close() }
            let head = try store.head()
            Output.line("store ready at \(global.dataDirectory.path) (\(head.position.rawValue.counted("event")))")
            Output.flush()
        }
    }
}

extension UInt64 {
    func formatted() -> String { Int(self).grouped }
}
