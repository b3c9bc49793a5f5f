/// The declarations and limits expressions are parsed, checked and compiled against: the entry
/// point of the Expressions target.
///
///     var environment = Environment()
///     environment.declare("event", .object("Event", fields: ["type": .string, "data": .map(.string, .dyn)]))
///     environment.declare("customer", .object("Customer", fields: [
///         "name": .string, "unsubscribed": .bool, "scores": .map(.string, .double),
///     ]))
///     environment.declare("now", .timestamp)
///
///     let lint = environment.check("customer.scores.lead >= 'high'")   // reports the mismatch
///     let program = try environment.compile("customer.scores.lead >= 0.6 && !customer.unsubscribed")
///
/// `compile` checks first and refuses an expression with issues; `compileUnchecked` skips the
/// check (names not declared are then looked up in the activation at run time).
public struct Environment: Sendable {
    public var limits: Limits
    /// Declared variables and their types.
    public private(set) var variables: [String: ExprType]

    public init(_ variables: [String: ExprType] = [:], limits: Limits = .default) {
        self.variables = variables
        self.limits = limits
    }

    /// Declares (or redeclares) a variable. A dotted name such as `"request.auth"` declares a
    /// qualified variable, which the expression writes as `request.auth`.
    public mutating func declare(_ name: String, _ type: ExprType) {
        variables[name] = type
    }

    /// A copy with one more declaration, for building environments in one expression.
    public func declaring(_ name: String, _ type: ExprType) -> Environment {
        var copy = self
        copy.declare(name, type)
        return copy
    }

    /// Parses without checking. Throws `.syntax` or `.limitExceeded` errors.
    public func parse(_ source: String, macros: Bool = true) throws(ExpressionError) -> SyntaxTree {
        let text = Source(source)
        return SyntaxTree(source: text, root: try Parser.parse(text, limits: limits, macros: macros))
    }

    /// Parses and type-checks, collecting every problem rather than stopping at the first;
    /// this is what `rules lint` reports. A syntax error is the only issue when parsing fails.
    public func check(_ source: String) -> CheckResult {
        let tree: SyntaxTree
        do { tree = try parse(source) } catch { return CheckResult(type: nil, issues: [error]) }
        return check(tree)
    }

    public func check(_ tree: SyntaxTree) -> CheckResult {
        var checker = Checker(source: tree.source, variables: variables)
        let type = checker.check(tree.root)
        return CheckResult(type: checker.issues.isEmpty ? type : nil, issues: checker.issues)
    }

    /// Parses, checks and compiles. Throws the first issue when the expression does not check
    /// (use `check` to see them all).
    public func compile(_ source: String) throws(ExpressionError) -> Program {
        let tree = try parse(source)
        let result = check(tree)
        if let first = result.issues.first { throw first }
        return try compile(tree, resultType: result.type, declared: Set(variables.keys))
    }

    /// Parses and compiles without type checking. Declared names resolve statically; any other
    /// name is looked up in the activation when evaluation reaches it, and an unbound name is an
    /// evaluation error there.
    public func compileUnchecked(_ source: String, macros: Bool = true) throws(ExpressionError) -> Program {
        try compileUnchecked(try parse(source, macros: macros))
    }

    public func compileUnchecked(_ tree: SyntaxTree) throws(ExpressionError) -> Program {
        try compile(tree, resultType: nil, declared: variables.isEmpty ? nil : Set(variables.keys))
    }

    private func compile(_ tree: SyntaxTree, resultType: ExprType?, declared: Set<String>?) throws(ExpressionError)
        -> Program
    {
        var compiler = Compiler(source: tree.source, declared: declared, limits: limits)
        let root = try compiler.compile(tree.root)
        return Program(
            source: tree.source, root: root, slotCount: compiler.slotCount, resultType: resultType, limits: limits,
            referencedVariables: compiler.referencedVariables)
    }
}

/// A parsed expression: the source and its syntax tree (macros expanded).
public struct SyntaxTree: Sendable {
    public let source: Source
    public let root: Expr
}

/// What `Environment.check` found.
public struct CheckResult: Sendable {
    /// The deduced result type; nil when there are issues.
    public let type: ExprType?
    /// Every problem found, in source order, each with its location and a caret line.
    public let issues: [ExpressionError]

    public var isValid: Bool { issues.isEmpty }
}
