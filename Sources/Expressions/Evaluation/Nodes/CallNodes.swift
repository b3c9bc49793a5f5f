/// A call to a library function with a fixed number of arguments (the receiver of a
/// receiver-style call is the first). Arguments are evaluated left to right; the first error
/// stops the call.
final class CallNode: Node, @unchecked Sendable {
    let function: String
    let implementation: FunctionImplementation
    let arguments: [Node]

    init(function: String, implementation: FunctionImplementation, arguments: [Node], offset: Int) {
        precondition(implementation.arity == arguments.count)
        self.function = function
        self.implementation = implementation
        self.arguments = arguments
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        do {
            switch implementation {
            case .nullary(let f):
                return try f()
            case .unary(let f):
                let a = try arguments[0].evaluate(&frame)
                return try f(a)
            case .binary(let f):
                let a = try arguments[0].evaluate(&frame)
                let b = try arguments[1].evaluate(&frame)
                return try f(a, b)
            case .ternary(let f):
                let a = try arguments[0].evaluate(&frame)
                let b = try arguments[1].evaluate(&frame)
                let c = try arguments[2].evaluate(&frame)
                return try f(a, b, c)
            case .quaternary(let f):
                let a = try arguments[0].evaluate(&frame)
                let b = try arguments[1].evaluate(&frame)
                let c = try arguments[2].evaluate(&frame)
                let d = try arguments[3].evaluate(&frame)
                return try f(a, b, c, d)
            }
        } catch {
            throw error.located(offset)
        }
    }
}

/// `text.matches(pattern)` with a literal pattern, compiled once when the program is built.
final class MatchesNode: Node, @unchecked Sendable {
    let text: Node
    let pattern: RegularExpression

    init(text: Node, pattern: RegularExpression, offset: Int) {
        self.text = text
        self.pattern = pattern
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try text.evaluate(&frame)
        guard case .string(let s) = value else {
            throw EvalError.noOverload("matches", value, .string("")).located(offset)
        }
        return .bool(pattern.matches(s))
    }
}
