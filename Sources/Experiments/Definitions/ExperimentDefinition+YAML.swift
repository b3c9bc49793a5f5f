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
        let (definition, problems) = read(yaml: yaml, file: file, eventCatalog: eventCatalog)
        if let definition, problems.isEmpty { return definition }
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
        let shown = displayPath ?? url.path
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(url.path)
        } catch .notUTF8 {
            throw ExperimentsError(.invalidYAML, "the file is not UTF-8 text; save it as UTF-8", file: shown)
        } catch .tooLarge(let limit) {
            throw ExperimentsError(.invalidYAML, "the file is larger than \(MessageText.size(limit)); a definition is a short YAML file", file: shown)
        } catch {
            throw ExperimentsError(.unreadableFile, "cannot read the file: \(error)", file: shown)
        }
        return try parse(yaml: text, file: shown, eventCatalog: eventCatalog)
    }

    /// Every problem in the definition `yaml`, empty when it is valid.
    public static func lint(yaml: String, file: String? = nil, eventCatalog: EventCatalog? = nil) -> [ExperimentsError] {
        read(yaml: yaml, file: file, eventCatalog: eventCatalog).1
    }

    /// Parses what can be parsed and collects every problem on the way.
    static func read(yaml: String, file: String?, eventCatalog: EventCatalog? = nil) -> (
        ExperimentDefinition?, [ExperimentsError]
    ) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                return (nil, [ExperimentsError(.invalidDefinition, "the file is empty; start with `key:`", file: file)])
            }
            root = node
        } catch let error as YamlError {
            return (nil, [Self.yamlProblem(error, file: file)])
        } catch {
            return (nil, [ExperimentsError(.invalidYAML, "is not valid YAML: \(error)", file: file)])
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
        return (reader.problems.isEmpty ? definition : nil, ordered)
    }

    private static func yamlProblem(_ error: YamlError, file: String?) -> ExperimentsError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ExperimentsError(
                .invalidYAML, "is not valid YAML: \(problem)", file: file, line: mark.line,
                column: mark.column)
        default:
            return ExperimentsError(.invalidYAML, "is not valid YAML: \(error)", file: file)
        }
    }
}
