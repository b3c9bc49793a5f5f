/// `a && b` with CEL's commutative error absorption: `false` on either side wins over an error
/// or a non-bool on the other; otherwise an error on either side is the result.
final class AndNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node

    init(_ lhs: Node, _ rhs: Node, offset: Int) {
        self.lhs = lhs
        self.rhs = rhs
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let left: Result<Value, EvalError>
        do {
            let value = try lhs.evaluate(&frame)
            if case .bool(false) = value { return value }
            left = .success(value)
        } catch {
            left = .failure(error)
        }
        let right = try rhs.evaluate(&frame)  // an error here stands unless the left side was false
        return try Logic.combine(left, right, absorbing: false, function: "_&&_", offset: offset)
    }
}

/// `a || b`, the mirror of `AndNode`: `true` on either side wins.
final class OrNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node

    init(_ lhs: Node, _ rhs: Node, offset: Int) {
        self.lhs = lhs
        self.rhs = rhs
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let left: Result<Value, EvalError>
        do {
            let value = try lhs.evaluate(&frame)
            if case .bool(true) = value { return value }
            left = .success(value)
        } catch {
            left = .failure(error)
        }
        let right = try rhs.evaluate(&frame)
        return try Logic.combine(left, right, absorbing: true, function: "_||_", offset: offset)
    }
}

enum Logic {
    /// Combines a left result (not the short-circuit value) with a right value for `&&`
    /// (`absorbing == false`) or `||` (`absorbing == true`).
    static func combine(
        _ left: Result<Value, EvalError>, _ right: Value, absorbing: Bool, function: String, offset: Int
    ) throws(EvalError) -> Value {
        if case .bool(absorbing) = right { return right }
        switch left {
        case .failure(let error): throw error
        case .success(let leftValue):
            guard case .bool = leftValue, case .bool = right else {
                throw EvalError.noOverload(function, leftValue, right).located(offset)
            }
            return right
        }
    }
}

/// `!b`.
final class NotNode: Node, @unchecked Sendable {
    let operand: Node

    init(_ operand: Node, offset: Int) {
        self.operand = operand
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try operand.evaluate(&frame)
        guard case .bool(let b) = value else { throw EvalError.noOverload("!_", value).located(offset) }
        return .bool(!b)
    }
}

/// `c ? a : b`; only the chosen branch is evaluated.
final class ConditionalNode: Node, @unchecked Sendable {
    let condition: Node
    let whenTrue: Node
    let whenFalse: Node

    init(_ condition: Node, _ whenTrue: Node, _ whenFalse: Node, offset: Int) {
        self.condition = condition
        self.whenTrue = whenTrue
        self.whenFalse = whenFalse
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try condition.evaluate(&frame)
        guard case .bool(let b) = value else { throw EvalError.noOverload("_?_:_", value).located(offset) }
        return b ? try whenTrue.evaluate(&frame) : try whenFalse.evaluate(&frame)
    }
}
