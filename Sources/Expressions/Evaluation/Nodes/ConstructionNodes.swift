/// `[a, b, ?c]`: elements marked optional are included only when they hold a value.
final class ListNode: Node, @unchecked Sendable {
    let elements: [Node]
    let optional: [Bool]

    init(elements: [Node], optionalIndices: [Int], offset: Int) {
        self.elements = elements
        var optional = Array(repeating: false, count: elements.count)
        for index in optionalIndices { optional[index] = true }
        self.optional = optional
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        try frame.charge(elements.count)
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let value = try element.evaluate(&frame)
            if optional[index] {
                guard case .optional(let inner) = value else {
                    throw EvalError(
                        .noMatchingOverload, "a '?' list element must be an optional, not a \(value.typeName)"
                    )
                    .located(element.offset)
                }
                if let inner { values.append(inner) }
            } else {
                values.append(value)
            }
        }
        return .list(values)
    }
}

/// `{k: v, ?k2: opt}`: keys must be bools, ints, uints or strings and must not repeat.
final class MapNode: Node, @unchecked Sendable {
    struct Entry {
        var key: Node
        var value: Node
        var optional: Bool
        var offset: Int
    }

    let entries: [Entry]

    init(entries: [Entry], offset: Int) {
        self.entries = entries
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        try frame.charge(entries.count)
        var map = MapValue()
        for entry in entries {
            let key = try entry.key.evaluate(&frame)
            var value = try entry.value.evaluate(&frame)
            guard let mapKey = MapKey(key) else {
                throw EvalError(
                    .invalidArgument,
                    "a \(key.typeName) cannot be a map key (unsupported key type); use a bool, int, uint or string"
                ).located(entry.offset)
            }
            if entry.optional {
                guard case .optional(let inner) = value else {
                    throw EvalError(
                        .noMatchingOverload, "a '?' map entry must have an optional value, not a \(value.typeName)"
                    )
                    .located(entry.offset)
                }
                guard let inner else { continue }
                value = inner
            }
            guard map.insert(mapKey, value) else {
                throw EvalError(
                    .invalidArgument, "map literal repeats a key (Failed with repeated key); each key may appear once"
                )
                .located(entry.offset)
            }
        }
        return .map(map)
    }
}
