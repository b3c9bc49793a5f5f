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
            "expectedVersion"?, "actor"?, "correlationId"?, "causationId"?, "metadata"?}. \
            The whole file is checked before anything is appended; bad lines are reported \
            as FILE:LINE: reason and nothing is appended. Re-running an import that was \
            interrupted appends only what is missing. Lines written by `export` restore a \
            log with the same positions and hashes.

            Example:
              ledgerline import events.jsonl --json
              gzip -dc backup.jsonl.gz | ledgerline --data ./restored import -
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The JSON Lines file, or - to read standard input.") var file: String
    @Flag(help: "Print a JSON summary with appended and duplicates.") var json = false
    @Option(help: "Events per append transaction.") var batchSize = 50_000

    func run() async throws {
        try await CommandErrors.run {
            let (url, displayName, spooled) = try source()
            defer { if spooled { try? FileManager.default.removeItem(at: url) } }
            let store = try global.openStore(create: true)
            defer { store.close() }
            var options = EventImporter.Options()
            options.batchSize = max(1, batchSize)
            options.scratchDirectory = global.dataDirectory
            let importer = EventImporter(store: store, validator: Catalog.validator, options: options)
            let bar = ProgressBar()
            let summary = try await importer.importFile(at: url, displayName: displayName) { progress in
                let detail = progress.phase == .checking
                    ? "\(progress.lines.grouped) lines checked"
                    : "\(progress.appended.grouped) appended, \(progress.duplicates.grouped) already stored"
                bar.update(label: progress.phase.rawValue, done: progress.bytesDone, total: progress.bytesTotal, detail: detail)
            }
            bar.finish()
            if json {
                let value: JSONValue = [
                    "file": .string(displayName), "lines": .number(JSONNumber(summary.lines)),
                    "appended": .number(JSONNumber(summary.appended)), "duplicates": .number(JSONNumber(summary.duplicates)),
                    "head": .number(JSONNumber(summary.head.rawValue)),
                    "seconds": .number(JSONNumber((summary.seconds * 1000).rounded() / 1000)),
                    "checkSeconds": .number(JSONNumber((summary.checkSeconds * 1000).rounded() / 1000)),
                ]
                Output.line(value.description)
            } else {
                let rate = summary.seconds > 0 ? Int(Double(summary.appended) / summary.seconds) : 0
                Output.line("\(displayName): \(summary.appended.grouped) appended, \(summary.duplicates.grouped) already stored, head \(summary.head.rawValue.formatted()) (\(String(format: "%.2f", summary.seconds)) s, \(rate.grouped) events/s)")
            }
            Output.flush()
        }
    }

    /// The file to import; standard input is first spooled to a temporary file so it
    /// can be checked whole before anything is appended.
    private func source() throws -> (URL, String, Bool) {
        guard file == "-" else {
            let url = URL(fileURLWithPath: file)
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw InputError("cannot read \(file): no such file, or not readable") }
            return (url, file, false)
        }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-import-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: spool.path, contents: nil)
        let handle = try FileHandle(forWritingTo: spool)
        defer { try? handle.close() }
        while let chunk = try FileHandle.standardInput.read(upToCount: 4 << 20), !chunk.isEmpty {
            try handle.write(contentsOf: chunk)
        }
        return (spool, "<stdin>", true)
    }
}
