/// Bindings of type parameters found while checking one expression, and the assignability
/// relation that creates them (unification with `dyn` as a wildcard).
struct Substitution {
    private var bindings: [String: ExprType] = [:]
    private var counter = 0

    /// A parameter name not used before in this expression.
    mutating func fresh(_ base: String = "T") -> ExprType {
        counter += 1
        return .parameter("_\(base)\(counter)")
    }

    /// Renames the parameters of a signature apart, so two calls of a generic function do not
    /// share bindings.
    mutating func instantiate(_ overload: Overload) -> Overload {
        var renaming: [String: ExprType] = [:]
        func rename(_ t: ExprType) -> ExprType {
            switch t {
            case .parameter(let name):
                if let renamed = renaming[name] { return renamed }
                let renamed = fresh(name)
                renaming[name] = renamed
                return renamed
            case .list(let e): return .list(rename(e))
            case .map(let k, let v): return .map(rename(k), rename(v))
            case .optional(let e): return .optional(rename(e))
            case .type(let e): return .type(rename(e))
            default: return t
            }
        }
        return Overload(
            receiver: overload.receiver, parameters: overload.parameters.map(rename), result: rename(overload.result))
    }

    /// The type with every bound parameter replaced, recursively.
    func resolve(_ t: ExprType) -> ExprType {
        switch t {
        case .parameter(let name):
            guard let bound = bindings[name] else { return t }
            return resolve(bound)
        case .list(let e): return .list(resolve(e))
        case .map(let k, let v): return .map(resolve(k), resolve(v))
        case .optional(let e): return .optional(resolve(e))
        case .type(let e): return .type(resolve(e))
        default: return t
        }
    }

    /// Whether a value of type `source` may be used where `target` is expected, binding
    /// parameters as needed. On failure the bindings may be partly changed; callers try on a copy.
    mutating func isAssignable(_ target: ExprType, from source: ExprType) -> Bool {
        let target = resolveShallow(target)
        let source = resolveShallow(source)
        switch (target, source) {
        case (.error, _), (_, .error), (.dyn, _), (_, .dyn):
            if case .parameter(let name) = target { bindings[name] = source }
            if case .parameter(let name) = source { bindings[name] = target }
            return true
        case (.parameter(let a), .parameter(let b)):
            if a != b { bindings[a] = source }
            return true
        case (.parameter(let name), _):
            guard !occurs(name, in: source) else { return false }
            bindings[name] = source
            return true
        case (_, .parameter(let name)):
            guard !occurs(name, in: target) else { return false }
            bindings[name] = target
            return true
        case (.list(let a), .list(let b)), (.optional(let a), .optional(let b)):
            return isAssignable(a, from: b)
        case (.map(let k1, let v1), .map(let k2, let v2)):
            return isAssignable(k1, from: k2) && isAssignable(v1, from: v2)
        case (.type, .type):
            return true
        case (.object(let a), .object(let b)):
            return a.name == b.name
        case (.object, .null), (.optional, .null):
            return true
        default:
            return target == source
        }
    }

    private func resolveShallow(_ t: ExprType) -> ExprType {
        var t = t
        while case .parameter(let name) = t, let bound = bindings[name] { t = bound }
        return t
    }

    private func occurs(_ name: String, in t: ExprType) -> Bool {
        switch resolveShallow(t) {
        case .parameter(let other): return other == name
        case .list(let e), .optional(let e), .type(let e): return occurs(name, in: e)
        case .map(let k, let v): return occurs(name, in: k) || occurs(name, in: v)
        default: return false
        }
    }

    /// The least general type covering both: the first when the second fits it, else `dyn`.
    /// Used for the elements of list and map literals, which CEL lets be heterogeneous.
    mutating func join(_ a: ExprType, _ b: ExprType) -> ExprType {
        var trial = self
        if trial.isAssignable(a, from: b) {
            self = trial
            let (left, right) = (resolve(a), resolve(b))
            return left == .dyn || right == .dyn ? .dyn : left
        }
        return .dyn
    }
}
