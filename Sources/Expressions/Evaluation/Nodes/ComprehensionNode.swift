/// The expanded macros `all`, `exists`, `exists_one`, `map`, `filter`, `optMap`, `optFlatMap`.
///
/// Lists are iterated by element, maps by key (in insertion order), lazy objects by field
/// name. Every iteration costs one unit of the budget. `all` and `exists` combine the
/// predicate results like `&&` and `||`: a deciding `false` (`true`) wins over errors in other
/// iterations; `exists_one`, `map` and `filter` fail on the first error.
final class ComprehensionNode: Node, @unchecked Sendable {
    let kind: Expr.Comprehension.Kind
    let range: Node
    let slot: Int
    let body: Node
    let filter: Node?

    init(kind: Expr.Comprehension.Kind, range: Node, slot: Int, body: Node, filter: Node?, offset: Int) {
        self.kind = kind
        self.range = range
        self.slot = slot
        self.body = body
        self.filter = filter
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let collection = try range.evaluate(&frame)
        defer { frame.slots[slot] = .unresolved }
        if kind == .optMap || kind == .optFlatMap { return try evaluateOptional(collection, &frame) }

        let items: [Value]
        switch collection {
        case .list(let list): items = list
        case .map(let map): items = map.keys.map(\.value)
        case .object(let object): items = object.fieldNames.map(Value.string)
        default:
            throw EvalError(
                .noMatchingOverload,
                "\(kind.rawValue)() needs a list or a map to iterate, not a \(collection.typeName)"
            ).located(offset)
        }

        switch kind {
        case .all, .exists:
            let deciding = kind == .exists
            var firstError: EvalError?
            for item in items {
                try frame.charge(1)
                frame.slots[slot] = .value(item)
                do {
                    let result = try body.evaluate(&frame)
                    guard case .bool(let b) = result else {
                        if firstError == nil { firstError = predicateError(result) }
                        continue
                    }
                    if b == deciding { return .bool(deciding) }
                } catch {
                    if error.code == .costExceeded { throw error }
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return .bool(!deciding)
        case .existsOne:
            var count = 0
            for item in items {
                try frame.charge(1)
                frame.slots[slot] = .value(item)
                let result = try body.evaluate(&frame)
                guard case .bool(let b) = result else { throw predicateError(result) }
                if b { count += 1 }
            }
            return .bool(count == 1)
        case .filter:
            var kept: [Value] = []
            for item in items {
                try frame.charge(1)
                frame.slots[slot] = .value(item)
                let result = try body.evaluate(&frame)
                guard case .bool(let b) = result else { throw predicateError(result) }
                if b { kept.append(item) }
            }
            return .list(kept)
        case .map:
            var mapped: [Value] = []
            mapped.reserveCapacity(items.count)
            for item in items {
                try frame.charge(1)
                frame.slots[slot] = .value(item)
                if let filter {
                    let keep = try filter.evaluate(&frame)
                    guard case .bool(let b) = keep else { throw predicateError(keep) }
                    if !b { continue }
                }
                try frame.charge(1)
                mapped.append(try body.evaluate(&frame))
            }
            return .list(mapped)
        case .optMap, .optFlatMap:
            preconditionFailure("handled above")
        }
    }

    private func evaluateOptional(_ value: Value, _ frame: inout Frame) throws(EvalError) -> Value {
        guard case .optional(let inner) = value else {
            throw EvalError(.noMatchingOverload, "\(kind.rawValue)() needs an optional, not a \(value.typeName)")
                .located(offset)
        }
        guard let inner else { return value }
        frame.slots[slot] = .value(inner)
        let result = try body.evaluate(&frame)
        if kind == .optMap { return .optional(result) }
        guard case .optional = result else {
            throw EvalError(
                .noMatchingOverload, "optFlatMap() needs its expression to give an optional, not a \(result.typeName)"
            )
            .located(body.offset)
        }
        return result
    }

    private func predicateError(_ value: Value) -> EvalError {
        EvalError(.noMatchingOverload, "the predicate of \(kind.rawValue)() gave a \(value.typeName), not a bool")
            .located(body.offset)
    }
}
