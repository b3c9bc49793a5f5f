import ArgumentParser
import EventLog
import Foundation
import JSON

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append the events of a JSON Lines file (or - for stdin).",
        discussion: """
            Each line is one event: {"stream", "type", "data", "id"?, "occurredAt"?, \
            "expectedVersion"?, "actor"?, "correlationId"?, "causationId"?, "metadata"?, \
            "schemaVersion"?}; a line written by `export` also gives "seq", "version", \
            "recordedAt" and "hash", which the import checks against the store. \
            The whole file is checked before anything is appended; bad lines are reported \
            as FILE:LINE: reason and nothing is appended. So are lines the store refuses \
            for what it holds (an expectedVersion the stream is not at, an id stored with \
            other content, an export line that does not fit): when a file of several \
            batches holds such lines, every batch is planned before the first is \
            appended. Re-running an import that was interrupted appends only what is \
            missing. Lines written by `export` restore a log with the same positions and \
            hashes.

            With --dry-run the file is checked and every batch is planned against the \
            store as the import would append it (positions, expected versions, events \
            already stored, id conflicts), and nothing is appended: the summary says \
            what the import would do. Without a store, the plan is against an empty log.

            Example:
              ledgerline import events.jsonl --json
              ledgerline import events.jsonl --dry-run
              gzip -dc backup.jsonl.gz | ledgerline --data ./restored import -
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The JSON Lines file, or - to read standard input.") var file: String
    @Flag(help: "Print a JSON summary with appended and duplicates.") var json = false
    @Option(help: "Events per append transaction, at most (one also ends before 32 MiB of events).") var batchSize = 50_000
    @Flag(help: "Check every line and plan the import against the store; append nothing.") var dryRun = false
    @Option(help: "Report at most this many bad lines in detail.") var maxProblems = 20

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be 1 or more (events per append transaction): \(batchSize)") }
        if maxProblems < 1 { throw ValidationError("--max-problems must be 1 or more (bad lines reported in detail): \(maxProblems)") }
    }

    func run() async throws {
        try await CommandErrors.run {
            if file != "-" { try InputFile.requireReadable(file, expected: "a JSON Lines file, or - for standard input") }
            ScratchLease.removeOnInterrupt()
            var options = EventImporter.Options()
            options.batchSize = batchSize
            options.maxReportedProblems = maxProblems
            // The advice for a compressed file pipes it into this command, reading
            // standard input into the same store.
            options.standardInput = StandardInputAdvice(
                command: global.command(["import", "-"] + (dryRun ? ["--dry-run"] : [])), readsStandardInput: file == "-")
            let bar = ProgressBar()
            let progress = bar.importProgress(counting: "lines")
            let summary: EventImporter.Summary
            let displayName = file == "-" ? "<stdin>" : file
            if dryRun {
                // A dry run creates nothing: without a store, it plans against an empty log.
                let store = try global.openExistingStore()
                defer { store?.close() }
                options.scratchDirectory = store != nil ? global.dataDirectory : FileManager.default.temporaryDirectory
                let importer = store.map { EventImporter(store: $0, validator: Catalog.validator, options: options) }
                    ?? EventImporter(checkingWith: Catalog.validator, options: options)
                let (url, lease) = try source(in: options.scratchDirectory)
                defer { lease?.release() }
                summary = try await importer.preview(url: url, displayName: displayName, progress: progress)
            } else {
                options.scratchDirectory = global.dataDirectory
                // The store is opened (made, in a new folder) only once the file has passed.
                summary = try await GlobalOptions.withStore(creatingOnDemandIn: global.dataDirectory) { [options] store in
                    let (url, lease) = try source(in: options.scratchDirectory)
                    defer { lease?.release() }
                    return try await EventImporter(checkingWith: Catalog.validator, options: options)
                        .importFile(at: url, displayName: displayName, into: { try store.open() }, progress: progress)
                }
            }
            bar.finish()
            print(summary, displayName: displayName)
            Output.flush()
        }
    }

    private func print(_ summary: EventImporter.Summary, displayName: String) {
        if json {
            let value: JSONValue = [
                "file": .string(displayName), "lines": .number(JSONNumber(summary.lines)), "dryRun": .bool(dryRun),
                dryRun ? "wouldAppend" : "appended": .number(JSONNumber(summary.appended)),
                "duplicates": .number(JSONNumber(summary.duplicates)),
                "head": .number(JSONNumber(summary.head.rawValue)),
                "seconds": .number(JSONNumber((summary.seconds * 1000).rounded() / 1000)),
                "checkSeconds": .number(JSONNumber((summary.checkSeconds * 1000).rounded() / 1000)),
                "planSeconds": .number(JSONNumber((summary.planSeconds * 1000).rounded() / 1000)),
            ]
            Output.line(value.description)
        } else if dryRun {
            Output.line(
                "\(displayName): \(summary.lines.counted("line")) checked: \(summary.appended.grouped) would be appended, \(summary.duplicates.grouped) already stored, "
                    + "head would be \(summary.head.rawValue.formatted()); nothing was appended (dry run)")
        } else {
            let rate = summary.seconds > 0 ? Int(Double(summary.appended) / summary.seconds) : 0
            Output.line(
                "\(displayName): \(summary.appended.grouped) appended, \(summary.duplicates.grouped) already stored, head \(summary.head.rawValue.formatted()) (\(String(format: "%.2f", summary.seconds)) s, \(rate.grouped) events/s)"
            )
        }
    }

    /// The file to import. Standard input is first copied to a scratch file in
    /// `directory` (the store's folder), held like the import's own (a killed import's
    /// is removed by the next one), so it can be checked whole before anything is
    /// appended. A stream whose first bytes say it is compressed or binary is copied no
    /// further: the import refuses it from those bytes, so the rest (of a large backup,
    /// or of `/dev/zero`, which never ends) need not fill the disk first.
    private func source(in directory: URL) throws -> (URL, ScratchLease?) {
        guard file == "-" else { return (URL(fileURLWithPath: file), nil) }
        let lease = try ScratchLease.file(".ledgerline-import-\(UUID().uuidString).jsonl", in: directory)
        do {
            let handle = try FileHandle(forWritingTo: lease.url)
            defer { try? handle.close() }
            var start: [UInt8] = []
            while let chunk = try FileHandle.standardInput.read(upToCount: 4 << 20), !chunk.isEmpty {
                try handle.write(contentsOf: chunk)
                guard start.count < 8 else { continue }
                start += chunk.prefix(8 - start.count)
                if start.count == 8, EventImporter.refusesFile(startingWith: start) { break }
            }
        } catch {
            lease.release()
            throw error
        }
        return (lease.url, lease)
    }
}
