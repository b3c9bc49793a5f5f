extension Checker {
    /// The result type of a call, choosing among the function's overloads by argument types.
    /// With `dyn` arguments several overloads may fit; their results join (to `dyn` when they
    /// differ).
    mutating func callType(_ call: Expr.Call, at offset: Int) -> ExprType {
        var name = call.function
        var receiver = call.target != nil
        var argumentTypes: [ExprType] = []
        if let target = call.target {
            let root = target.qualifiedName.map { String($0.prefix { $0 != "." }) }
            if let qualified = target.qualifiedName, let root, !isBound(root),
                Overloads.table["\(qualified).\(call.function)"]?.contains(where: { !$0.receiver }) == true
            {
                name = "\(qualified).\(call.function)"
                receiver = false
            } else {
                argumentTypes.append(typeOf(target))
            }
        }
        for arg in call.args { argumentTypes.append(typeOf(arg)) }

        if name == "matches", let pattern = call.args.last, case .literal(.string(let text)) = pattern.kind {
            do { _ = try RegularExpression(text) } catch {
                report("invalid regular expression: \(error.message)", at: pattern.offset)
            }
        }
        if argumentTypes.contains(where: { substitution.resolve($0) == .error }) { return .error }

        guard let overloads = Overloads.table[name] else {
            report("undeclared function '\(name)'; check the spelling or the list of supported functions", at: offset)
            return .error
        }
        let shaped = overloads.filter { $0.receiver == receiver && $0.parameters.count == argumentTypes.count }
        guard !shaped.isEmpty else {
            let display = EvalError.displayName(name)
            let style = receiver ? "as a method with \(argumentTypes.count - 1)" : "with \(argumentTypes.count)"
            report("'\(display)' cannot be called \(style) argument(s)", at: offset)
            return .error
        }
        var matches: [(result: ExprType, substitution: Substitution)] = []
        for overload in shaped {
            var trial = substitution
            let instance = trial.instantiate(overload)
            var fits = true
            for (parameter, argument) in zip(instance.parameters, argumentTypes)
            where !trial.isAssignable(parameter, from: argument) {
                fits = false
                break
            }
            if fits { matches.append((trial.resolve(instance.result), trial)) }
        }
        guard let first = matches.first else {
            let types = argumentTypes.map { describe($0) }.joined(separator: ", ")
            report("no matching overload for '\(EvalError.displayName(name))' applied to (\(types))", at: offset)
            return .error
        }
        if matches.count == 1 {
            substitution = first.substitution
            return first.result
        }
        let results = matches.map(\.result)
        if results.allSatisfy({ $0 == results[0] }) {
            substitution = first.substitution
            return first.result
        }
        return .dyn
    }

    private func isBound(_ name: String) -> Bool {
        scopes.contains { $0.name == name } || variables[name] != nil
    }

    /// The type of a macro: bool for `all`/`exists`/`exists_one`, a list for `map`/`filter`, an
    /// optional for `optMap`/`optFlatMap`.
    mutating func comprehensionType(_ c: Expr.Comprehension, at offset: Int) -> ExprType {
        let rangeType = substitution.resolve(typeOf(c.range))
        let variableType: ExprType
        switch c.kind {
        case .optMap, .optFlatMap:
            switch rangeType {
            case .optional(let inner): variableType = inner
            case .dyn, .error: variableType = .dyn
            case .parameter:
                let inner = substitution.fresh()
                _ = substitution.isAssignable(rangeType, from: .optional(inner))
                variableType = inner
            default:
                report("\(c.kind.rawValue)() needs an optional, not \(describe(rangeType))", at: offset)
                variableType = .error
            }
        default:
            switch rangeType {
            case .list(let element): variableType = element
            case .map(let key, _): variableType = key
            case .object: variableType = .string
            case .dyn, .parameter, .error: variableType = .dyn
            default:
                report("\(c.kind.rawValue)() needs a list or a map to iterate, not \(describe(rangeType))", at: offset)
                variableType = .error
            }
        }
        scopes.append((c.variable, variableType))
        defer { scopes.removeLast() }
        if let filter = c.filter { expectBool(typeOf(filter), of: c, at: filter.offset) }
        let bodyType = typeOf(c.body)
        switch c.kind {
        case .all, .exists, .existsOne:
            expectBool(bodyType, of: c, at: c.body.offset)
            return .bool
        case .filter:
            expectBool(bodyType, of: c, at: c.body.offset)
            return .list(variableType)
        case .map:
            return .list(bodyType)
        case .optMap:
            return .optional(bodyType)
        case .optFlatMap:
            switch substitution.resolve(bodyType) {
            case .optional: return bodyType
            case .dyn, .error, .parameter: return .optional(.dyn)
            default:
                report(
                    "optFlatMap() needs its expression to be an optional, not \(describe(bodyType))", at: c.body.offset)
                return .error
            }
        }
    }

    private mutating func expectBool(_ t: ExprType, of c: Expr.Comprehension, at offset: Int) {
        guard !substitution.isAssignable(.bool, from: t) else { return }
        report("the predicate of \(c.kind.rawValue)() must be a bool, not \(describe(t))", at: offset)
    }
}
