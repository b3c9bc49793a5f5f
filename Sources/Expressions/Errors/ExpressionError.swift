/// The one error type of the Expressions target: syntax errors, limit violations, type-check
/// findings and evaluation failures all arrive as an `ExpressionError`.
///
/// `message` says what went wrong in words a rule author can act on; `location` says where in
/// the expression (1-based line and column), and `description` renders both with the offending
/// line and a caret under the position. Messages never contain the *values* the expression was
/// evaluated against (customer data stays out of logs); they name types, fields and functions.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable classification of the failure.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The source does not follow the CEL grammar, or a literal is malformed.
        public static let syntax = Code(rawValue: "syntax")
        /// The source is longer, or nests deeper, than the configured `Limits` allow.
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
        /// Static checking found a problem (unknown name or field, type mismatch, bad overload).
        public static let check = Code(rawValue: "check")
        /// The expression uses a feature this implementation deliberately leaves out.
        public static let unsupported = Code(rawValue: "unsupported")
        /// A variable the expression reads was not bound in the activation.
        public static let unboundVariable = Code(rawValue: "unbound_variable")
        /// A function the expression calls does not exist.
        public static let unboundFunction = Code(rawValue: "unbound_function")
        /// A function or operator was applied to argument types it has no overload for.
        public static let noMatchingOverload = Code(rawValue: "no_matching_overload")
        /// A map has no entry for the key, or an object has no such field.
        public static let noSuchKey = Code(rawValue: "no_such_key")
        /// A list or string index is outside its bounds.
        public static let indexOutOfRange = Code(rawValue: "index_out_of_range")
        /// Integer division or modulus by zero.
        public static let divisionByZero = Code(rawValue: "division_by_zero")
        /// An arithmetic result or conversion does not fit its type.
        public static let overflow = Code(rawValue: "overflow")
        /// An argument has the right type but an unusable value (bad timestamp text, bad regex...).
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// Evaluation used more than the configured cost budget.
        public static let costExceeded = Code(rawValue: "cost_exceeded")
    }

    public var code: Code
    /// What happened, and where useful what to do about it.
    public var message: String
    /// Where in the source the problem is, when known.
    public var location: SourceLocation?
    /// The line of source the location points into, used to draw the caret.
    public var sourceLine: String?

    public init(_ code: Code, _ message: String, location: SourceLocation? = nil, sourceLine: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    /// The message followed, when the location is known, by the position and a caret drawing:
    ///
    ///     no such key 'lead' at 1:17
    ///      | customer.scores.lead >= 0.6
    ///      | ...............^
    public var description: String {
        guard let location else { return message }
        var text = "\(message) at \(location.line):\(location.column)"
        if let sourceLine {
            text += "\n | \(sourceLine)\n | "
            text += String(repeating: ".", count: max(0, location.column - 1)) + "^"
        }
        return text
    }

    /// The message and position on a single line, for logs and CLI output.
    public var summary: String {
        guard let location else { return message }
        return "\(message) at \(location.line):\(location.column)"
    }
}

/// A position in an expression's source.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Offset in UTF-8 bytes from the start of the source.
    public var offset: Int
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars (what an editor shows for most text).
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
