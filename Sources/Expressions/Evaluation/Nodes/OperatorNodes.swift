/// `a == b` or `a != b` (CEL equality never fails: different types are unequal).
final class EqualityNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node
    let negated: Bool
    /// The right operand when it is a literal, read without a node call.
    let rightConstant: Value?

    init(_ lhs: Node, _ rhs: Node, negated: Bool, offset: Int) {
        self.lhs = lhs
        self.rhs = rhs
        self.negated = negated
        self.rightConstant = rhs.constant
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let a = try lhs.evaluate(&frame)
        if let rightConstant { return .bool(Value.celEquals(a, rightConstant) != negated) }
        let b = try rhs.evaluate(&frame)
        return .bool(Value.celEquals(a, b) != negated)
    }
}

/// `<`, `<=`, `>`, `>=` over numbers (across int, uint and double), strings, bytes, bools,
/// timestamps and durations. Any comparison with NaN is false.
final class OrderingNode: Node, @unchecked Sendable {
    enum Operator: String {
        case less = "_<_", lessOrEqual = "_<=_", greater = "_>_", greaterOrEqual = "_>=_"
    }

    let lhs: Node
    let rhs: Node
    let op: Operator
    /// The right operand when it is a literal, read without a node call.
    let rightConstant: Value?

    init(_ lhs: Node, _ rhs: Node, op: Operator, offset: Int) {
        self.lhs = lhs
        self.rhs = rhs
        self.op = op
        self.rightConstant = rhs.constant
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let a = try lhs.evaluate(&frame)
        let b: Value
        if let rightConstant { b = rightConstant } else { b = try rhs.evaluate(&frame) }
        guard let order = Value.order(a, b) else { throw EvalError.noOverload(op.rawValue, a, b).located(offset) }
        switch (op, order) {
        case (_, .unordered): return .bool(false)
        case (.less, let o): return .bool(o == .less)
        case (.lessOrEqual, let o): return .bool(o != .greater)
        case (.greater, let o): return .bool(o == .greater)
        case (.greaterOrEqual, let o): return .bool(o != .less)
        }
    }
}

/// `+`, `-`, `*`, `/`, `%`. Concatenation charges its result size against the cost budget.
final class ArithmeticNode: Node, @unchecked Sendable {
    enum Operator: String {
        case add = "_+_", subtract = "_-_", multiply = "_*_", divide = "_/_", modulo = "_%_"
    }

    let lhs: Node
    let rhs: Node
    let op: Operator

    init(_ lhs: Node, _ rhs: Node, op: Operator, offset: Int) {
        self.lhs = lhs
        self.rhs = rhs
        self.op = op
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let a = try lhs.evaluate(&frame)
        let b = try rhs.evaluate(&frame)
        do {
            switch op {
            case .add:
                if case .int(let x) = a, case .int(let y) = b {
                    let (r, o) = x.addingReportingOverflow(y)
                    if !o { return .int(r) }
                }
                let result = try Arithmetic.add(a, b)
                switch result {
                case .string(let s): try frame.charge(s.utf8.count)
                case .bytes(let bytes): try frame.charge(bytes.count)
                case .list(let list): try frame.charge(list.count)
                default: break
                }
                return result
            case .subtract: return try Arithmetic.subtract(a, b)
            case .multiply: return try Arithmetic.multiply(a, b)
            case .divide: return try Arithmetic.divide(a, b)
            case .modulo: return try Arithmetic.modulo(a, b)
            }
        } catch {
            throw error.located(offset)
        }
    }
}

/// `-x`.
final class NegateNode: Node, @unchecked Sendable {
    let operand: Node

    init(_ operand: Node, offset: Int) {
        self.operand = operand
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try operand.evaluate(&frame)
        do { return try Arithmetic.negate(value) } catch { throw error.located(offset) }
    }
}
