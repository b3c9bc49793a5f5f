/// A chain `a && b && c ...` (or `||`), evaluated left to right with CEL's commutative error
/// absorption: a `false` term (`true` for `||`) decides the result even when another term
/// failed or was not a bool; otherwise the first failure is the result. Exceeding the cost
/// budget is never absorbed.
///
/// Built as a linked list of `let` links so walking it borrows each term instead of retaining
/// it, which matters for the long conjunctions rule conditions are.
final class LogicalChainNode: Node, @unchecked Sendable {
    let term: Node
    let next: LogicalChainNode?
    /// `false` for `&&`, `true` for `||`.
    let deciding: Bool

    convenience init(_ terms: [Node], deciding: Bool, offset: Int) {
        self.init(terms[...], deciding: deciding, offset: offset)
    }

    private init(_ terms: ArraySlice<Node>, deciding: Bool, offset: Int) {
        self.term = terms.first!
        self.next = terms.count > 1 ? LogicalChainNode(terms.dropFirst(), deciding: deciding, offset: offset) : nil
        self.deciding = deciding
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        var failure: EvalError?
        if try decides(&frame, &failure) { return .bool(deciding) }
        if let failure { throw failure }
        return .bool(!deciding)
    }

    /// Evaluates this term and the rest; true as soon as one term has the deciding value.
    private func decides(_ frame: inout Frame, _ failure: inout EvalError?) throws(EvalError) -> Bool {
        do throws(EvalError) {
            let value = try term.evaluate(&frame)
            if case .bool(let b) = value {
                if b == deciding { return true }
            } else if failure == nil {
                failure = EvalError.noOverload(deciding ? "_||_" : "_&&_", types: [value.typeName, "bool"]).located(offset)
            }
        } catch {
            if error.code == .costExceeded { throw error }
            if failure == nil { failure = error }
        }
        guard let next else { return false }
        return try next.decides(&frame, &failure)
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
