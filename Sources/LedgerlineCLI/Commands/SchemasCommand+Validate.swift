import ArgumentParser
import EventLog
import Foundation
import Schemas

extension SchemasCommand {
    /// `ledgerline schemas validate FILE.jsonl`: the import's checks, without importing.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a JSON Lines file against the catalog without appending anything.",
            discussion: """
                Runs every check `ledgerline import` runs before it appends (JSON, envelope \
                fields, ids, timestamps, the payload's schema, size, recordedAt in order, and \
                an id that another line has with other content) and reports every bad line \
                as FILE:LINE: reason, as the import would. Exits non-zero when any line is \
                bad. What depends on a store (expected versions, ids it holds, where an \
                export's lines go) is checked by `ledgerline import --dry-run`.

                Examples:
                  ledgerline schemas validate events.jsonl
                  ledgerline schemas validate events.jsonl --schemas ./schemas
                  gzip -dc events.jsonl.gz | ledgerline schemas validate -
                """
        )

        @OptionGroup var catalog: CatalogOptions
        @Argument(help: "The JSON Lines file to check, or - to read standard input.") var file: String
        @Option(help: "Report at most this many bad lines in detail.") var maxProblems = 1000

        func validate() throws {
            if maxProblems < 1 { throw ValidationError("--max-problems must be 1 or more (bad lines reported in detail): \(maxProblems)") }
        }

        func run() async throws {
            try await CommandErrors.run {
                ScratchLease.removeOnInterrupt()
                let loaded = try catalog.load()
                var options = EventImporter.Options()
                options.maxReportedProblems = maxProblems
                options.standardInput = StandardInputAdvice(
                    command: GlobalOptions.command(["schemas", "validate", "-"] + (catalog.directory.map { ["--schemas", MessageText.shellWord($0)] } ?? [])),
                    readsStandardInput: file == "-")
                let checker = EventImporter(checkingWith: loaded, options: options)
                let displayName = file == "-" ? "<stdin>" : file
                if file != "-" { try InputFile.requireReadable(file, expected: "a JSON Lines file, or - for standard input") }
                try checker.check(url: .init(fileURLWithPath: file == "-" ? "/dev/stdin" : file), displayName: displayName)
                Output.line("\(displayName): every line is valid")
                Output.flush()
            }
        }
    }
}
