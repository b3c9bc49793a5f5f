import ArgumentParser
import EventLog
import Experiments
import Foundation
import JSON

extension ExperimentsCommand {
    /// `ledgerline experiments show KEY`: one experiment as the log has it.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a published experiment: its configuration in force, phases and bandit weights.",
            discussion: """
                --json prints the canonical definition as published, with its checksum, and \
                every phase and re-weighting.

                Examples:
                  ledgerline experiments show followup-subject
                  ledgerline experiments show offer-cadence --json
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The experiment's key.")
        var key: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandErrors.run {
                let store = try global.openStore()
                defer { store.close() }
                let history = try ExperimentHistory.load(key, from: store)
                guard let current = history.current else { throw ExperimentsError.notPublished(key) }
                let definition = current.definition
                let weights = history.weights(phase: current.phase) ?? definition.weights
                if json {
                    Output.line(JSONWriter.prettyString(history.json(weights: weights)))
                    Output.flush()
                    return
                }
                Output.line("\(key) — \(definition.name)")
                Output.line("status       \(definition.status.rawValue)\(definition.bandit != nil ? " (bandit)" : "")")
                Output.line(
                    "phase        \(current.phase), configured at seq \(current.position) on \(current.occurredAt)"
                        + (current.configuredBy.map { " by \($0)" } ?? ""))
                if let checksum = current.checksum { Output.line("sha256       \(checksum)") }
                for (variation, weight) in zip(definition.variations, weights) {
                    Output.line(
                        "variation    \(variation.id) — \(variation.name): weight \(String(format: "%.4f", weight))")
                }
                Output.line(
                    "allocation   coverage \(definition.coverage), hash \(definition.hashAttribute)"
                        + (definition.fallbackAttribute.map { " (fallback \($0))" } ?? "")
                        + " v\(definition.hashVersion.rawValue), seed \"\(definition.seed)\", bucket version "
                        + "\(definition.bucketVersion) (min \(definition.minBucketVersion))")
                if let namespace = definition.namespace {
                    Output.line("namespace    \(namespace.id) [\(namespace.start), \(namespace.end))")
                }
                Output.line("targeting    \(definition.targeting ?? "everyone")")
                for metric in definition.goals { Output.line("goal         \(metric.summary)") }
                for metric in definition.guardrails { Output.line("guardrail    \(metric.summary)") }
                if let bandit = definition.bandit {
                    Output.line(
                        "bandit       goal \(bandit.goal), every \(bandit.schedule), minimum share \(bandit.minimumShare), "
                            + "burn-in \(bandit.burnIn) and \(bandit.burnInUnits) units; "
                            + "\(history.weightUpdates(phase: current.phase).count) re-weighting(s) this phase")
                }
                for phase in history.phases {
                    guard let start = history.start(of: phase) else { continue }
                    let changes =
                        start.phaseChanges.isEmpty ? "" : " (\(start.phaseChanges.joined(separator: ", ")) changed)"
                    Output.line(
                        "history      phase \(phase) started at seq \(start.position) on \(start.occurredAt)\(changes)")
                }
                Output.flush()
            }
        }
    }
}

extension MetricDefinition {
    /// `replied: conversion of EmailReplied within 7d`.
    var summary: String {
        var text = "\(name): \(kind.rawValue) of \(event)"
        if let value { text += " \(value)" }
        text += " within \(window)"
        if let filter { text += " where \(filter)" }
        if direction == .decrease { text += " (lower is better)" }
        return text
    }
}

extension ExperimentHistory {
    func json(weights: [Double]) -> JSONValue {
        let current = configurations.last!
        var members: [String: JSONValue] = [
            "key": .string(key),
            "phase": .number(JSONNumber(current.phase)),
            "configuredAt": .number(JSONNumber(current.position.rawValue)),
            "definition": current.definition.canonicalJSON,
            "weights": .array(weights.map { .number(JSONNumber($0)) }),
            "phases": .array(
                phases.compactMap { phase in
                    start(of: phase).map { start in
                        .object(
                            JSONObject([
                                "phase": .number(JSONNumber(phase)),
                                "startedAt": .string(start.occurredAt.description),
                                "seq": .number(JSONNumber(start.position.rawValue)),
                                "changes": .array(start.phaseChanges.map(JSONValue.string)),
                            ]))
                    }
                }),
            "weightUpdates": .array(weightUpdates.map { .object($0.payload) }),
        ]
        if let checksum = current.checksum { members["checksum"] = .string(checksum) }
        if let by = current.configuredBy { members["configuredBy"] = .string(by) }
        return .object(JSONObject(members))
    }
}
