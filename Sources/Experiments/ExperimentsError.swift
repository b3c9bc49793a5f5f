/// The one error type of the Experiments subsystem.
///
/// Its ``message`` says what is wrong and what to do; ``file``, ``line`` and ``field``
/// say where, so ``description`` reads like a compiler diagnostic:
///
/// ```
/// rules/experiments/followup-subject.yaml:7: variations[1].weight: must be between 0 and 1; got 1.4
/// ```
///
/// A definition with several problems is reported as one error whose ``problems`` lists
/// each of them, so `ledgerline experiments lint` can print them all at once.
public struct ExperimentsError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// An experiment definition breaks a rule; see ``ExperimentsError/problems``.
        case invalidDefinition
        /// The YAML itself does not parse.
        case invalidYAML
        /// A definition file could not be read.
        case unreadableFile
        /// Definitions conflict with each other (duplicate keys, overlapping namespaces).
        case conflictingDefinitions
        /// An analysis or bandit function was given inputs it cannot work with.
        case invalidInput
        /// The experiment key names no definition, or nothing has been published under it.
        case unknownExperiment
        /// The log holds no customer with the given id.
        case unknownCustomer
        /// An experiment's stream changed between reading and appending (another publish or
        /// re-weighting ran at the same time); nothing was appended and a retry is safe.
        case conflict
        /// An experiment event in the log does not have the shape this build writes.
        case invalidEvent
        /// The log holds nothing to analyse yet (an experiment without exposures).
        case noData
        /// The event log failed; see ``ExperimentsError/cause``.
        case log
    }

    public var code: Code
    /// What is wrong and what to do about it.
    public var message: String
    public var file: String?
    /// 1-based line in ``file``.
    public var line: Int?
    /// 1-based column in ``file``.
    public var column: Int?
    /// The field path within the definition, e.g. `variations[1].weight`.
    public var field: String?
    /// The individual problems, for ``Code/invalidDefinition`` and ``Code/conflictingDefinitions``.
    public var problems: [ExperimentsError]
    /// The underlying error, when another layer (the YAML parser, the file system) failed.
    public var cause: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
        field: String? = nil, problems: [ExperimentsError] = [], cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.problems = problems
        self.cause = cause
    }

    /// `file:line: field: message`, leaving out the parts that are unknown; for an error
    /// with problems, one such line per problem under a summary.
    public var description: String {
        if !problems.isEmpty {
            return ([headline] + problems.map(\.description)).joined(separator: "\n")
        }
        return headline
    }

    private var headline: String {
        var location = ""
        if let file { location = file + (line.map { ":\($0)" } ?? "") + ": " }
        return location + (field.map { $0 + ": " } ?? "") + message
    }
}
