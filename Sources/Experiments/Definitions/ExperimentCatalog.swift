import Foundation
import Schemas

/// Every experiment definition in a directory (`rules/experiments/`), checked one by one
/// and against each other.
///
/// Across files: keys must be unique, and experiments that are not stopped and share a
/// namespace must claim disjoint slices of it, or a customer could be enrolled in two
/// experiments meant to exclude each other.
public struct ExperimentCatalog: Sendable {
    public private(set) var definitions: [ExperimentDefinition]
    /// The file each definition came from, by key.
    public private(set) var files: [String: String]

    /// Loads every `*.yaml` / `*.yml` file in `directory`, in name order.
    ///
    /// - Parameters:
    ///   - displayPrefix: how paths are shown in errors, e.g. `rules/experiments`.
    ///   - eventCatalog: the event catalog each definition is checked against (see
    ///     ``ExperimentDefinition/parse(yaml:file:eventCatalog:)``); `nil` skips those checks.
    /// - Throws: one ``ExperimentsError`` whose ``ExperimentsError/problems`` lists every
    ///   problem in every file; nothing is returned unless all files are valid.
    public static func load(
        directory: URL, displayPrefix: String? = nil, eventCatalog: EventCatalog? = nil
    ) throws(ExperimentsError) -> ExperimentCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ExperimentsError(
                .unreadableFile, "cannot list the directory; check that it exists",
                file: displayPrefix ?? directory.path)
        }
        var problems: [ExperimentsError] = []
        var catalog = ExperimentCatalog(definitions: [], files: [:])
        for name in names {
            let shown = (displayPrefix ?? directory.path) + "/" + name
            do {
                catalog.add(
                    try ExperimentDefinition.load(
                        contentsOf: directory.appendingPathComponent(name),
                        displayPath: shown, eventCatalog: eventCatalog), file: shown)
            } catch {
                problems += error.problems.isEmpty ? [error] : error.problems
            }
        }
        problems += catalog.conflicts()
        if !problems.isEmpty {
            throw ExperimentsError(
                .invalidDefinition,
                "\(problems.count) problem\(problems.count == 1 ? "" : "s") in experiment definitions; fix \(problems.count == 1 ? "it" : "them") and lint again",
                problems: problems)
        }
        return catalog
    }

    public init(definitions: [ExperimentDefinition], files: [String: String]) {
        self.definitions = definitions
        self.files = files
    }

    /// Adds `definition`, read from `file`; ``conflicts()`` checks it against the others.
    public mutating func add(_ definition: ExperimentDefinition, file: String) {
        definitions.append(definition)
        if files[definition.key] == nil { files[definition.key] = file }
    }

    /// The definition with `key`.
    public func definition(_ key: String) -> ExperimentDefinition? { definitions.first { $0.key == key } }

    /// Problems between definitions: duplicate keys and overlapping namespace slices.
    public func conflicts() -> [ExperimentsError] {
        var problems: [ExperimentsError] = []
        var seen: [String: Int] = [:]
        for (i, definition) in definitions.enumerated() {
            if let first = seen[definition.key] {
                problems.append(
                    ExperimentsError(
                        .conflictingDefinitions,
                        "key `\(definition.key)` is also defined in \(files[definitions[first].key] ?? "another file"); keys must be unique",
                        file: files[definition.key], field: "key"))
            } else {
                seen[definition.key] = i
            }
        }
        let live = definitions.filter { $0.status != .stopped && $0.namespace != nil }
        for i in live.indices {
            for j in live.indices where j > i {
                let a = live[i].namespace!
                let b = live[j].namespace!
                if a.id == b.id && a.start < b.end && b.start < a.end {
                    problems.append(
                        ExperimentsError(
                            .conflictingDefinitions,
                            "namespace `\(a.id)` slice [\(a.start), \(a.end)) overlaps [\(b.start), \(b.end)) of `\(live[j].key)`; "
                                + "give mutually exclusive experiments disjoint slices",
                            file: files[live[i].key], field: "namespace"))
                }
            }
        }
        return problems
    }
}
