import ArgumentParser
import EventLog
import Experiments
import Foundation
import JSON

extension ExperimentsCommand {
    /// `ledgerline experiments list`: what the log says is published.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the experiments published to the log, and whether the definitions folder differs.",
            discussion: """
                One line per experiment: key, status, phase, variations with the weights in \
                force, and where it was configured. When the definitions folder exists, \
                definitions changed since publishing and definitions never published are marked.

                Example:
                  ledgerline experiments list
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var definitions: DefinitionOptions

        @Flag(help: "Print one JSON object per experiment.")
        var json = false

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore()
                defer { store.close() }
                var keys: [String] = []
                var from = LogPosition.start
                while true {
                    let page = try store.readType(ExperimentEvents.configured, from: from, limit: 1024)
                    for event in page {
                        if let key = event.data["experimentKey"]?.stringValue, !keys.contains(key) { keys.append(key) }
                    }
                    guard page.count == 1024, let last = page.last else { break }
                    from = last.position.next
                }
                var local: ExperimentCatalog?
                if FileManager.default.fileExists(atPath: definitions.directory) {
                    local = try? definitions.catalog()
                }
                for key in keys.sorted() {
                    let history = try ExperimentHistory.load(key, from: store)
                    guard let current = history.current else { continue }
                    let weights = history.weights(phase: current.phase) ?? current.definition.weights
                    var state = ""
                    if let definition = local?.definition(key) {
                        state =
                            definition.canonicalBytes == current.definition.canonicalBytes ? "" : "changed in folder"
                    }
                    if json {
                        var members: [String: JSONValue] = [
                            "key": .string(key), "name": .string(current.definition.name),
                            "status": .string(current.definition.status.rawValue),
                            "phase": .number(JSONNumber(current.phase)),
                            "bandit": .bool(current.definition.bandit != nil),
                            "configuredAt": .number(JSONNumber(current.position.rawValue)),
                            "variations": .array(
                                zip(current.definition.variations, weights).map {
                                    .object(JSONObject(["id": .string($0.id), "weight": .number(JSONNumber($1))]))
                                }),
                        ]
                        if !state.isEmpty { members["folder"] = .string(state) }
                        Output.line(JSONWriter.canonicalString(.object(JSONObject(members))))
                    } else {
                        let arms = zip(current.definition.variations, weights).map {
                            "\($0.id) \(String(format: "%.1f%%", $1 * 100))"
                        }.joined(separator: " · ")
                        var line = "\(key)  \(current.definition.status.rawValue)  phase \(current.phase)  \(arms)"
                        if current.definition.bandit != nil { line += "  bandit" }
                        line += "  (seq \(current.position))"
                        if !state.isEmpty { line += "  [\(state): run `ledgerline experiments publish \(key)`]" }
                        Output.line(line)
                    }
                }
                for definition in local?.definitions ?? [] where !keys.contains(definition.key) {
                    if json {
                        Output.line(
                            JSONWriter.canonicalString(
                                .object(
                                    JSONObject(["key": .string(definition.key), "folder": .string("not published")]))))
                    } else {
                        Output.line(
                            "\(definition.key)  not published  [run `ledgerline experiments publish \(definition.key)`]"
                        )
                    }
                }
                if keys.isEmpty && (local?.definitions.isEmpty ?? true) && !json {
                    Output.line(
                        "no experiments published yet; write one in rules/experiments/ and run `ledgerline experiments publish`"
                    )
                }
                Output.flush()
            }
        }
    }
}
