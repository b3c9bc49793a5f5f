/// Input that is not one well-formed JSON value.
///
/// The position is reported both as a byte offset and as a 1-based line and column
/// (columns count bytes), so a caller can point at it in a file or a one-line input.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input.
    public var offset: Int
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column (in bytes) of the problem.
    public var column: Int
    /// What was wrong, e.g. `expected ':' after an object key`.
    public var reason: String

    public init(offset: Int, line: Int, column: Int, reason: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `column 17: expected ':' after an object key` for one-line input, with the line
    /// number in front when the input had more than one line.
    public var description: String {
        line > 1 ? "line \(line), column \(column): \(reason)" : "column \(column): \(reason)"
    }
}
