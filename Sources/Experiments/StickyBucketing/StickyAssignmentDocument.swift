import JSON

/// The sticky assignments recorded for one attribute value, GrowthBook's
/// `StickyAssignmentsDocument`: `{attributeName, attributeValue, assignments}`.
///
/// `assignments` maps `"<experiment key>__<bucket version>"` to the variation key the
/// customer got. In Ledgerline these documents are a projection of exposure events, so
/// replaying the log rebuilds them and a replayed assignment comes out identical.
public struct StickyAssignmentDocument: Sendable, Hashable, Codable {
    public var attributeName: String
    public var attributeValue: String
    public var assignments: [String: String]

    public init(attributeName: String, attributeValue: String, assignments: [String: String] = [:]) {
        self.attributeName = attributeName
        self.attributeValue = attributeValue
        self.assignments = assignments
    }

    /// The key documents are stored under: `"<attribute name>||<attribute value>"`.
    public var storageKey: String { Self.storageKey(attributeName: attributeName, attributeValue: attributeValue) }

    public static func storageKey(attributeName: String, attributeValue: String) -> String {
        attributeName + "||" + attributeValue
    }

    /// The key of an experiment's assignment at a bucket version: `"<key>__<version>"`.
    public static func experimentKey(_ key: String, bucketVersion: Int) -> String {
        key + "__" + String(bucketVersion)
    }

    /// The document as GrowthBook's JSON.
    public var json: JSONValue {
        .object(
            JSONObject([
                "attributeName": .string(attributeName),
                "attributeValue": .string(attributeValue),
                "assignments": .object(JSONObject(assignments.mapValues { JSONValue.string($0) })),
            ]))
    }

    /// Reads GrowthBook's JSON form; `nil` when the attribute name or value is missing.
    public init?(json: JSONValue) {
        guard case .string(let name) = json["attributeName"] ?? .null,
            case .string(let value) = json["attributeValue"] ?? .null
        else { return nil }
        var assignments: [String: String] = [:]
        if case .object(let object) = json["assignments"] ?? .null {
            for member in object {
                if case .string(let v) = member.value { assignments[member.key] = v }
            }
        }
        self.init(attributeName: name, attributeValue: value, assignments: assignments)
    }
}
