/// Static type checking of a parsed expression against declared variables.
///
/// Deduces a type for every node and reports, with positions: names that are not declared,
/// fields a declared object or map does not have, operators and functions applied to types they
/// have no overload for (`customer.name > 3`), predicates that are not bools, and literal
/// regular expressions that do not compile. `dyn` data is trusted: checks that depend on it are
/// left to run time, as CEL's gradual typing prescribes. Checking never changes what an
/// expression evaluates to; it only rejects expressions.
struct Checker {
    private let source: Source
    let variables: [String: ExprType]
    var substitution = Substitution()
    var scopes: [(name: String, type: ExprType)] = []
    private(set) var issues: [ExpressionError] = []

    init(source: Source, variables: [String: ExprType]) {
        self.source = source
        self.variables = variables
    }

    /// The deduced type of the whole expression, with parameters resolved (unbound ones
    /// become `dyn`).
    mutating func check(_ expr: Expr) -> ExprType {
        finalize(substitution.resolve(typeOf(expr)))
    }

    private func finalize(_ t: ExprType) -> ExprType {
        switch t {
        case .parameter, .error: return .dyn
        case .list(let e): return .list(finalize(e))
        case .map(let k, let v): return .map(finalize(k), finalize(v))
        case .optional(let e): return .optional(finalize(e))
        case .type(let e): return .type(finalize(e))
        default: return t
        }
    }

    mutating func report(_ message: String, at offset: Int) {
        issues.append(source.error(.check, message, at: offset))
    }

    func describe(_ t: ExprType) -> String { finalize(substitution.resolve(t)).description }

    // MARK: - Nodes

    mutating func typeOf(_ expr: Expr) -> ExprType {
        switch expr.kind {
        case .literal(let value): return literalType(value)
        case .identifier(let name): return identifierType(name, at: expr.offset)
        case .select(let operand, let field, let mode):
            if mode == .value, let resolved = qualifiedType(expr) { return resolved }
            let operandType = typeOf(operand)
            return selectType(operandType, field, mode: mode, at: expr.offset)
        case .call(let call): return callType(call, at: expr.offset)
        case .list(let elements, let optionalIndices):
            var element = substitution.fresh()
            for (index, e) in elements.enumerated() {
                var t = typeOf(e)
                if optionalIndices.contains(index) { t = unwrapOptional(t, at: e.offset) }
                element = substitution.join(element, t)
            }
            return .list(element)
        case .map(let entries):
            var key = substitution.fresh()
            var value = substitution.fresh()
            for entry in entries {
                let k = typeOf(entry.key)
                if !isValidKeyType(k) {
                    report("map keys must be bool, int, uint or string, not \(describe(k))", at: entry.key.offset)
                }
                key = substitution.join(key, k)
                var v = typeOf(entry.value)
                if entry.isOptional { v = unwrapOptional(v, at: entry.value.offset) }
                value = substitution.join(value, v)
            }
            return .map(key, value)
        case .message(let typeName, _):
            report(
                "'\(typeName){...}' builds a protocol buffer message, which is not supported; use a map literal",
                at: expr.offset)
            return .error
        case .comprehension(let comprehension):
            return comprehensionType(comprehension, at: expr.offset)
        }
    }

    private func literalType(_ value: Value) -> ExprType {
        switch value {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        default: return .dyn
        }
    }

    private func isValidKeyType(_ t: ExprType) -> Bool {
        switch substitution.resolve(t) {
        case .bool, .int, .uint, .string, .dyn, .parameter, .error: return true
        default: return false
        }
    }

    private mutating func unwrapOptional(_ t: ExprType, at offset: Int) -> ExprType {
        switch substitution.resolve(t) {
        case .optional(let inner): return inner
        case .dyn, .error: return .dyn
        case .parameter:
            let inner = substitution.fresh()
            _ = substitution.isAssignable(t, from: .optional(inner))
            return inner
        default:
            report("a '?' element or entry needs an optional value, not \(describe(t))", at: offset)
            return .error
        }
    }

    // MARK: - Names

    private mutating func identifierType(_ name: String, at offset: Int) -> ExprType {
        if let local = scopes.last(where: { $0.name == name }) { return local.type }
        if let declared = variables[name] { return declared }
        if let denoted = denotedType(name) { return .type(denoted) }
        report("undeclared reference to '\(name)'; declare the variable or check the spelling", at: offset)
        return .error
    }

    private func denotedType(_ name: String) -> ExprType? {
        switch name {
        case "bool": return .bool
        case "int": return .int
        case "uint": return .uint
        case "double": return .double
        case "string": return .string
        case "bytes": return .bytes
        case "list": return .list(.dyn)
        case "map": return .map(.dyn, .dyn)
        case "null_type": return .null
        case "type": return .type(.dyn)
        case "optional_type": return .optional(.dyn)
        case "google.protobuf.Timestamp": return .timestamp
        case "google.protobuf.Duration": return .duration
        default: return nil
        }
    }

    /// A dotted name resolved by its longest declared prefix, as the compiler resolves it.
    private mutating func qualifiedType(_ expr: Expr) -> ExprType? {
        guard let qualified = expr.qualifiedName else { return nil }
        let parts = qualified.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, !scopes.contains(where: { $0.name == parts[0] }) else { return nil }
        for length in stride(from: parts.count, through: 1, by: -1) {
            let name = parts[0..<length].joined(separator: ".")
            var resolved: ExprType
            if let declared = variables[name] {
                resolved = declared
            } else if let denoted = denotedType(name), length == parts.count {
                return .type(denoted)
            } else {
                continue
            }
            for field in parts[length...] { resolved = selectType(resolved, field, mode: .value, at: expr.offset) }
            return resolved
        }
        return nil
    }

    private mutating func selectType(_ operand: ExprType, _ field: String, mode: Expr.SelectMode, at offset: Int)
        -> ExprType
    {
        let fieldType: ExprType
        switch substitution.resolve(operand) {
        case .optional(let inner):
            let selected = selectType(inner, field, mode: .value, at: offset)
            return mode == .presenceTest ? .bool : (isOptional(selected) ? selected : .optional(selected))
        case .map(let key, let value):
            if !substitution.isAssignable(key, from: .string) {
                report("cannot select '\(field)' from a map with \(describe(key)) keys; use [] indexing", at: offset)
                return .error
            }
            fieldType = value
        case .object(let object):
            if let declared = object.fields[field] {
                fieldType = declared
            } else if object.isOpen {
                fieldType = .dyn
            } else {
                let known = object.fields.keys.sorted().joined(separator: ", ")
                report("'\(object.name)' has no field '\(field)'; its fields are: \(known)", at: offset)
                return .error
            }
        case .dyn, .parameter:
            fieldType = .dyn
        case .error:
            return .error
        case let other:
            report("type '\(other)' does not support field selection; cannot select '\(field)'", at: offset)
            return .error
        }
        switch mode {
        case .value: return fieldType
        case .presenceTest: return .bool
        case .optional: return .optional(fieldType)
        }
    }

    private func isOptional(_ t: ExprType) -> Bool {
        if case .optional = substitution.resolve(t) { return true }
        return false
    }
}
