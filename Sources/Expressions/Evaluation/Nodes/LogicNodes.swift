/// A chain `a && b && c ...` (or `||`), evaluated left to right with CEL's commutative error
/// absorption: a `false` term (`true` for `||`) decides the result even when another term
/// failed or was not a bool; otherwise the first failure is the result. Exceeding the cost
/// budget is never absorbed.
final class LogicalChainNode: Node, @unchecked Sendable {
    /// The terms, owned here; `unmanaged` refers to the same objects without counting.
    let terms: [Node]
    private let unmanaged: [Unmanaged<Node>]
    /// `false` for `&&`, `true` for `||`.
    let deciding: Bool

    init(_ terms: [Node], deciding: Bool, offset: Int) {
        self.terms = terms
        self.unmanaged = terms.map { Unmanaged.passUnretained($0) }
        self.deciding = deciding
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        var failure: EvalError?
        for term in unmanaged {
            // `terms` keeps every term alive for as long as this node, so calling through the
            // unmanaged reference without retaining it is safe, and saves a retain/release pair
            // per term on the hottest path of rule evaluation.
            let result: Result<Value, EvalError> = term._withUnsafeGuaranteedRef { node in
                do throws(EvalError) { return .success(try node.evaluate(&frame)) } catch { return .failure(error) }
            }
            switch result {
            case .success(.bool(let b)):
                if b == deciding { return .bool(b) }
            case .success(let value):
                if failure == nil {
                    failure = EvalError.noOverload(deciding ? "_||_" : "_&&_", types: [value.typeName, "bool"]).located(
                        offset)
                }
            case .failure(let error):
                if error.code == .costExceeded { throw error }
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        return .bool(!deciding)
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
