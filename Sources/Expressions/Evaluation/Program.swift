/// A compiled expression: parse and check once, evaluate many times.
///
/// Build one with `Environment.compile(_:)`. A program is immutable and `Sendable`; evaluate
/// it from any number of threads at once. Each evaluation allocates its variable slots on the
/// stack, looks every variable up at most once, and charges comprehension iterations and built
/// elements against `Limits.maxCost`.
///
///     let program = try environment.compile("customer.scores.lead >= 0.6 && !customer.unsubscribed")
///     let fire = try program.evaluate(activation).asBool
public struct Program: Sendable {
    /// The expression as written.
    public var source: String { sourceText.text }
    /// The type the checker deduced, or nil when the program was compiled without checking.
    public let resultType: ExprType?
    public let limits: Limits
    /// The activation variables the expression may read (for a dotted name not resolved at
    /// compile time, every prefix it may be bound under). A caller can bind just these.
    public let referencedVariables: [String]

    let sourceText: Source
    let root: Node
    let slotCount: Int

    init(
        source: Source, root: Node, slotCount: Int, resultType: ExprType?, limits: Limits, referencedVariables: [String]
    ) {
        self.sourceText = source
        self.root = root
        self.slotCount = slotCount
        self.resultType = resultType
        self.limits = limits
        self.referencedVariables = referencedVariables
    }

    /// Evaluates against the activation. Errors carry the line and column of the failing
    /// subexpression. Cost: proportional to the work the expression does; no allocation beyond
    /// the values it builds.
    public func evaluate(_ activation: Activation) throws(ExpressionError) -> Value {
        let result: Result<Value, EvalError> = withUnsafeTemporaryAllocation(
            of: Frame.Slot.self, capacity: max(slotCount, 1)
        ) { buffer in
            buffer.initialize(repeating: .unresolved)
            defer { buffer.deinitialize() }
            var frame = Frame(
                activation: activation, slots: buffer.baseAddress!, budget: limits.maxCost, limit: limits.maxCost)
            do throws(EvalError) {
                return .success(try root.evaluate(&frame))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            guard error.offset >= 0 else { throw ExpressionError(error.code, error.message) }
            throw sourceText.error(error.code, error.message, at: error.offset)
        }
    }

    /// Evaluates with plain variable bindings.
    public func evaluate(_ variables: [String: Value] = [:]) throws(ExpressionError) -> Value {
        try evaluate(Activation(variables))
    }
}

extension Value {
    /// The bool a condition evaluated to, or nil for any other value. A rule fires only on
    /// `true`; a caller deciding what a non-bool result means should say so explicitly.
    public var asBool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}
