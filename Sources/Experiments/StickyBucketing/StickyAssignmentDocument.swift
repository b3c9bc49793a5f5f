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

/// Every sticky assignment document a context can see, keyed by ``StickyAssignmentDocument/storageKey``.
///
/// A value type: evaluation reads it and reports the document it would change in
/// ``AssignmentResult/stickyBucketUpdate``; ``save(_:)`` applies such an update.
public struct StickyAssignments: Sendable, Hashable {
    public var documents: [String: StickyAssignmentDocument]

    public init(_ documents: [StickyAssignmentDocument] = []) {
        self.documents = [:]
        for document in documents { save(document) }
    }

    /// Stores `document`, replacing any document for the same attribute value.
    public mutating func save(_ document: StickyAssignmentDocument) {
        documents[document.storageKey] = document
    }

    /// Adds `document`'s assignments to the stored document for the same attribute value
    /// (creating it), its entries winning over stored ones for the same experiment key.
    public mutating func merge(_ document: StickyAssignmentDocument) {
        var merged =
            documents[document.storageKey]
            ?? StickyAssignmentDocument(
                attributeName: document.attributeName, attributeValue: document.attributeValue)
        merged.assignments.merge(document.assignments) { _, new in new }
        documents[document.storageKey] = merged
    }

    /// Records that the customer whose `attributeName` is `attributeValue` got
    /// `variationKey` in experiment `experimentKey` at `bucketVersion`: the fold step of the
    /// sticky-assignment projection over `ExperimentExposed` events.
    public mutating func record(
        experimentKey: String, bucketVersion: Int, attributeName: String,
        attributeValue: String, variationKey: String
    ) {
        merge(
            StickyAssignmentDocument(
                attributeName: attributeName, attributeValue: attributeValue,
                assignments: [
                    StickyAssignmentDocument.experimentKey(experimentKey, bucketVersion: bucketVersion): variationKey
                ]))
    }

    /// Records `result` when it is an assignment sticky bucketing keeps
    /// (``AssignmentResult/recordsStickyAssignment``); otherwise changes nothing.
    public mutating func record(_ result: AssignmentResult) {
        guard result.recordsStickyAssignment else { return }
        record(
            experimentKey: result.experimentKey, bucketVersion: result.bucketVersion,
            attributeName: result.hashAttribute, attributeValue: result.hashValue, variationKey: result.variationKey)
    }

    /// The document for `attributeName` = `attributeValue`, if any.
    public func document(attributeName: String, attributeValue: String) -> StickyAssignmentDocument? {
        documents[StickyAssignmentDocument.storageKey(attributeName: attributeName, attributeValue: attributeValue)]
    }
}
