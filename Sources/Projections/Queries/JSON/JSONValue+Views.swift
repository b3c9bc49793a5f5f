import EventLog
import JSON

/// How view figures read in JSON output: money as exact decimal strings, amounts per
/// currency as `{"USD": "1200.00"}`, times as RFC 3339, ratios as numbers.
extension JSONValue {
    static func money(_ value: Money?) -> JSONValue { value.map { .string($0.description) } ?? .null }

    static func bag(_ bag: MoneyBag) -> JSONValue {
        .object(
            JSONObject(
                Dictionary(
                    uniqueKeysWithValues: bag.entries.map { ($0.currency, JSONValue.string($0.amount.description)) })))
    }

    static func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.description) } ?? .null }

    static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    static func int<I: BinaryInteger>(_ value: I?) -> JSONValue {
        value.map { .number(JSONNumber(Int64($0))) } ?? .null
    }

    /// A ratio or a number of days, rounded to 6 decimals so output is stable.
    static func ratio(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(JSONNumber((value * 1_000_000).rounded() / 1_000_000))
    }

    static func point(_ point: QueryPoint) -> JSONValue {
        [
            "position": .int(point.position.rawValue), "referenceTime": .time(point.referenceTime),
            "head": .bool(point.isHead),
        ]
    }

    static func tally(_ tally: DealTally, weighted: Bool) -> JSONValue {
        var object: [String: JSONValue] = ["count": .int(tally.count), "amount": .bag(tally.amount)]
        if weighted {
            object["weighted"] = .bag(tally.weighted)
            object["unweighted"] = .int(tally.unweighted)
        }
        return .object(JSONObject(object))
    }
}
