import JSON

extension ExperimentDefinition {
    /// Reads a definition back from its ``canonicalJSON`` (an `ExperimentConfigured` payload).
    ///
    /// - Throws: ``ExperimentsError/Code/invalidDefinition`` naming the JSON field that is
    ///   missing or of the wrong type.
    public init(canonicalJSON json: JSONValue) throws(ExperimentsError) {
        var reader = CanonicalReader(root: json)
        let variations = try reader.array("variations").enumerated().map { (i, v) throws(ExperimentsError) in
            var r = CanonicalReader(root: v, path: "/variations/\(i)")
            return VariationDefinition(
                id: try r.string("id"), name: try r.string("name"), weight: try r.double("weight"),
                value: v["value"])
        }
        var namespace: Namespace?
        if let ns = json["namespace"] {
            var r = CanonicalReader(root: ns, path: "/namespace")
            namespace = Namespace(id: try r.string("id"), start: try r.double("start"), end: try r.double("end"))
        }
        let filters = try reader.array("filters").enumerated().map { (i, f) throws(ExperimentsError) in
            var r = CanonicalReader(root: f, path: "/filters/\(i)")
            let ranges = try r.array("ranges").map { pair throws(ExperimentsError) -> BucketRange in
                guard let p = pair.arrayValue, p.count == 2, let s = p[0].numberValue?.doubleValue,
                    let e = p[1].numberValue?.doubleValue
                else { throw r.failure("ranges", "must be [start, end] pairs") }
                return BucketRange(start: s, end: e)
            }
            return HashFilter(
                seed: try r.string("seed"), ranges: ranges, attribute: try r.string("attribute"),
                hashVersion: try r.int("hashVersion"))
        }
        var bandit: BanditSettings?
        if let b = json["bandit"] {
            var r = CanonicalReader(root: b, path: "/bandit")
            bandit = BanditSettings(
                goal: try r.string("goal"), schedule: TimeWindow(seconds: Int64(try r.int("scheduleSeconds"))),
                minimumShare: try r.double("minimumShare"),
                burnIn: TimeWindow(seconds: Int64(try r.int("burnInSeconds"))),
                burnInUnits: try r.int("burnInUnits"))
        }
        func metrics(_ list: String) throws(ExperimentsError) -> [MetricDefinition] {
            try reader.array(list).enumerated().map { (i, m) throws(ExperimentsError) in
                var r = CanonicalReader(root: m, path: "/\(list)/\(i)")
                guard let kind = MetricDefinition.Kind(rawValue: try r.string("kind")),
                    let direction = MetricDefinition.Direction(rawValue: try r.string("direction"))
                else { throw r.failure("kind", "must be a known metric kind and direction") }
                return MetricDefinition(
                    name: try r.string("name"), kind: kind, event: try r.string("event"),
                    window: TimeWindow(seconds: Int64(try r.int("windowSeconds"))), filter: m["filter"]?.stringValue,
                    value: m["value"]?.stringValue, direction: direction)
            }
        }
        guard let status = ExperimentStatus(rawValue: try reader.string("status")),
            let hashVersion = HashVersion(rawValue: try reader.int("hashVersion"))
        else { throw reader.failure("status", "must be a known status with hash version 1 or 2") }
        self.init(
            key: try reader.string("key"), name: try reader.string("name"),
            description: json["description"]?.stringValue,
            status: status, variations: variations, coverage: try reader.double("coverage"),
            hashAttribute: try reader.string("hashAttribute"),
            fallbackAttribute: json["fallbackAttribute"]?.stringValue,
            seed: try reader.string("seed"), hashVersion: hashVersion, namespace: namespace, filters: filters,
            targeting: json["targeting"]?.stringValue, bucketVersion: try reader.int("bucketVersion"),
            minBucketVersion: try reader.int("minBucketVersion"), bandit: bandit, goals: try metrics("goals"),
            guardrails: try metrics("guardrails"))
    }
}

/// Typed access to canonical definition JSON with errors that name the JSON pointer.
private struct CanonicalReader {
    let root: JSONValue
    var path = ""

    func failure(_ key: String, _ message: String) -> ExperimentsError {
        ExperimentsError(
            .invalidDefinition, message + "; republish the definition from its YAML file",
            field: "\(path)/\(key)")
    }

    mutating func string(_ key: String) throws(ExperimentsError) -> String {
        guard let value = root[key]?.stringValue else { throw failure(key, "must be a string") }
        return value
    }

    mutating func double(_ key: String) throws(ExperimentsError) -> Double {
        guard let value = root[key]?.numberValue?.doubleValue else { throw failure(key, "must be a number") }
        return value
    }

    mutating func int(_ key: String) throws(ExperimentsError) -> Int {
        guard let value = root[key]?.numberValue?.int64Value else { throw failure(key, "must be a whole number") }
        return Int(value)
    }

    mutating func array(_ key: String) throws(ExperimentsError) -> [JSONValue] {
        guard let value = root[key]?.arrayValue else { throw failure(key, "must be an array") }
        return value
    }
}
