import JSON

/// `properties`, `patternProperties`, `additionalProperties` and `required` of one
/// node, fused into one merge pass over the instance's sorted members.
///
/// The names' UTF-8 bytes live in one buffer owned by this object, so the pass
/// compares bytes without touching `String` reference counts.
final class ObjectMembers: @unchecked Sendable {
    struct Entry {
        /// The member name's UTF-8 bytes.
        let key: UnsafeBufferPointer<UInt8>
        /// Its `properties` schema, if any.
        var schema: NodeLink?
        /// Whether `required` lists it.
        let required: Bool
    }

    /// Sorted by the UTF-8 bytes of their names, the order ``JSON/JSONObject`` keeps
    /// members in.
    let entries: UnsafeMutableBufferPointer<Entry>
    /// The names, in the order of `entries`, for messages.
    let names: [String]
    /// Written only while compiling, read-only afterwards.
    var patterns: [(regex: ECMARegex, schema: NodeLink)]
    /// Written only while compiling, read-only afterwards.
    var additional: NodeLink?
    /// Whether the node has `additionalProperties: false`, for a clearer message.
    let additionalIsFalse: Bool
    /// `dependentRequired`, by entry index (empty unless every name fits the 64-bit
    /// presence mask of the pass).
    let dependencies: [(property: Int, required: [Int])]
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// - Parameters:
    ///   - entries: names with their schema and whether they are required, any order;
    ///     every name `dependencies` mentions must be among them.
    init(
        entries unsorted: [(key: String, schema: NodeLink?, required: Bool)], patterns: [(regex: ECMARegex, schema: NodeLink)],
        additional: NodeLink?, additionalIsFalse: Bool, dependencies: [(property: String, required: [String])]
    ) {
        let sorted = unsorted.sorted { Evaluator.compareUTF8($0.key, $1.key) < 0 }
        bytes = .allocate(capacity: max(1, sorted.reduce(0) { $0 + $1.key.utf8.count }))
        let list = UnsafeMutableBufferPointer<Entry>.allocate(capacity: sorted.count)
        var offset = 0
        for (i, entry) in sorted.enumerated() {
            let start = offset
            for b in entry.key.utf8 {
                bytes[offset] = b
                offset += 1
            }
            let key = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(bytes)[start..<offset])
            (list.baseAddress! + i).initialize(to: Entry(key: key, schema: entry.schema, required: entry.required))
        }
        entries = list
        names = sorted.map(\.key)
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.dependencies = dependencies.map { (position[$0.property]!, $0.required.map { position[$0]! }) }
        self.patterns = patterns
        self.additional = additional
        self.additionalIsFalse = additionalIsFalse
    }

    deinit {
        bytes.deallocate()
        entries.deallocate()
    }
}
