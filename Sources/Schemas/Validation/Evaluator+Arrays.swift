import JSON

extension Evaluator {
    mutating func checkArraySize(_ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        guard case .array(let items) = instance else { return true }
        switch keyword {
        case .maxItems(let limit):
            guard items.count > limit else { return true }
            report(node, "maxItems", "expected at most \(limit) items, found \(items.count)")
            return false
        case .minItems(let limit):
            guard items.count < limit else { return true }
            report(node, "minItems", "expected at least \(limit) items, found \(items.count)")
            return false
        case .uniqueItems:
            guard let (first, second) = Self.firstDuplicate(items) else { return true }
            report(node, "uniqueItems", "expected unique items, but items \(first) and \(second) are equal")
            return false
        default:
            return true
        }
    }

    /// The first pair of equal items, by JSON Schema equality. Quadratic for short
    /// arrays, hashed (by the canonical-equivalence-consistent `JSONValue` hash) beyond.
    static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        if items.count <= 16 {
            for j in items.indices {
                for i in 0..<j where items[i].isSchemaEqual(to: items[j]) { return (i, j) }
            }
            return nil
        }
        var seen: [Int: [Int]] = [:]
        for (j, item) in items.enumerated() {
            let key = item.hashValue
            if let candidates = seen[key], let i = candidates.first(where: { items[$0].isSchemaEqual(to: item) }) {
                return (i, j)
            }
            seen[key, default: []].append(j)
        }
        return nil
    }

    mutating func applyItems(
        _ prefix: [NodeLink], _ rest: NodeLink?, _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool,
        _ annotations: inout Annotations
    ) -> Bool {
        guard case .array(let items) = instance else { return true }
        var valid = true
        var ignored = Annotations()
        for i in items.indices {
            let schema: NodeLink
            if i < prefix.count {
                schema = prefix[i]
            } else if let rest {
                schema = rest
            } else {
                break
            }
            let ok = descend(.index(i)) { $0.evaluate(schema, items[i], tracking: false, &ignored) }
            if !ok {
                valid = false
                if !collecting { return false }
            }
        }
        if tracking {
            if rest != nil { annotations.items.all = true } else { annotations.items.insertPrefix(min(prefix.count, items.count)) }
        }
        return valid
    }

    mutating func applyContains(
        _ schema: SchemaNode, min: Int, max: Int?, _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool,
        _ annotations: inout Annotations
    ) -> Bool {
        guard case .array(let items) = instance else { return true }
        var matches = 0
        var ignored = Annotations()
        let quiet = collecting
        for i in items.indices {
            // Items that do not match are not errors of `contains` itself.
            let mark = violationCount
            let ok = descend(.index(i)) { $0.evaluate(schema, items[i], tracking: false, &ignored) }
            if quiet { _ = takeViolations(since: mark) }
            guard ok else { continue }
            matches += 1
            if tracking { annotations.items.insert(i) }
            // Without annotations to collect, stop once the answer is known.
            if !tracking, max == nil, matches >= min { return true }
            if !tracking, let max, matches > max { break }
        }
        if matches < min {
            report(node, min == 1 ? "contains" : "minContains", "expected at least \(min) item\(min == 1 ? "" : "s") matching contains, found \(matches)")
            return false
        }
        if let max, matches > max {
            report(node, "maxContains", "expected at most \(max) item\(max == 1 ? "" : "s") matching contains, found \(tracking ? String(matches) : "more")")
            return false
        }
        return true
    }

    mutating func applyUnevaluatedItems(_ schema: SchemaNode, _ node: SchemaNode, _ instance: JSONValue, _ annotations: inout Annotations) -> Bool {
        guard case .array(let items) = instance, !annotations.items.all else { return true }
        var valid = true
        var ignored = Annotations()
        for i in items.indices where !annotations.items.contains(i) {
            let ok = descend(.index(i)) { evaluator in
                let mark = evaluator.violationCount
                let ok = evaluator.evaluate(schema, items[i], tracking: false, &ignored)
                if !ok, schema.keywords.count == 1, case .alwaysFalse = schema.keywords[0] {
                    _ = evaluator.takeViolations(since: mark)
                    evaluator.report(node, "unevaluatedItems", "unexpected item (unevaluatedItems is false)")
                }
                return ok
            }
            if !ok {
                valid = false
                if !collecting { return false }
            }
        }
        if valid { annotations.items.all = true }
        return valid
    }
}
