import JSON

/// A GrowthBook targeting condition: the MongoDB-like language of `condition` and
/// `parentConditions` in GrowthBook payloads, compiled once and evaluated many times.
///
/// ```swift
/// let condition = Condition(try JSONParser.parse(#"{"country": {"$in": ["US", "CA"]}, "age": {"$gte": 18}}"#))
/// condition.evaluate(attributes)   // true or false
/// ```
///
/// Keys of a condition object are either logical operators (`$and`, `$or`, `$nor`,
/// `$not`) or dotted attribute paths (`father.age`, `tags.0`); the value for a path is
/// either a literal to compare with or an object of operators (`$eq $ne $lt $lte $gt
/// $gte $in $nin $ini $nini $all $alli $elemMatch $size $exists $type $not $regex
/// $regexi $notRegex $notRegexi $inGroup $notInGroup $veq $vne $vgt $vgte $vlt $vlte`).
/// Semantics follow GrowthBook's JavaScript SDK, JavaScript coercions included (see
/// ``JSONValue/javaScriptLessThan(_:)``): a missing attribute is `null`, an unknown
/// operator or an invalid regular expression fails the condition rather than throwing.
///
/// Cost: compiling walks the JSON once and compiles each regular expression once;
/// evaluating walks the compiled tree, looking each path up in O(depth × log width).
public struct Condition: Sendable {
    /// The condition as written.
    public let json: JSONValue
    let root: Predicate

    /// Compiles `json`. Never fails: constructs GrowthBook would reject at evaluation time
    /// (an unknown operator, a bad pattern) compile to tests that fail.
    public init(_ json: JSONValue) {
        self.json = json
        root = Predicate(compiling: json)
    }

    /// Whether `attributes` satisfy the condition. `savedGroups` resolves `$inGroup`.
    public func evaluate(_ attributes: JSONValue, savedGroups: SavedGroups = [:]) -> Bool {
        root.evaluate(attributes, savedGroups)
    }

    /// A condition that every value satisfies (`{}`).
    public static let always = Condition(.object(JSONObject()))
}

/// Named lists of values that `$inGroup` and `$notInGroup` test membership of.
public typealias SavedGroups = [String: [JSONValue]]

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
