import ArgumentParser
import Experiments
import Foundation

extension ExperimentsCommand {
    /// `ledgerline experiments lint [PATH ...]`: check definitions without touching the log.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check experiment definitions: YAML, every field, targeting and filter expressions, metric event types, namespace overlaps, and that publish can record them.",
            discussion: """
                Each problem is printed as file:line: field: message, and the command exits 65 \
                when there is any. The ExperimentConfigured event publish would append is \
                validated against the event catalog, so its limits (at most 20 variations, \
                2000 characters of targeting, ...) are lint's too. Paths may be files or folders \
                (default: rules/experiments).

                Examples:
                  ledgerline experiments lint
                  ledgerline experiments lint rules/experiments/followup-subject.yaml
                """)

        @Argument(help: "Definition files or folders (default: rules/experiments).")
        var paths: [String] = []

        func run() async throws {
            try await CommandErrors.run {
                let eventCatalog = ExperimentsCLI.eventCatalog
                var catalog = ExperimentCatalog(definitions: [], files: [:])
                var problems: [ExperimentsError] = []
                // A file named twice (`lint . f.yaml`, `lint f.yaml f.yaml`) is linted once:
                // read twice, its key was "also the key of" itself.
                var seen: Set<String> = []
                func firstTime(_ path: String) -> Bool {
                    seen.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path).inserted
                }
                for path in paths.isEmpty ? ["rules/experiments"] : paths {
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                        throw InputError.unreadable(
                            "\(path): no such file or folder; give definition files or their folder")
                    }
                    guard firstTime(path) else { continue }
                    do throws(ExperimentsError) {
                        if isDirectory.boolValue {
                            let loaded = try ExperimentCatalog.load(
                                directory: URL(fileURLWithPath: path), displayPrefix: path, eventCatalog: eventCatalog)
                            for (definition, source) in zip(loaded.definitions, loaded.sources) where firstTime(source.file) {
                                catalog.add(definition, file: source.file, line: source.line)
                            }
                        } else {
                            try catalog.add(
                                contentsOf: URL(fileURLWithPath: path), displayPath: path, eventCatalog: eventCatalog)
                        }
                    } catch {
                        problems += error.problems.isEmpty ? [error] : error.problems
                    }
                }
                problems += catalog.conflicts()
                guard problems.isEmpty else {
                    throw ExperimentsError(
                        .invalidDefinition,
                        "\(problems.count.counted("problem")) in experiment definitions; fix \(problems.count == 1 ? "it" : "them") and lint again",
                        problems: problems)
                }
                let keys = catalog.definitions.map(\.key).joined(separator: ", ")
                Output.line(
                    "ok: \(catalog.definitions.count.counted("experiment definition"))\(keys.isEmpty ? "" : ": " + keys)"
                )
                Output.flush()
            }
        }
    }
}
