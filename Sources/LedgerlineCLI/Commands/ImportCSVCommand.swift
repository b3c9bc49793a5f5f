import ArgumentParser
import EventLog
import Foundation
import JSON

struct ImportCSVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-csv",
        abstract: "Turn the rows of a CSV export into events, as a YAML mapping says, and append them.",
        discussion: """
            The mapping names the file's dialect (delimiter, quote, header) and, per row, \
            the events it yields: type, stream, id key, occurredAt and data fields made \
            from columns (dates, money, numbers, booleans, value tables, constants), each \
            event optionally under a `when:` condition. See the README for every key.

            The whole file is checked before anything is appended: bad rows are reported \
            as FILE:LINE: column: reason, a bad mapping as MAPPING:LINE: reason, and \
            nothing is appended. Event ids derive from each event's type and id key, so \
            importing the same file again appends nothing.

            Examples:
              ledgerline import-csv tools/datasets/cdnow/CDNOW_master.txt \\
                --mapping tools/mappings/cdnow.yaml
              ledgerline import-csv deals.csv --mapping deals.yaml --dry-run --json
              gzip -dc deals.csv.gz | ledgerline import-csv - --mapping deals.yaml
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The CSV (or other delimited) file, or - to read standard input.") var file: String
    @Option(help: ArgumentHelp("The YAML mapping from rows to events.", valueName: "mapping.yaml")) var mapping: String
    @Flag(help: "Print a JSON summary: rows, events per type, appended, duplicates.") var json = false
    @Flag(help: "Check every row and plan the import against the store; append nothing.") var dryRun = false
    @Option(help: "Events per append transaction, at most (one also ends before 32 MiB of events).") var batchSize = 50_000
    @Option(help: "Report at most this many bad rows in detail.") var maxProblems = 20

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be 1 or more (events per append transaction): \(batchSize)") }
        if maxProblems < 1 { throw ValidationError("--max-problems must be 1 or more (bad rows reported in detail): \(maxProblems)") }
    }

    func run() async throws {
        try await CommandErrors.run {
            ScratchLease.removeOnInterrupt()
            if file != "-" { try InputFile.requireReadable(file, expected: "a CSV (or other delimited) file, or - for standard input") }
            try InputFile.requireReadable(mapping, as: "the mapping", expected: "a YAML mapping file")
            let yaml: String
            do throws(TextFile.Failure) {
                // A pipe reads too (`--mapping <(envsubst < m.yaml)`).
                yaml = try TextFile.read(mapping)
            } catch .notUTF8 {
                throw InputError("the mapping \(mapping) is not UTF-8 text; give a YAML mapping file")
            } catch {
                throw InputError.unreadable("cannot read the mapping \(mapping): \(error); give a YAML mapping file")
            }
            let rules = try CSVMapping(yaml: yaml, file: mapping)
            var options = CSVImporter.Options()
            options.batchSize = batchSize
            options.maxReportedProblems = maxProblems
            options.standardInput = StandardInputAdvice(
                command: global.command(["import-csv", "-", "--mapping", MessageText.shellPath(mapping)] + (dryRun ? ["--dry-run"] : [])),
                readsStandardInput: file == "-")
            // The CSV importer reads its file once, so a pipe is read as it comes.
            let url = URL(fileURLWithPath: file == "-" ? "/dev/stdin" : file)
            let displayName = self.displayName
            let bar = ProgressBar()
            let progress = bar.importProgress(counting: "rows")
            let summary: CSVImporter.Summary
            if dryRun {
                // A dry run creates nothing: without a store, it plans against an empty log.
                let store = try global.openExistingStore()
                defer { store?.close() }
                if store != nil { options.scratchDirectory = global.dataDirectory }
                let importer =
                    store.map { CSVImporter(mapping: rules, store: $0, validator: Catalog.validator, options: options) }
                    ?? CSVImporter(checking: rules, validator: Catalog.validator, options: options)
                summary = try await importer.preview(url: url, displayName: displayName, progress: progress)
            } else {
                options.scratchDirectory = global.dataDirectory
                // The store is opened (made, in a new folder) only once the file has passed.
                summary = try await GlobalOptions.withStore(creatingOnDemandIn: global.dataDirectory) { [options] store in
                    try await CSVImporter(checking: rules, validator: Catalog.validator, options: options)
                        .importFile(at: url, displayName: displayName, into: { try store.open() }, progress: progress)
                }
            }
            bar.finish()
            print(summary)
            Output.flush()
        }
    }

    /// The file as messages name it: `<stdin>` for standard input.
    private var displayName: String { file == "-" ? "<stdin>" : file }

    private func print(_ summary: CSVImporter.Summary) {
        let types = summary.eventsByType.sorted { $0.key < $1.key }
        if json {
            let value: [String: JSONValue] = [
                "file": .string(displayName), "mapping": .string(mapping), "rows": .number(JSONNumber(summary.rows)),
                "events": .number(JSONNumber(summary.events)),
                "types": .object(
                    JSONObject(
                        Dictionary(
                            uniqueKeysWithValues: types.map {
                                ($0.key.rawValue, JSONValue.number(JSONNumber($0.value)))
                            }))),
                "dryRun": .bool(dryRun),
                dryRun ? "wouldAppend" : "appended": .number(JSONNumber(summary.appended)),
                "duplicates": .number(JSONNumber(summary.duplicates)),
                "head": .number(JSONNumber(summary.head.rawValue)),
                "seconds": .number(JSONNumber((summary.seconds * 1000).rounded() / 1000)),
                "checkSeconds": .number(JSONNumber((summary.checkSeconds * 1000).rounded() / 1000)),
                "planSeconds": .number(JSONNumber((summary.planSeconds * 1000).rounded() / 1000)),
            ]
            Output.line(JSONValue.object(JSONObject(value)).description)
            return
        }
        // "0 events" for a file of no rows, not "0 events ()".
        let perType =
            types.isEmpty ? "" : " (" + types.map { "\($0.value.grouped) \($0.key)" }.joined(separator: ", ") + ")"
        if dryRun {
            Output.line(
                "\(displayName): \(summary.rows.counted("row")) would yield \(summary.events.counted("event"))\(perType): \(summary.appended.grouped) would be appended, "
                    + "\(summary.duplicates.grouped) already stored, head would be \(summary.head.rawValue.formatted()); nothing was appended (dry run)"
            )
        } else {
            let rate = summary.seconds > 0 ? Int(Double(summary.appended) / summary.seconds) : 0
            Output.line(
                "\(displayName): \(summary.rows.counted("row")), \(summary.events.counted("event"))\(perType): \(summary.appended.grouped) appended, \(summary.duplicates.grouped) already stored, head \(summary.head.rawValue.formatted()) (\(String(format: "%.2f", summary.seconds)) s, \(rate.grouped) events/s)"
            )
        }
    }
}
