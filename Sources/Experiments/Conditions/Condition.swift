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
