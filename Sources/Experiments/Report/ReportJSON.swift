import JSON

/// Numbers as JSON, with `null` where a computation had no finite answer.
enum ReportJSON {
    static func number(_ x: Double) -> JSONValue { x.isFinite ? .number(JSONNumber(x)) : .null }

    static func interval(_ lower: Double, _ upper: Double) -> JSONValue { .array([number(lower), number(upper)]) }

    static func estimate(_ estimate: Double, _ lower: Double, _ upper: Double) -> JSONValue {
        .object(JSONObject(["estimate": number(estimate), "lower": number(lower), "upper": number(upper)]))
    }
}
