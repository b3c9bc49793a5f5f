import JSON

extension Feature {
    /// Reads a GrowthBook feature definition (`{"defaultValue": ..., "rules": [...]}`).
    public init(json: JSONValue) {
        self.init(
            defaultValue: json["defaultValue"], rules: (json["rules"]?.arrayValue ?? []).map(FeatureRule.init(json:)))
    }
}

extension FeatureRule {
    /// Reads one GrowthBook feature rule. A `force` key makes it a force rule even when its
    /// value is `null`.
    public init(json: JSONValue) {
        typealias G = GrowthBookJSON
        self.init()
        id = G.string(json["id"])
        condition = G.condition(json["condition"])
        parentConditions = G.parentConditions(json["parentConditions"])
        filters = G.filters(json["filters"])
        force = json["force"]
        range = G.range(json["range"])
        coverage = G.double(json["coverage"])
        hashAttribute = G.string(json["hashAttribute"])
        fallbackAttribute = G.string(json["fallbackAttribute"])
        hashVersion = G.int(json["hashVersion"])
        seed = G.string(json["seed"])
        disableStickyBucketing = G.bool(json["disableStickyBucketing"]) ?? false
        variations = json["variations"]?.arrayValue
        key = G.string(json["key"])
        weights = G.doubles(json["weights"])
        namespace = G.namespace(json["namespace"])
        meta = G.meta(json["meta"])
        ranges = G.ranges(json["ranges"])
        name = G.string(json["name"])
        phase = G.string(json["phase"])
        bucketVersion = G.int(json["bucketVersion"])
        minBucketVersion = G.int(json["minBucketVersion"])
    }
}
