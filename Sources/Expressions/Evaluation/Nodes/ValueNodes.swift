/// A literal, or a subexpression folded to a value at compile time.
final class ConstantNode: Node, @unchecked Sendable {
    let value: Value

    init(_ value: Value, offset: Int) {
        self.value = value
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value { value }
    override var constant: Value? { value }
}

/// A variable of the activation, read through its frame slot (looked up once per evaluation).
final class VariableNode: Node, @unchecked Sendable {
    let slot: Int
    let name: String

    init(slot: Int, name: String, offset: Int) {
        self.slot = slot
        self.name = name
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        guard let value = frame.variable(slot, named: name) else {
            throw EvalError(.unboundVariable, "undeclared reference to '\(name)': the variable is not bound").located(
                offset)
        }
        return value
    }
}

/// A comprehension variable (`x` in `list.all(x, ...)`), always set while its body runs.
final class LocalNode: Node, @unchecked Sendable {
    let slot: Int

    init(slot: Int, offset: Int) {
        self.slot = slot
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        guard case .value(let value) = frame.slots[slot] else {
            throw EvalError(.unboundVariable, "comprehension variable read outside its loop").located(offset)
        }
        return value
    }
}

/// A dotted name such as `a.b.c` that no declaration resolved at compile time. CEL resolves
/// the longest prefix bound in the activation: `a.b.c` as one variable, else variable `a.b`
/// with field `c`, else `a` with fields `b.c`.
final class QualifiedNameNode: Node, @unchecked Sendable {
    struct Candidate {
        var name: String
        var slot: Int
        /// The fields selected on the variable when this candidate is the one bound.
        var fields: [String]
    }

    /// Longest name first.
    let candidates: [Candidate]

    init(candidates: [Candidate], offset: Int) {
        self.candidates = candidates
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        for candidate in candidates {
            guard var value = frame.variable(candidate.slot, named: candidate.name) else { continue }
            do {
                for field in candidate.fields { value = try Access.select(value, field) }
            } catch {
                throw error.located(offset)
            }
            return value
        }
        let name = candidates.last?.name ?? "?"
        throw EvalError(.unboundVariable, "undeclared reference to '\(name)': the variable is not bound").located(
            offset)
    }
}

/// An error known at compile time that must only surface if the node is evaluated, because
/// `&&`, `||`, `?:` and comprehensions may never reach it (`f_unknown(1) || true` is true).
final class FailingNode: Node, @unchecked Sendable {
    let error: EvalError

    init(_ error: EvalError, offset: Int) {
        self.error = error.located(offset)
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value { throw error }
}
