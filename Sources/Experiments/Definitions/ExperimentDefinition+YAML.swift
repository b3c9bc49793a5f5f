import EventLog
import Foundation
import Schemas
import Yams

extension ExperimentDefinition {
    /// The fields a definition file may have.
    static let fields = [
        "key", "name", "description", "status", "variations", "coverage", "hash_attribute", "fallback_attribute",
        "seed", "hash_version", "namespace", "filters", "targeting", "bucket_version", "min_bucket_version",
        "bandit", "goals", "guardrails",
    ]

    /// Reads and lints one definition file.
    ///
    /// - Parameters:
    ///   - file: the path shown in errors, e.g. `rules/experiments/followup-subject.yaml`;
    ///     when given, the file's base name must equal the key.
    ///   - eventCatalog: the event catalog: metrics may count only its event types, and the
    ///     `ExperimentConfigured` payload publishing would append must validate against its
    ///     schema (see ``PayloadCheck``); `nil` skips both checks.
    /// - Throws: ``ExperimentsError`` with code ``ExperimentsError/Code/invalidDefinition`` listing
    ///   every problem found (or ``ExperimentsError/Code/invalidYAML`` when the YAML does not parse).
    public static func parse(yaml: String, file: String? = nil, eventCatalog: EventCatalog? = nil)
        throws(ExperimentsError) -> ExperimentDefinition
    {
        try parseLocated(yaml: yaml, file: file, eventCatalog: eventCatalog).definition
    }

    /// As ``parse(yaml:file:eventCatalog:)``, with the line of the `key` field.
    static func parseLocated(yaml: String, file: String?, eventCatalog: EventCatalog?)
        throws(ExperimentsError) -> (definition: ExperimentDefinition, keyLine: Int?)
    {
        let (definition, problems, keyLine) = read(yaml: yaml, file: file, eventCatalog: eventCatalog)
        if let definition, problems.isEmpty { return (definition, keyLine) }
        if problems.count == 1 { throw problems[0] }
        throw ExperimentsError(
            .invalidDefinition,
            "\(problems.count) problems; fix each of them and run `ledgerline experiments lint` again",
            file: file, problems: problems)
    }

    /// Reads and lints the file at `url`, naming it `displayPath` (default: its path) in errors.
    public static func load(contentsOf url: URL, displayPath: String? = nil, eventCatalog: EventCatalog? = nil)
        throws(ExperimentsError) -> ExperimentDefinition
    {
        try loadLocated(contentsOf: url, displayPath: displayPath, eventCatalog: eventCatalog).definition
    }

    /// As ``load(contentsOf:displayPath:eventCatalog:)``, with the line of the `key` field.
    static func loadLocated(contentsOf url: URL, displayPath: String?, eventCatalog: EventCatalog?)
        throws(ExperimentsError) -> (definition: ExperimentDefinition, keyLine: Int?)
    {
        let shown = displayPath ?? url.path
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(url.path)
        } catch .notUTF8 {
            throw ExperimentsError(.invalidYAML, "the file is not UTF-8 text; save it as UTF-8", file: shown)
        } catch .tooLarge(let limit) {
            throw ExperimentsError(
                .invalidYAML, "the file is larger than \(MessageText.size(limit)); a definition is a short YAML file",
                file: shown)
        } catch {
            throw ExperimentsError(.unreadableFile, "cannot read the file: \(error)", file: shown)
        }
        return try parseLocated(yaml: text, file: shown, eventCatalog: eventCatalog)
    }

    /// Every problem in the definition `yaml`, empty when it is valid.
    public static func lint(
        yaml: String, file: String? = nil, eventCatalog: EventCatalog? = nil
    ) -> [ExperimentsError] {
        read(yaml: yaml, file: file, eventCatalog: eventCatalog).problems
    }

    /// Parses what can be parsed and collects every problem on the way.
    static func read(yaml: String, file: String?, eventCatalog: EventCatalog? = nil) -> (
        definition: ExperimentDefinition?, problems: [ExperimentsError], keyLine: Int?
    ) {
        // Editors on Windows often start UTF-8 files with a byte order mark; it says nothing
        // here, and left in, YAML reads it as content ("did not find expected <document start>").
        var yaml = yaml
        if yaml.unicodeScalars.first == "\u{FEFF}" { yaml.unicodeScalars.removeFirst() }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                let empty = ExperimentsError(.invalidDefinition, "the file is empty; start with `key:`", file: file)
                return (nil, [empty], nil)
            }
            root = node
        } catch let error as YamlError {
            return (nil, [Self.yamlProblem(error, yaml: yaml, file: file)], nil)
        } catch {
            return (nil, [ExperimentsError(.invalidYAML, "is not valid YAML: \(error)", file: file)], nil)
        }
        var reader = YAMLReader(file: file)
        let eventTypes = eventCatalog.map { Set($0.types.map(\.name)) }
        let definition = DefinitionParser(file: file, eventTypes: eventTypes).parse(root, &reader)
        if let definition, let eventCatalog {
            PayloadCheck(catalog: eventCatalog).check(definition, root: root, &reader)
        }
        // Report in file order, whatever order the checks ran in.
        let ordered = reader.problems.enumerated().sorted {
            ($0.element.line ?? 0, $0.element.column ?? 0, $0.offset) < (
                $1.element.line ?? 0, $1.element.column ?? 0, $1.offset
            )
        }.map(\.element)
        let keyLine = root.mapping?.first { $0.key.string == "key" }?.key.mark?.line
        return (reader.problems.isEmpty ? definition : nil, ordered, keyLine)
    }

    private static func yamlProblem(_ error: YamlError, yaml: String, file: String?) -> ExperimentsError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ExperimentsError(
                .invalidYAML, "is not valid YAML: \(problem)", file: file, line: mark.line,
                column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams says it in several lines, the whole file included, at the first of the
            // keys; the second is the one to remove or rename.
            let key = duplicates.first ?? ""
            let first = context.mark
            let again = Self.lineOfRepeat(of: key, after: first, in: yaml)
            return ExperimentsError(
                .invalidDefinition,
                (first.column == 1 ? "" : "`\(key)` ") + "is given twice (first at line \(first.line)); keep one",
                file: file, line: again ?? first.line, column: again == nil ? first.column : nil,
                field: first.column == 1 ? key : nil)
        default:
            return ExperimentsError(
                .invalidYAML, "is not valid YAML: \(MessageText.oneLine(error.description))", file: file)
        }
    }

    /// The line (1-based) where `key`, first written at `first`, is written again in the
    /// same block mapping: the next line indented as far that starts with it, before any
    /// line indented less. `nil` when it is not found that way (a flow mapping `{a: 1, a: 2}`).
    static func lineOfRepeat(of key: String, after first: Mark, in yaml: String) -> Int? {
        let indent = first.column - 1
        // By `isNewline`: "\r\n" is one Character, which splitting on "\n" never splits.
        let lines = yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard first.line >= 1, first.line < lines.count else { return nil }
        for number in (first.line + 1)...lines.count {
            let line = lines[number - 1]
            let text = line.drop { $0 == " " }
            if text.isEmpty || text.hasPrefix("#") { continue }
            let lead = line.count - text.count
            if lead < indent { return nil }
            if lead == indent, [key, "\"\(key)\"", "'\(key)'"].contains(where: { text.hasPrefix($0 + ":") }) {
                return number
            }
        }
        return nil
    }
}
