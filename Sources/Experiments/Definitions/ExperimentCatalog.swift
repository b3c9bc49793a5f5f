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
    /// The file each definition came from, by key (the first, when two share a key).
    public private(set) var files: [String: String]
    /// Where each definition was read, parallel to ``definitions``.
    public private(set) var sources: [Source]

    /// A definition's file and the line of its `key`, as `rules/experiments/a.yaml:1`.
    public struct Source: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        /// The line of the `key` field, when known.
        public var line: Int?

        public init(file: String, line: Int? = nil) {
            self.file = file
            self.line = line
        }

        public var description: String { file + (line.map { ":\($0)" } ?? "") }
    }

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
                try catalog.add(
                    contentsOf: directory.appendingPathComponent(name), displayPath: shown, eventCatalog: eventCatalog)
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
        sources = definitions.map { Source(file: files[$0.key] ?? "") }
    }

    /// Adds `definition`, read from `file` (its key at `line`); ``conflicts()`` checks it
    /// against the others.
    public mutating func add(_ definition: ExperimentDefinition, file: String, line: Int? = nil) {
        definitions.append(definition)
        sources.append(Source(file: file, line: line))
        if files[definition.key] == nil { files[definition.key] = file }
    }

    /// Reads and lints the definition file at `url` (see
    /// ``ExperimentDefinition/load(contentsOf:displayPath:eventCatalog:)``) and adds it,
    /// with the line of its key.
    public mutating func add(contentsOf url: URL, displayPath: String? = nil, eventCatalog: EventCatalog? = nil)
        throws(ExperimentsError)
    {
        let shown = displayPath ?? url.path
        let (definition, line) = try ExperimentDefinition.loadLocated(
            contentsOf: url, displayPath: shown, eventCatalog: eventCatalog)
        add(definition, file: shown, line: line)
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
                        "`\(definition.key)` is also the key of \(sources[first]); keys must be unique, "
                            + "so rename one or remove the other file",
                        file: sources[i].file, line: sources[i].line, field: "key"))
            } else {
                seen[definition.key] = i
            }
        }
        let live = definitions.indices.filter { definitions[$0].status != .stopped && definitions[$0].namespace != nil }
        for (n, i) in live.enumerated() {
            for j in live[(n + 1)...] {
                let a = definitions[i].namespace!
                let b = definitions[j].namespace!
                if a.id == b.id && a.start < b.end && b.start < a.end {
                    problems.append(
                        ExperimentsError(
                            .conflictingDefinitions,
                            "namespace `\(a.id)` slice [\(a.start), \(a.end)) overlaps [\(b.start), \(b.end)) of `\(definitions[j].key)` "
                                + "(\(sources[j].file)); give mutually exclusive experiments disjoint slices",
                            file: sources[i].file, field: "namespace"))
                }
            }
        }
        return problems
    }
}
