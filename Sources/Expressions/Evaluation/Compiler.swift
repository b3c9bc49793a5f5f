/// Turns a syntax tree into a tree of evaluation nodes, once per `Program`.
///
/// Everything that can be decided without the activation is decided here: which variable or
/// comprehension slot a name reads, which implementation a call runs (no string dispatch at
/// evaluation time), which dotted names are variables and which are field selections, and the
/// values of constant subexpressions (a literal list `['won', 'lost']` is built once, and a
/// literal list of strings after `in` becomes a hash set; `timestamp('...')` of a literal is
/// parsed once; a literal regular expression is compiled once).
struct Compiler {
    private let source: Source
    /// Declared variable names; nil compiles every free name as a dynamic lookup.
    private let declared: Set<String>?
    /// Constant folding may spend at most this much of the cost budget at compile time.
    private let foldBudget: Int
    private var variableSlots: [String: Int] = [:]
    private var scopes: [(name: String, slot: Int)] = []
    private(set) var slotCount = 0

    /// The activation variables the compiled expression may read, sorted.
    var referencedVariables: [String] { variableSlots.keys.sorted() }

    init(source: Source, declared: Set<String>?, limits: Limits) {
        self.source = source
        self.declared = declared
        self.foldBudget = min(limits.maxCost, 10_000)
    }

    mutating func compile(_ expr: Expr) throws(ExpressionError) -> Node {
        switch expr.kind {
        case .literal(let value):
            return ConstantNode(value, offset: expr.offset)
        case .identifier(let name):
            return resolve(name, offset: expr.offset)
        case .select(let operand, let field, let mode):
            if mode == .value, let node = resolveQualified(expr) { return node }
            let compiled = try compile(operand)
            return try fold(select(compiled, field, mode: mode, offset: expr.offset), compiled)
        case .call(let call):
            return try compileCall(call, expr)
        case .list(let elements, let optionalIndices):
            var nodes: [Node] = []
            for element in elements { nodes.append(try compile(element)) }
            return try fold(ListNode(elements: nodes, optionalIndices: optionalIndices, offset: expr.offset), nodes)
        case .map(let entries):
            var compiled: [MapNode.Entry] = []
            var children: [Node] = []
            for entry in entries {
                let key = try compile(entry.key)
                let value = try compile(entry.value)
                compiled.append(MapNode.Entry(key: key, value: value, optional: entry.isOptional, offset: entry.offset))
                children += [key, value]
            }
            return try fold(MapNode(entries: compiled, offset: expr.offset), children)
        case .message(let typeName, _):
            throw source.error(
                .unsupported,
                "'\(typeName){...}' builds a protocol buffer message, which Ledgerline expressions do not support; "
                    + "use a map literal such as {'field': value}",
                at: expr.offset)
        case .comprehension(let comprehension):
            let range = try compile(comprehension.range)
            let slot = slotCount
            slotCount += 1
            scopes.append((comprehension.variable, slot))
            defer { scopes.removeLast() }
            let filter = try comprehension.filter.map { (e: Expr) throws(ExpressionError) -> Node in try compile(e) }
            let body = try compile(comprehension.body)
            return ComprehensionNode(
                kind: comprehension.kind, range: range, slot: slot, body: body, filter: filter, offset: expr.offset)
        }
    }

    // MARK: - Names

    private func local(_ name: String) -> Int? {
        scopes.last(where: { $0.name == name })?.slot
    }

    private mutating func variableSlot(_ name: String) -> Int {
        if let slot = variableSlots[name] { return slot }
        let slot = slotCount
        slotCount += 1
        variableSlots[name] = slot
        return slot
    }

    private mutating func resolve(_ name: String, offset: Int) -> Node {
        if let slot = local(name) { return LocalNode(slot: slot, offset: offset) }
        if declared?.contains(name) == true {
            return VariableNode(slot: variableSlot(name), name: name, offset: offset)
        }
        if let type = TypeValue.denotations[name] { return ConstantNode(.type(type), offset: offset) }
        return VariableNode(slot: variableSlot(name), name: name, offset: offset)
    }

    /// A dotted name `a.b.c` resolved by the longest declared prefix, or by the longest prefix
    /// bound at run time when nothing is declared. Nil when the root is a comprehension
    /// variable or the chain is not a plain dotted name.
    private mutating func resolveQualified(_ expr: Expr) -> Node? {
        guard let qualified = expr.qualifiedName else { return nil }
        let parts = qualified.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, local(parts[0]) == nil else { return nil }
        if let type = TypeValue.denotations[qualified], declared?.contains(qualified) != true {
            return ConstantNode(.type(type), offset: expr.offset)
        }
        if let declared {
            for length in stride(from: parts.count, through: 1, by: -1) {
                let name = parts[0..<length].joined(separator: ".")
                guard declared.contains(name) else { continue }
                var node: Node = VariableNode(slot: variableSlot(name), name: name, offset: expr.offset)
                for field in parts[length...] { node = select(node, field, mode: .value, offset: expr.offset) }
                return node
            }
        }
        var candidates: [QualifiedNameNode.Candidate] = []
        for length in stride(from: parts.count, through: 1, by: -1) {
            let name = parts[0..<length].joined(separator: ".")
            candidates.append(.init(name: name, slot: variableSlot(name), fields: Array(parts[length...])))
        }
        return QualifiedNameNode(candidates: candidates, offset: expr.offset)
    }

    /// A selection node, fused with its operand when that is an activation variable.
    private func select(_ operand: Node, _ field: String, mode: Expr.SelectMode, offset: Int) -> Node {
        if let variable = operand as? VariableNode, mode != .optional {
            return VariableFieldNode(
                slot: variable.slot, name: variable.name, field: field, presenceTest: mode == .presenceTest,
                offset: offset)
        }
        return SelectNode(operand: operand, field: field, mode: mode, offset: offset)
    }

    // MARK: - Calls

    private mutating func compileCall(_ call: Expr.Call, _ expr: Expr) throws(ExpressionError) -> Node {
        let offset = expr.offset
        if call.target == nil, call.function == "_&&_" || call.function == "_||_" {
            var terms: [Node] = []
            for term in flatten(expr, call.function) { terms.append(try compile(term)) }
            return try fold(LogicalChainNode(terms, deciding: call.function == "_||_", offset: offset), terms)
        }
        var arguments: [Node] = []
        var receiver = call.target != nil
        var name = call.function
        if let target = call.target {
            if let qualified = target.qualifiedName, local(String(qualified.prefix { $0 != "." })) == nil,
                FunctionTable.qualifiedGlobals.contains("\(qualified).\(call.function)"),
                declared?.contains(String(qualified.prefix { $0 != "." })) != true
            {
                name = "\(qualified).\(call.function)"
                receiver = false
            } else {
                arguments.append(try compile(target))
            }
        }
        for arg in call.args { arguments.append(try compile(arg)) }

        if let node = try compileOperator(name, arguments, offset: offset) { return try fold(node, arguments) }

        if name == "matches", arguments.count == 2, let pattern = arguments[1].constant,
            case .string(let text) = pattern, let regex = try? RegularExpression(text)
        {
            return MatchesNode(text: arguments[0], pattern: regex, offset: offset)
        }
        let arity = arguments.count - (receiver ? 1 : 0)
        guard
            let implementation = FunctionTable.implementations[
                FunctionKey(name: name, receiver: receiver, arity: arity)]
        else {
            let error: EvalError
            if FunctionTable.names.contains(name) {
                let style = receiver ? "as a method with" : "with"
                error = EvalError(
                    .noMatchingOverload, "no matching overload for '\(name)' called \(style) \(arity) argument(s)")
            } else {
                error = EvalError(.unboundFunction, "unbound function '\(name)': no such function is defined")
            }
            return FailingNode(error, offset: offset)
        }
        return try fold(
            CallNode(function: name, implementation: implementation, arguments: arguments, offset: offset), arguments)
    }

    /// The operands of a chain of the same logical operator, in source order.
    private func flatten(_ expr: Expr, _ function: String) -> [Expr] {
        guard case .call(let call) = expr.kind, call.target == nil, call.function == function else { return [expr] }
        return call.args.flatMap { flatten($0, function) }
    }

    private func compileOperator(_ name: String, _ a: [Node], offset: Int) throws(ExpressionError) -> Node? {
        switch name {
        case "!_": return NotNode(a[0], offset: offset)
        case "-_": return NegateNode(a[0], offset: offset)
        case "_?_:_": return ConditionalNode(a[0], a[1], a[2], offset: offset)
        case "_==_": return EqualityNode(a[0], a[1], negated: false, offset: offset)
        case "_!=_": return EqualityNode(a[0], a[1], negated: true, offset: offset)
        case "_<_": return OrderingNode(a[0], a[1], op: .less, offset: offset)
        case "_<=_": return OrderingNode(a[0], a[1], op: .lessOrEqual, offset: offset)
        case "_>_": return OrderingNode(a[0], a[1], op: .greater, offset: offset)
        case "_>=_": return OrderingNode(a[0], a[1], op: .greaterOrEqual, offset: offset)
        case "_+_": return ArithmeticNode(a[0], a[1], op: .add, offset: offset)
        case "_-_": return ArithmeticNode(a[0], a[1], op: .subtract, offset: offset)
        case "_*_": return ArithmeticNode(a[0], a[1], op: .multiply, offset: offset)
        case "_/_": return ArithmeticNode(a[0], a[1], op: .divide, offset: offset)
        case "_%_": return ArithmeticNode(a[0], a[1], op: .modulo, offset: offset)
        case "_[_]": return IndexNode(operand: a[0], index: a[1], optional: false, offset: offset)
        case "_[?_]": return IndexNode(operand: a[0], index: a[1], optional: true, offset: offset)
        case "@in":
            if case .list(let members)? = a[1].constant, !members.isEmpty {
                var strings: [String] = []
                for member in members {
                    guard case .string(let s) = member else { break }
                    strings.append(s)
                }
                if strings.count == members.count {
                    return StringSetMembershipNode(element: a[0], members: strings, offset: offset)
                }
            }
            return InNode(element: a[0], container: a[1], offset: offset)
        default: return nil
        }
    }

    // MARK: - Constant folding

    /// The node itself, or a constant when every child is constant and evaluating succeeds.
    /// A failing constant stays a node so the error surfaces only if evaluation reaches it.
    private func fold(_ node: Node, _ children: Node...) throws(ExpressionError) -> Node {
        try fold(node, children)
    }

    private func fold(_ node: Node, _ children: [Node]) throws(ExpressionError) -> Node {
        guard children.allSatisfy({ $0.constant != nil }) else { return node }
        var slot = Frame.Slot.unresolved
        return withUnsafeMutablePointer(to: &slot) { pointer in
            var frame = Frame(activation: Activation(), slots: pointer, budget: foldBudget, limit: foldBudget)
            guard let value = try? node.evaluate(&frame) else { return node }
            return ConstantNode(value, offset: node.offset)
        }
    }
}
