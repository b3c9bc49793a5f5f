import JSON

/// Reading GrowthBook's JSON payloads (experiments, features, contexts) leniently, as the
/// SDKs do: a field of the wrong type is treated as absent rather than rejected.
enum GrowthBookJSON {
    static func string(_ value: JSONValue?) -> String? {
        if case .string(let s) = value { return s }
        return nil
    }

    static func double(_ value: JSONValue?) -> Double? {
        if case .number(let n) = value { return n.doubleValue }
        return nil
    }

    /// An integer, or `nil` for a non-number; fractional numbers truncate as an index would fail.
    static func int(_ value: JSONValue?) -> Int? {
        guard case .number(let n) = value else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), abs(d) < 1e15 else { return d.isFinite ? Int.max : nil }
        return Int(d)
    }

    static func bool(_ value: JSONValue?) -> Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    static func doubles(_ value: JSONValue?) -> [Double]? {
        guard case .array(let items) = value else { return nil }
        return items.map { double($0) ?? .nan }
    }

    static func range(_ value: JSONValue?) -> BucketRange? {
        guard case .array(let pair) = value, pair.count >= 2, let start = double(pair[0]), let end = double(pair[1])
        else { return nil }
        return BucketRange(start: start, end: end)
    }

    static func ranges(_ value: JSONValue?) -> [BucketRange]? {
        guard case .array(let items) = value else { return nil }
        return items.compactMap { range($0) }
    }

    static func namespace(_ value: JSONValue?) -> Namespace? {
        guard case .array(let triple) = value, triple.count >= 3, let id = string(triple[0]),
            let start = double(triple[1]), let end = double(triple[2])
        else { return nil }
        return Namespace(id: id, start: start, end: end)
    }

    static func filters(_ value: JSONValue?) -> [HashFilter]? {
        guard case .array(let items) = value else { return nil }
        return items.map { item in
            HashFilter(
                seed: string(item["seed"]) ?? "", ranges: ranges(item["ranges"]) ?? [],
                attribute: string(item["attribute"]), hashVersion: int(item["hashVersion"]))
        }
    }

    static func meta(_ value: JSONValue?) -> [VariationMeta]? {
        guard case .array(let items) = value else { return nil }
        return items.map { item in
            VariationMeta(
                key: string(item["key"]), name: string(item["name"]),
                passthrough: bool(item["passthrough"]) ?? false)
        }
    }

    static func condition(_ value: JSONValue?) -> Condition? {
        guard let value, !value.isNull else { return nil }
        return Condition(value)
    }

    static func parentConditions(_ value: JSONValue?) -> [ParentCondition]? {
        guard case .array(let items) = value else { return nil }
        return items.compactMap { item in
            guard let id = string(item["id"]) else { return nil }
            let condition = item["condition"].flatMap { $0.objectValue != nil ? Condition($0) : nil } ?? .always
            return ParentCondition(id: id, condition: condition, gate: bool(item["gate"]) ?? false)
        }
    }
}

extension Experiment {
    /// Reads a GrowthBook experiment object (`{"key": ..., "variations": [...], ...}`).
    public convenience init(json: JSONValue) {
        typealias G = GrowthBookJSON
        let status = G.string(json["status"]).flatMap(ExperimentStatus.init(rawValue:))
        self.init(
            key: G.string(json["key"]) ?? "", variations: json["variations"]?.arrayValue ?? [],
            weights: G.doubles(json["weights"]), coverage: G.double(json["coverage"]), ranges: G.ranges(json["ranges"]),
            hashAttribute: G.string(json["hashAttribute"]), fallbackAttribute: G.string(json["fallbackAttribute"]),
            hashVersion: G.int(json["hashVersion"]), seed: G.string(json["seed"]),
            namespace: G.namespace(json["namespace"]), filters: G.filters(json["filters"]),
            condition: G.condition(json["condition"]), parentConditions: G.parentConditions(json["parentConditions"]),
            force: json["force"].flatMap { $0.isNull ? nil : (G.int($0) ?? -1) },
            active: G.bool(json["active"]) ?? true, status: status,
            bucketVersion: G.int(json["bucketVersion"]) ?? 0, minBucketVersion: G.int(json["minBucketVersion"]) ?? 0,
            meta: G.meta(json["meta"]), disableStickyBucketing: G.bool(json["disableStickyBucketing"]) ?? false,
            name: G.string(json["name"]), phase: G.string(json["phase"]),
            groups: json["groups"]?.arrayValue?.compactMap { G.string($0) })
    }
}

extension EvaluationContext {
    /// Reads a GrowthBook context object: `attributes`, `enabled`, `qaMode`,
    /// `forcedVariations`, `savedGroups`, `features`, `groups`, `stickyBucketAssignmentDocs`.
    /// Sticky bucketing is on when `stickyBucketing` is true or the object carries documents.
    public init(json: JSONValue, stickyBucketing: Bool = false) {
        typealias G = GrowthBookJSON
        var forced: [String: Int] = [:]
        for member in json["forcedVariations"]?.objectValue ?? JSONObject() {
            forced[member.key] = G.int(member.value) ?? -1
        }
        var groups: SavedGroups = [:]
        for member in json["savedGroups"]?.objectValue ?? JSONObject() {
            groups[member.key] = member.value.arrayValue ?? []
        }
        var features: [String: Feature] = [:]
        for member in json["features"]?.objectValue ?? JSONObject() {
            features[member.key] = Feature(json: member.value)
        }
        var forcedValues: [String: JSONValue] = [:]
        for member in json["forcedFeatureValues"]?.objectValue ?? JSONObject() {
            forcedValues[member.key] = member.value
        }
        var legacyGroups: [String: Bool] = [:]
        for member in json["groups"]?.objectValue ?? JSONObject() { legacyGroups[member.key] = member.value.isTruthy }
        var sticky: StickyAssignments? = stickyBucketing ? StickyAssignments() : nil
        if let docs = json["stickyBucketAssignmentDocs"]?.objectValue {
            var store = sticky ?? StickyAssignments()
            for member in docs {
                if let document = StickyAssignmentDocument(json: member.value) { store.save(document) }
            }
            sticky = store
        }
        self.init(
            attributes: json["attributes"] ?? .object(JSONObject()), enabled: G.bool(json["enabled"]) ?? true,
            qaMode: G.bool(json["qaMode"]) ?? false, forcedVariations: forced, savedGroups: groups,
            features: features, forcedFeatureValues: forcedValues, groups: legacyGroups, stickyAssignments: sticky)
    }
}
