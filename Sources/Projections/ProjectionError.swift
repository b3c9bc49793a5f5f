/// The one error type of the Projections subsystem: views, queries, CSV import and
/// pipeline configuration.
///
/// ``message`` says what happened and what to do; ``file``, ``line`` and ``field`` say
/// where, so ``description`` reads like a compiler diagnostic:
///
/// ```
/// orders.csv:17: amount: "12,5x" is not an amount of money; write digits with one decimal separator
/// ```
///
/// Personal data never enters a message: CSV cell values are quoted only when they are
/// short and only for the column that is wrong.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A view row could not be decoded: the view is damaged or was written by a newer build.
        case corruptView
        /// A name given on the command line (a projection, a customer, a deal) does not exist.
        case notFound
        /// A position or instant for `--as-of` is not valid.
        case invalidPosition
        /// A configuration file (pipeline, CSV mapping) is wrong.
        case invalidConfiguration
        /// One or more input rows are wrong; see ``problems``.
        case invalidInput
        /// Another process advanced the view while this one was folding; retry.
        case conflict
        /// A file could not be read.
        case unreadableFile
        /// The event log failed underneath.
        case storage
    }

    public var code: Code
    public var message: String
    public var file: String?
    /// 1-based line in ``file``.
    public var line: Int?
    /// The column or field concerned.
    public var field: String?
    /// The individual problems when several inputs were wrong at once.
    public var problems: [ProjectionError]
    /// How many problems there were in all (``problems`` may hold only the first few).
    public var totalProblems: Int
    /// What failed underneath, when another layer did.
    public var cause: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, field: String? = nil,
        problems: [ProjectionError] = [], totalProblems: Int? = nil, cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.problems = problems
        self.totalProblems = totalProblems ?? problems.count
        self.cause = cause
    }

    /// `file:line: field: message`, leaving out what is unknown.
    public var location: String {
        var parts: [String] = []
        if let file { parts.append(line.map { "\(file):\($0)" } ?? file) }
        if let field { parts.append(field) }
        return parts.joined(separator: ": ")
    }

    /// One line per problem (or the message alone), each prefixed with its location.
    public var lines: [String] {
        guard !problems.isEmpty else { return [location.isEmpty ? message : "\(location): \(message)"] }
        var out = problems.flatMap(\.lines)
        if totalProblems > problems.count {
            out.append("\(file ?? "input"): … and \(totalProblems - problems.count) more problems")
        }
        out.append(location.isEmpty ? message : "\(location): \(message)")
        return out
    }

    public var description: String { lines.joined(separator: "\n") }

    static func corrupt(_ table: String, _ detail: String) -> ProjectionError {
        ProjectionError(
            .corruptView,
            "a row of view table \(table) cannot be read (\(detail)); run `ledgerline project rebuild` to rebuild the views from the log"
        )
    }
}
