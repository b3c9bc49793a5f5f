import JSON

extension ExperimentDefinition {
    /// The definition as canonical JSON: every default resolved, durations in seconds, keys
    /// sorted, numbers in shortest form. Two files that mean the same experiment have the
    /// same canonical JSON whatever their formatting, so its bytes
    /// (``canonicalBytes``) are what `ExperimentConfigured` publishes and what is hashed.
    ///
    /// ``init(canonicalJSON:)`` reads it back, for replaying the log.
    public var canonicalJSON: JSONValue {
        var members: [String: JSONValue] = [
            "key": .string(key),
            "name": .string(name),
            "status": .string(status.rawValue),
            "variations": .array(
                variations.map { v in
                    var m: [String: JSONValue] = [
                        "id": .string(v.id), "name": .string(v.name), "weight": Self.number(v.weight),
                    ]
                    if let value = v.value { m["value"] = value }
                    return .object(JSONObject(m))
                }),
            "coverage": Self.number(coverage),
            "hashAttribute": .string(hashAttribute),
            "seed": .string(seed),
            "hashVersion": .number(JSONNumber(hashVersion.rawValue)),
            "filters": .array(filters.map(Self.filterJSON)),
            "bucketVersion": .number(JSONNumber(bucketVersion)),
            "minBucketVersion": .number(JSONNumber(minBucketVersion)),
            "goals": .array(goals.map(Self.metricJSON)),
            "guardrails": .array(guardrails.map(Self.metricJSON)),
        ]
        if let description { members["description"] = .string(description) }
        if let fallbackAttribute { members["fallbackAttribute"] = .string(fallbackAttribute) }
        if let namespace { members["namespace"] = Self.namespaceJSON(namespace) }
        if let targeting { members["targeting"] = .string(targeting) }
        if let bandit {
            members["bandit"] = .object(
                JSONObject([
                    "goal": .string(bandit.goal),
                    "scheduleSeconds": .number(JSONNumber(bandit.schedule.seconds)),
                    "minimumShare": Self.number(bandit.minimumShare),
                    "burnInSeconds": .number(JSONNumber(bandit.burnIn.seconds)),
                    "burnInUnits": .number(JSONNumber(bandit.burnInUnits)),
                ]))
        }
        return .object(JSONObject(members))
    }

    /// The UTF-8 bytes of ``canonicalJSON``: the input to the definition's hash.
    public var canonicalBytes: [UInt8] { JSONWriter.canonicalBytes(canonicalJSON) }

    /// The part of the definition that decides who gets which variation: variation ids and
    /// weights, coverage, seed, hash attribute and fallback, hash version, namespace,
    /// filters and bucket versions. Names, status, targeting and metrics are not in it.
    public var allocationJSON: JSONValue {
        var members: [String: JSONValue] = [
            "variations": .array(
                variations.map { .object(JSONObject(["id": .string($0.id), "weight": Self.number($0.weight)])) }),
            "coverage": Self.number(coverage),
            "seed": .string(seed),
            "hashAttribute": .string(hashAttribute),
            "hashVersion": .number(JSONNumber(hashVersion.rawValue)),
            "filters": .array(filters.map(Self.filterJSON)),
            "bucketVersion": .number(JSONNumber(bucketVersion)),
            "minBucketVersion": .number(JSONNumber(minBucketVersion)),
        ]
        if let fallbackAttribute { members["fallbackAttribute"] = .string(fallbackAttribute) }
        if let namespace { members["namespace"] = Self.namespaceJSON(namespace) }
        return .object(JSONObject(members))
    }

    /// Whether `other` belongs to the same phase: a change of weights, coverage, seed, hash
    /// settings, namespace, filters, variations or bucket versions starts a new phase, so
    /// that exposures from before and after are never analysed together.
    public func isSamePhase(as other: ExperimentDefinition) -> Bool {
        allocationJSON == other.allocationJSON
    }

    /// The allocation fields that differ from `previous` (`weights`, `coverage`, ...), for
    /// explaining why a new phase began; empty when the phase continues.
    public func phaseChanges(since previous: ExperimentDefinition) -> [String] {
        guard case .object(let now) = allocationJSON, case .object(let before) = previous.allocationJSON else {
            return []
        }
        let keys = Set(now.keys).union(before.keys).sorted()
        return keys.filter { now[$0] != before[$0] }
    }

    static func number(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    static func namespaceJSON(_ namespace: Namespace) -> JSONValue {
        .object(
            JSONObject(["id": .string(namespace.id), "start": number(namespace.start), "end": number(namespace.end)]))
    }

    static func filterJSON(_ filter: HashFilter) -> JSONValue {
        .object(
            JSONObject([
                "seed": .string(filter.seed),
                "attribute": .string((filter.attribute?.isEmpty ?? true) ? "id" : filter.attribute!),
                "hashVersion": .number(JSONNumber(filter.hashVersion ?? 2)),
                "ranges": .array(filter.ranges.map { .array([number($0.start), number($0.end)]) }),
            ]))
    }

    static func metricJSON(_ metric: MetricDefinition) -> JSONValue {
        var m: [String: JSONValue] = [
            "name": .string(metric.name), "kind": .string(metric.kind.rawValue), "event": .string(metric.event),
            "windowSeconds": .number(JSONNumber(metric.window.seconds)),
            "direction": .string(metric.direction.rawValue),
        ]
        if let filter = metric.filter { m["filter"] = .string(filter) }
        if let value = metric.value { m["value"] = .string(value) }
        return .object(JSONObject(m))
    }
}
