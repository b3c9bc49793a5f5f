import ArgumentParser
import Foundation
import JSON
import Schemas

/// `ledgerline schemas`: the event catalog, as people look at it.
struct SchemasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas",
        abstract: "List, show and check the event catalog: one JSON Schema per event type and version.",
        discussion: """
            The catalog is built into ledgerline; --schemas DIR loads a folder of your own \
            (<Type>.v<N>.json schemas, <Type>.v<N>-to-v<M>.json upcasters, shared files \
            such as common.json) instead.

            Examples:
              ledgerline schemas list
              ledgerline schemas show DealStageChanged --version 1
              ledgerline schemas check --schemas ./schemas
            """,
        subcommands: [List.self, Show.self, Check.self, Validate.self]
    )

    /// Writes `message` to standard error as one line, in the form of every other
    /// command error, and returns the exit code to throw.
    static func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        Output.flush()
        Output.error("ledgerline: \(message)")
        return ExitCode(code)
    }
}

/// Where the catalog comes from: built in, or `--schemas DIR`.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: .customLong("schemas"),
        help: ArgumentHelp("Load the catalog from this folder instead of the one built into ledgerline.", valueName: "dir"))
    var directory: String?

    /// The catalog. One that does not load (a file that is not JSON, a schema that does
    /// not compile) throws its ``SchemaError``, whose message names the file and the
    /// JSON pointer; run inside ``CommandErrors/run(_:)``, it is one line on stderr and
    /// exit 65, as any other bad input. A folder (or file) that is missing or may not
    /// be read exits 66, as any missing input.
    func load() throws(SchemaError) -> EventCatalog {
        if let directory { return try EventCatalog(directory: directory) }
        return try EventCatalog.loadEmbedded()
    }
}
