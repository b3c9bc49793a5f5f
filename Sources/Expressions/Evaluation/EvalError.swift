/// The failure that travels through evaluation, thrown with typed throws so raising and
/// catching it never allocates an existential box. `Program.evaluate` turns it into an
/// `ExpressionError` with line and column.
struct EvalError: Error, Sendable {
    var code: ExpressionError.Code
    var message: String
    /// UTF-8 offset of the node that failed; -1 until the calling node fills it in.
    var offset: Int = -1

    init(_ code: ExpressionError.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The same error located at `offset` unless an inner node already located it.
    func located(_ offset: Int) -> EvalError {
        guard self.offset < 0 else { return self }
        var copy = self
        copy.offset = offset
        return copy
    }

    static func noOverload(_ function: String, _ args: Value...) -> EvalError {
        noOverload(function, types: args.map(\.typeName))
    }

    static func noOverload(_ function: String, types: [String]) -> EvalError {
        EvalError(
            .noMatchingOverload,
            "no matching overload for '\(displayName(function))' applied to (\(types.joined(separator: ", ")))")
    }

    static func noSuchKey(_ key: String?) -> EvalError {
        EvalError(.noSuchKey, key.map { "no such key '\($0)'" } ?? "no such key")
    }

    static func overflow(_ what: String) -> EvalError {
        EvalError(.overflow, "\(what) overflows its type")
    }

    static let divisionByZero = EvalError(.divisionByZero, "division by zero")
    static let modulusByZero = EvalError(.divisionByZero, "modulus by zero")

    /// How an operator's internal name reads to a person: `_+_` → `+`, `@in` → `in`.
    static func displayName(_ function: String) -> String {
        switch function {
        case "@in": return "in"
        case "_[_]": return "[]"
        case "_[?_]": return "[?]"
        case "_?_:_": return "?:"
        case "!_": return "!"
        case "-_": return "-"
        default:
            if function.hasPrefix("_"), function.hasSuffix("_"), function.count > 2 {
                return String(function.dropFirst().dropLast())
            }
            return function
        }
    }
}
