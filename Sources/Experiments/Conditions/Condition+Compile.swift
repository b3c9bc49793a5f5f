import JSON

extension Predicate {
    /// Compiles a condition object. JavaScript iterates `Object.entries(condition)`, so an
    /// array compiles as an object keyed by index and other scalars have no entries.
    init(compiling json: JSONValue) {
        guard let entries = Predicate.entries(of: json) else {
            self = .constant(false)  // Object.entries(null) throws in the SDK: nothing matches
            return
        }
        var parts: [Predicate] = []
        parts.reserveCapacity(entries.count)
        for (key, value) in entries {
            switch key {
            case "$or": parts.append(.or(Predicate.list(value)))
            case "$nor": parts.append(.nor(Predicate.list(value)))
            case "$and": parts.append(.all(Predicate.list(value)))
            case "$not": parts.append(.not(Predicate(compiling: value)))
            default:
                parts.append(
                    .path(
                        key.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                        ValueTest(compiling: value)))
            }
        }
        self = parts.count == 1 ? parts[0] : .all(parts)
    }

    /// The operands of `$and`/`$or`/`$nor`. A non-array operand has no `length` in the SDK,
    /// which makes both `evalOr` and `evalAnd` succeed: an empty list does the same here.
    private static func list(_ json: JSONValue) -> [Predicate] {
        guard case .array(let items) = json else { return [] }
        return items.map(Predicate.init(compiling:))
    }

    /// `Object.entries(json)`, or `nil` for `null`.
    static func entries(of json: JSONValue) -> [(String, JSONValue)]? {
        switch json {
        case .object(let object): return object.map { ($0.key, $0.value) }
        case .array(let items): return items.enumerated().map { (String($0.offset), $0.element) }
        case .string(let s): return s.enumerated().map { (String($0.offset), .string(String($0.element))) }
        case .number, .bool: return []
        case .null: return nil
        }
    }
}

extension ValueTest {
    /// Compiles the value side of a path entry.
    init(compiling json: JSONValue, insensitive: Bool = false) {
        switch json {
        case .string(let s): self = .equalsString(s, insensitive: insensitive)
        case .number(let n): self = .equalsNumber(n.doubleValue)
        case .bool(let b): self = .equalsBool(b)
        case .null: self = .isNull
        case .array: self = .equalsJSON(json)
        case .object(let object):
            guard ValueTest.isOperatorObject(object) else {
                self = .equalsJSON(json)
                return
            }
            self = .operators(object.map { OperatorTest(name: $0.key, argument: $0.value) })
        }
    }

    /// GrowthBook's `isOperatorObject`: non-empty, and every key starts with `$`.
    static func isOperatorObject(_ object: JSONObject) -> Bool {
        !object.isEmpty && object.allSatisfy { $0.key.hasPrefix("$") }
    }
}

extension OperatorTest {
    /// Compiles operator `name` applied to `argument`.
    init(name: String, argument: JSONValue) {
        switch name {
        case "$veq": self = .version(.eq, PaddedVersion(argument))
        case "$vne": self = .version(.ne, PaddedVersion(argument))
        case "$vgt": self = .version(.gt, PaddedVersion(argument))
        case "$vgte": self = .version(.gte, PaddedVersion(argument))
        case "$vlt": self = .version(.lt, PaddedVersion(argument))
        case "$vlte": self = .version(.lte, PaddedVersion(argument))
        case "$eq": self = .strictEquals(argument, negated: false)
        case "$ne": self = .strictEquals(argument, negated: true)
        case "$lt": self = .relation(.lt, argument)
        case "$lte": self = .relation(.lte, argument)
        case "$gt": self = .relation(.gt, argument)
        case "$gte": self = .relation(.gte, argument)
        case "$exists": self = .exists(argument.isTruthy)
        case "$in", "$nin", "$ini", "$nini":
            guard case .array(let values) = argument else {
                self = .fail
                return
            }
            self = .membership(values, insensitive: name.hasSuffix("i"), negated: name.hasPrefix("$n"))
        case "$inGroup", "$notInGroup":
            self = .group(argument.javaScriptString, negated: name == "$notInGroup")
        case "$not": self = .not(ValueTest(compiling: argument))
        case "$size": self = .size(ValueTest(compiling: argument))
        case "$elemMatch":
            if case .object(let object) = argument, ValueTest.isOperatorObject(object) {
                self = .elemMatchValue(ValueTest(compiling: argument))
            } else {
                self = .elemMatchCondition(Predicate(compiling: argument))
            }
        case "$all", "$alli":
            guard case .array(let values) = argument else {
                self = .fail
                return
            }
            let insensitive = name == "$alli"
            self = .all(values.map { ValueTest(compiling: $0, insensitive: insensitive) })
        case "$regex", "$regexi", "$notRegex", "$notRegexi":
            guard case .string(let pattern) = argument else {
                self = .fail  // `pattern.replace` throws on a non-string in the SDK
                return
            }
            self = .regex(
                RegexPattern(pattern, caseInsensitive: name.hasSuffix("i")),
                negated: name.hasPrefix("$not"))
        case "$type":
            guard case .string(let type) = argument else {
                self = .fail
                return
            }
            self = .type(type)
        default:
            self = .fail
        }
    }
}
