/// An experiment as a marketer writes it: one YAML file in `rules/experiments/`.
///
/// ```yaml
/// key: followup-subject
/// name: Follow-up subject line
/// status: running
/// variations:
///   - { id: control, name: "Quick follow-up", weight: 0.34 }
///   - { id: question, name: "Did you see this?", weight: 0.33 }
///   - { id: deadline, name: "Offer ends Friday", weight: 0.33 }
/// targeting: "customer.segment == 'smb'"
/// goals:
///   - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
/// ```
///
/// Defaults: `name` = key, `status` draft, `coverage` 1, `hash_attribute` `id` (the
/// customer id), `seed` = key, `hash_version` 2, equal weights, bucket versions 0.
/// ``ExperimentDefinition/parse(yaml:file:eventCatalog:)`` reads and lints a file;
/// ``canonicalJSON`` is the stable form that is published and hashed;
/// ``experiment(phase:weights:)`` is the runtime form allocation runs.
public struct ExperimentDefinition: Sendable, Hashable {
    public var key: String
    public var name: String
    public var description: String?
    public var status: ExperimentStatus
    public var variations: [VariationDefinition]
    /// The share of eligible customers enrolled, in `[0, 1]`.
    public var coverage: Double
    public var hashAttribute: String
    /// Hashed when ``hashAttribute`` is empty (needs sticky bucketing).
    public var fallbackAttribute: String?
    public var seed: String
    public var hashVersion: HashVersion
    /// Mutual exclusion with other experiments in the same namespace (legacy form).
    public var namespace: Namespace?
    /// Mutual exclusion and holdouts by hash ranges (GrowthBook's newer form).
    public var filters: [HashFilter]
    /// Who is eligible: an expression over the customer view, compiled by the caller.
    public var targeting: String?
    /// Raising it re-buckets everyone; sticky assignments of older versions are dropped.
    public var bucketVersion: Int
    /// Customers with a sticky assignment below this version are excluded altogether.
    public var minBucketVersion: Int
    public var bandit: BanditSettings?
    public var goals: [MetricDefinition]
    public var guardrails: [MetricDefinition]

    public init(
        key: String, name: String? = nil, description: String? = nil, status: ExperimentStatus = .draft,
        variations: [VariationDefinition], coverage: Double = 1, hashAttribute: String = "id",
        fallbackAttribute: String? = nil, seed: String? = nil, hashVersion: HashVersion = .v2,
        namespace: Namespace? = nil, filters: [HashFilter] = [], targeting: String? = nil, bucketVersion: Int = 0,
        minBucketVersion: Int = 0, bandit: BanditSettings? = nil, goals: [MetricDefinition] = [],
        guardrails: [MetricDefinition] = []
    ) {
        self.key = key
        self.name = name ?? key
        self.description = description
        self.status = status
        self.variations = variations
        self.coverage = coverage
        self.hashAttribute = hashAttribute
        self.fallbackAttribute = fallbackAttribute
        self.seed = seed ?? key
        self.hashVersion = hashVersion
        self.namespace = namespace
        self.filters = filters
        self.targeting = targeting
        self.bucketVersion = bucketVersion
        self.minBucketVersion = minBucketVersion
        self.bandit = bandit
        self.goals = goals
        self.guardrails = guardrails
    }

    /// The variation weights, in order.
    public var weights: [Double] { variations.map(\.weight) }

    /// Every metric, goals first.
    public var metrics: [MetricDefinition] { goals + guardrails }
}
