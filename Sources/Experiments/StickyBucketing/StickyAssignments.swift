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
