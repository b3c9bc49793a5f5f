import JSON

extension EvaluationContext {
    /// GrowthBook's `getStickyBucketVariation`: the variation a sticky assignment names for
    /// the experiment's current bucket version, and whether an assignment from a version
    /// below `minBucketVersion` blocks the customer.
    func stickyVariation(for experiment: Experiment) -> (variation: Int, blocked: Bool) {
        let assignments = mergedStickyAssignments(
            primary: experiment.hashAttribute,
            fallback: experiment.fallbackAttribute)
        if experiment.minBucketVersion > 0 {
            for version in 0..<experiment.minBucketVersion
            where assignments[StickyAssignmentDocument.experimentKey(experiment.key, bucketVersion: version)] != nil {
                return (-1, true)
            }
        }
        let id = StickyAssignmentDocument.experimentKey(experiment.key, bucketVersion: experiment.bucketVersion)
        guard let variationKey = assignments[id], let meta = experiment.meta,
            let index = meta.firstIndex(where: { $0.key.map { JavaScriptString.equal($0, variationKey) } ?? false })
        else { return (-1, false) }
        return (index, false)
    }

    /// The assignments recorded for the hash attribute's value, over those recorded for the
    /// fallback attribute's value (GrowthBook's `getStickyBucketAssignments`).
    func mergedStickyAssignments(primary primaryName: String, fallback fallbackName: String?) -> [String: String] {
        guard let store = stickyAssignments else { return [:] }
        var merged: [String: String] = [:]
        let fallback = hashAttribute(fallbackName, fallback: nil)
        if fallback.value.isTruthy,
            let document = store.document(
                attributeName: fallback.attribute,
                attributeValue: fallback.value.stickyText)
        {
            merged = document.assignments
        }
        let primary = hashAttribute(primaryName, fallback: nil)
        if let document = store.document(attributeName: primary.attribute, attributeValue: primary.value.stickyText) {
            merged.merge(document.assignments) { _, primary in primary }
        }
        return merged
    }

    /// GrowthBook's `generateStickyBucketAssignmentDoc`: the document with the new
    /// assignment merged in, or `nil` when that changes nothing.
    func updatedStickyDocument(
        attributeName: String, attributeValue: String, experimentKey: String,
        variationKey: String
    ) -> StickyAssignmentDocument? {
        let existing = stickyAssignments?.document(attributeName: attributeName, attributeValue: attributeValue)
        if existing?.assignments[experimentKey] == variationKey { return nil }
        var document =
            existing ?? StickyAssignmentDocument(attributeName: attributeName, attributeValue: attributeValue)
        document.assignments[experimentKey] = variationKey
        return document
    }
}

extension JSONValue {
    /// GrowthBook's `toString` for sticky document keys: strings as they are, anything
    /// else as JSON text (numbers and booleans read the same as in JavaScript's `String`).
    var stickyText: String {
        if case .string(let s) = self { return s }
        if case .number = self { return javaScriptString }
        return JSONWriter.canonicalString(self)
    }
}
