import JSON

extension Evaluator {
    mutating func applyAnyOf(
        _ schemas: [NodeLink], _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool, _ annotations: inout Annotations
    ) -> Bool {
        var anyValid = false
        var failures: [[SchemaViolation]] = []
        for schema in schemas {
            var local = Annotations()
            let mark = violationCount
            let ok = evaluate(schema, instance, tracking: tracking, &local)
            let found = takeViolations(since: mark)
            if ok {
                anyValid = true
                if tracking { annotations.merge(local) } else { return true }
            } else if collecting {
                failures.append(found)
            }
        }
        if !anyValid { reportNoMatch(node, "anyOf", failures) }
        return anyValid
    }

    mutating func applyOneOf(
        _ schemas: [NodeLink], _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool, _ annotations: inout Annotations
    ) -> Bool {
        var matched: [Int] = []
        var matchedAnnotations = Annotations()
        var failures: [[SchemaViolation]] = []
        for (i, schema) in schemas.enumerated() {
            var local = Annotations()
            let mark = violationCount
            let ok = evaluate(schema, instance, tracking: tracking, &local)
            let found = takeViolations(since: mark)
            if ok {
                matched.append(i)
                matchedAnnotations = local
                if matched.count > 1 { break }
            } else if collecting {
                failures.append(found)
            }
        }
        switch matched.count {
        case 0:
            reportNoMatch(node, "oneOf", failures)
            return false
        case 1:
            if tracking { annotations.merge(matchedAnnotations) }
            return true
        default:
            report(node, "oneOf", "expected exactly one schema of oneOf to match, but schemas \(matched[0]) and \(matched[1]) both match")
            return false
        }
    }

    mutating func applyNot(_ schema: SchemaNode, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        var ignored = Annotations()
        let mark = violationCount
        let matched = evaluate(schema, instance, tracking: false, &ignored)
        _ = takeViolations(since: mark)
        if matched { report(node, "not", "expected a value that does not match the schema in not") }
        return !matched
    }

    mutating func applyConditional(
        _ condition: SchemaNode, _ then: SchemaNode?, _ otherwise: SchemaNode?, _ instance: JSONValue, _ tracking: Bool,
        _ annotations: inout Annotations
    ) -> Bool {
        if then == nil, otherwise == nil, !tracking { return true }
        var local = Annotations()
        let mark = violationCount
        let holds = evaluate(condition, instance, tracking: tracking, &local)
        _ = takeViolations(since: mark)
        if holds, tracking { annotations.merge(local) }
        guard let branch = holds ? then : otherwise else { return true }
        return evaluate(branch, instance, tracking: tracking, &annotations)
    }

    /// Reports that no subschema of `anyOf`/`oneOf` matched, as helpfully as it can:
    /// when all alternatives failed on `type` alone, one "expected X or Y" line; when
    /// only one alternative had the right type, that alternative's own reasons;
    /// otherwise a summary.
    private mutating func reportNoMatch(_ node: SchemaNode, _ keyword: String, _ failures: [[SchemaViolation]]) {
        guard collecting else { return }
        let here = currentPointer
        func isTypeOnly(_ list: [SchemaViolation]) -> Bool {
            list.count == 1 && list[0].keyword == "type" && list[0].instanceLocation == here
        }
        let typeOnly = failures.filter(isTypeOnly)
        if typeOnly.count == failures.count, !failures.isEmpty {
            var expected: [Substring] = []
            var found: Substring = ""
            for list in typeOnly {
                let message = list[0].message
                guard let split = message.firstRange(of: ", found ") else { continue }
                expected.append(message[..<split.lowerBound].dropFirst("expected ".count))
                found = message[split.upperBound...]
            }
            report(node, keyword, "expected \(expected.joined(separator: " or ")), found \(found)")
            return
        }
        let relevant = failures.filter { !isTypeOnly($0) && !$0.isEmpty }
        if relevant.count == 1 {
            restoreViolations(relevant[0])
            return
        }
        report(node, keyword, "expected a value matching at least one of the \(failures.count) schemas in \(keyword), but none matches")
    }
}
