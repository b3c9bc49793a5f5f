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

    /// The folder the store lives in.
    var dataDirectory: URL { Self.dataDirectory(data) }

    /// Opens the store; only `init` (and commands that create data) pass `create: true`.
    func openStore(create: Bool = false) throws -> LMDBEventStore {
        try Self.openStore(at: dataDirectory, create: create)
    }

    /// The store in ``dataDirectory``, or `nil` when there is none (for commands that
    /// create nothing, such as a dry run).
    func openExistingStore() throws -> LMDBEventStore? {
        do {
            return try openStore(create: false)
        } catch let error as EventLogError where error.code == .storeNotFound {
            return nil
        }
    }

    /// `given`, else $LEDGERLINE_DATA, else ./ledgerline-data.
    static func dataDirectory(_ given: String?) -> URL {
        URL(fileURLWithPath: given ?? ProcessInfo.processInfo.environment["LEDGERLINE_DATA"] ?? "ledgerline-data")
    }

    static func openStore(at directory: URL, create: Bool) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.create = create
        options.validator = Catalog.validator
        // From here on, a crash on damaged pages ends with advice, not a crash report.
        DamagedPagesReport.install(store: directory)
        return try LMDBEventStore(directory: directory, options: options)
    }
}
