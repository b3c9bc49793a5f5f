import EventLog
import Foundation
import Yams

extension PipelineConfiguration {
    /// The default place of the configuration, relative to the working directory.
    public static let defaultPath = "rules/pipelines.yaml"

    /// Reads the configuration at `path`.
    ///
    /// Throws ``ProjectionError/Code/unreadableFile`` when the file cannot be read and
    /// ``ProjectionError/Code/invalidConfiguration`` with `file:line` for every problem
    /// in it (YAML syntax, unknown fields, a probability outside 0…1, a stage given
    /// twice, a pipeline without stages).
    public static func load(path: String) throws(ProjectionError) -> PipelineConfiguration {
        let text: String
        do throws(TextFile.Failure) {
            // A pipe reads too (`--pipelines <(envsubst < pipelines.yaml)`).
            text = try TextFile.read(path)
        } catch .notUTF8 {
            throw ProjectionError(.invalidConfiguration, "the pipeline configuration is not UTF-8 text; save it as UTF-8", file: path)
        } catch {
            throw ProjectionError(
                .unreadableFile, "cannot read the pipeline configuration: \(error); pass --pipelines FILE", file: path)
        }
        return try parse(yaml: text, file: path)
    }

    /// `--pipelines FILE` when given, else ``defaultPath`` when it exists, else ``empty``.
    public static func load(explicit path: String?) throws(ProjectionError) -> PipelineConfiguration {
        if let path { return try load(path: path) }
        guard FileManager.default.fileExists(atPath: defaultPath) else { return .empty }
        return try load(path: defaultPath)
    }

    /// Parses a configuration document; `file` names it in messages.
    public static func parse(yaml: String, file: String? = nil) throws(ProjectionError) -> PipelineConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ProjectionError(
                    .invalidConfiguration, "the file is empty; start with `pipelines:`", file: file, line: 1)
            }
            root = node
        } catch let error as ProjectionError {
            throw error
        } catch let error as YamlError {
            throw yamlProblem(error, file: file)
        } catch {
            throw ProjectionError(.invalidConfiguration, "is not valid YAML: \(error)", file: file)
        }
        var reader = ConfigurationReader(file: file)
        let configuration = reader.configuration(root)
        let problems = reader.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        if problems.count == 1 { throw problems[0] }
        if !problems.isEmpty {
            throw ProjectionError(
                .invalidConfiguration, "\(problems.count) problems in the pipeline configuration; nothing was read",
                file: file, problems: problems)
        }
        return configuration
    }

    private static func yamlProblem(_ error: YamlError, file: String?) -> ProjectionError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ProjectionError(.invalidConfiguration, "is not valid YAML: \(problem)", file: file, line: mark.line)
        default:
            return ProjectionError(.invalidConfiguration, "is not valid YAML: \(error)", file: file)
        }
    }
}
