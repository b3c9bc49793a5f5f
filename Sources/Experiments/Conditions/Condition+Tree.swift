import JSON

/// A compiled condition object (or element of `$and`/`$or`/`$nor`, or `$not`'s operand).
indirect enum Predicate: Sendable {
    /// Every entry must hold (the keys of one condition object).
    case all([Predicate])
    case or([Predicate])
    case nor([Predicate])
    case not(Predicate)
    /// The value at a dotted path must pass a value test.
    case path([String], ValueTest)
    case constant(Bool)
}

/// A compiled test of one attribute value (GrowthBook's `evalConditionValue`).
indirect enum ValueTest: Sendable {
    /// `String(value) === s`, lower-cased on both sides when `insensitive`.
    case equalsString(String, insensitive: Bool)
    /// `value * 1 === n`.
    case equalsNumber(Double)
    /// `value !== null && !!value === b`.
    case equalsBool(Bool)
    /// `value === null`.
    case isNull
    /// `JSON.stringify(value) === JSON.stringify(json)` for array and object literals.
    case equalsJSON(JSONValue)
    /// Every operator must hold.
    case operators([OperatorTest])
}

/// One compiled operator of an operator object.
enum OperatorTest: Sendable {
    enum Relation: Sendable { case lt, lte, gt, gte }
    enum VersionRelation: Sendable { case eq, ne, lt, lte, gt, gte }

    case version(VersionRelation, PaddedVersion)
    case strictEquals(JSONValue, negated: Bool)
    case relation(Relation, JSONValue)
    case exists(Bool)
    case membership([JSONValue], insensitive: Bool, negated: Bool)
    case group(String, negated: Bool)
    case not(ValueTest)
    case size(ValueTest)
    case elemMatchValue(ValueTest)
    case elemMatchCondition(Predicate)
    case all([ValueTest])
    case regex(RegexPattern, negated: Bool)
    case type(String)
    /// An operator that always fails: unknown, or given an argument of the wrong shape.
    case fail
}
