import JSON

extension Predicate {
    func evaluate(_ value: JSONValue, _ groups: SavedGroups) -> Bool {
        switch self {
        case .all(let parts):
            for part in parts where !part.evaluate(value, groups) { return false }
            return true
        case .or(let parts):
            if parts.isEmpty { return true }
            for part in parts where part.evaluate(value, groups) { return true }
            return false
        case .nor(let parts):
            if parts.isEmpty { return false }
            for part in parts where part.evaluate(value, groups) { return false }
            return true
        case .not(let inner):
            return !inner.evaluate(value, groups)
        case .path(let path, let test):
            return test.evaluate(Predicate.lookup(path, in: value), groups)
        case .constant(let result):
            return result
        }
    }

    /// GrowthBook's `getPath`: walks objects by member and arrays by index (or `length`);
    /// anything missing on the way is `null`.
    static func lookup(_ path: [String], in root: JSONValue) -> JSONValue {
        var current = root
        for part in path {
            switch current {
            case .object(let object):
                guard let next = object[part] else { return .null }
                current = next
            case .array(let items):
                if part == "length" {
                    current = .number(JSONNumber(items.count))
                } else if let index = Int(part), String(index) == part, items.indices.contains(index) {
                    current = items[index]
                } else {
                    return .null
                }
            default:
                return .null
            }
        }
        return current
    }
}

extension ValueTest {
    func evaluate(_ value: JSONValue, _ groups: SavedGroups) -> Bool {
        switch self {
        case .equalsString(let expected, let insensitive):
            if insensitive { return JavaScriptString.equal(value.javaScriptString.lowercased(), expected.lowercased()) }
            return JavaScriptString.equal(value.javaScriptString, expected)
        case .equalsNumber(let expected):
            return value.javaScriptNumber == expected
        case .equalsBool(let expected):
            return !value.isNull && value.isTruthy == expected
        case .isNull:
            return value.isNull
        case .equalsJSON(let expected):
            return ValueTest.stringifiesEqual(value, expected)
        case .operators(let tests):
            for test in tests where !test.evaluate(value, groups) { return false }
            return true
        }
    }

    /// `JSON.stringify(a) === JSON.stringify(b)`: structural equality in which numbers are
    /// equal when JavaScript writes them alike. (JavaScript also compares key order, which a
    /// canonical ``JSONObject`` does not keep; members are compared as sets.)
    static func stringifiesEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.doubleValue == y.doubleValue
        case (.string(let x), .string(let y)): return JavaScriptString.equal(x, y)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { stringifiesEqual($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (l, r) in zip(x, y) where !JavaScriptString.equal(l.key, r.key) || !stringifiesEqual(l.value, r.value) {
                return false
            }
            return true
        default: return false
        }
    }
}

extension OperatorTest {
    func evaluate(_ actual: JSONValue, _ groups: SavedGroups) -> Bool {
        switch self {
        case .version(let relation, let expected):
            let padded = PaddedVersion(actual)
            switch relation {
            case .eq: return padded == expected
            case .ne: return padded != expected
            case .lt: return padded < expected
            case .lte: return padded <= expected
            case .gt: return padded > expected
            case .gte: return padded >= expected
            }
        case .strictEquals(let expected, let negated):
            return actual.javaScriptStrictlyEquals(expected) != negated
        case .relation(let relation, let expected):
            switch relation {
            case .lt: return actual.javaScriptLessThan(expected) == true
            case .gt: return expected.javaScriptLessThan(actual) == true
            case .lte: return expected.javaScriptLessThan(actual) == false
            case .gte: return actual.javaScriptLessThan(expected) == false
            }
        case .exists(let shouldExist):
            return actual.isNull != shouldExist
        case .membership(let values, let insensitive, let negated):
            return OperatorTest.isIn(actual, values, insensitive: insensitive) != negated
        case .group(let name, let negated):
            return OperatorTest.isIn(actual, groups[name] ?? [], insensitive: false) != negated
        case .not(let inner):
            return !inner.evaluate(actual, groups)
        case .size(let inner):
            guard case .array(let items) = actual else { return false }
            return inner.evaluate(.number(JSONNumber(items.count)), groups)
        case .elemMatchValue(let inner):
            // The JavaScript SDK skips falsy elements (`actual[i] && check(actual[i])`).
            guard case .array(let items) = actual else { return false }
            return items.contains { $0.isTruthy && inner.evaluate($0, groups) }
        case .elemMatchCondition(let inner):
            guard case .array(let items) = actual else { return false }
            return items.contains { $0.isTruthy && inner.evaluate($0, groups) }
        case .all(let tests):
            guard case .array(let items) = actual else { return false }
            return tests.allSatisfy { test in items.contains { test.evaluate($0, groups) } }
        case .regex(let pattern, let negated):
            guard let matched = pattern.matches(actual.javaScriptString) else { return false }
            return matched != negated
        case .type(let name):
            return actual.javaScriptTypeName == name
        case .fail:
            return false
        }
    }

    /// GrowthBook's `isIn`: an array attribute intersects the list, any other value must be
    /// an element of it (`Array.prototype.includes`, strict equality). `insensitive` folds
    /// strings to lower case first.
    static func isIn(_ actual: JSONValue, _ list: [JSONValue], insensitive: Bool) -> Bool {
        func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
            if insensitive, case .string(let x) = a, case .string(let y) = b {
                return JavaScriptString.equal(x.lowercased(), y.lowercased())
            }
            return a.javaScriptStrictlyEquals(b)
        }
        if case .array(let items) = actual {
            return items.contains { item in list.contains { same(item, $0) } }
        }
        return list.contains { same(actual, $0) }
    }
}
