import Foundation
import Yams

/// Turns a composed definition file into an ``ExperimentDefinition``, checking every rule
/// and reporting each violation with its line and field.
struct DefinitionParser {
    let file: String?
    /// The event types metrics may count (the event catalog's); `nil` skips that check.
    var eventTypes: Set<String>? = nil

    /// The longest key: the `ExperimentConfigured` schema's (``PayloadCheck`` checks the rest).
    static let maximumKeyLength = 100

    /// Keys, ids, names: lower-case letters, digits, `-`, `_` and `.`, starting alphanumeric.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isLowercase || ("0"..."9").contains(first) else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    func parse(_ root: Node, _ r: inout YAMLReader) -> ExperimentDefinition? {
        guard let top = r.mapping(root, "") else { return nil }
        r.rejectUnknownFields(top, allowed: ExperimentDefinition.fields)

        var key = ""
        if let node = top.value("key"), let text = r.string(node, "key") {
            key = text
            if !Self.isIdentifier(text) {
                r.problem(node, "key", "must be lower-case letters, digits, `-`, `_` or `.`; got `\(text)`")
            } else if text.count > Self.maximumKeyLength {
                r.problem(
                    node, "key",
                    "must be at most \(Self.maximumKeyLength) characters (events record it); got \(text.count)")
            } else if let file, URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent != text {
                r.problem(node, "key", "must match the file name (`\(text).yaml`); rename one of them")
            }
        } else if top.value("key") == nil {
            r.problem(root, "key", "is required: the experiment's stable identifier, e.g. `key: followup-subject`")
        }

        let name = top.value("name").flatMap { r.string($0, "name") }
        if let name, name.isEmpty {
            r.problem(top.value("name"), "name", "must not be empty; leave it out to use the key")
        }
        let description = top.value("description").flatMap { r.string($0, "description") }
        var status = ExperimentStatus.draft
        if let node = top.value("status"), let text = r.string(node, "status") {
            if let known = ExperimentStatus(rawValue: text) {
                status = known
            } else {
                r.problem(node, "status", "must be one of draft, running, stopped; got `\(text)`")
            }
        }

        let variations = parseVariations(top, &r)

        var coverage = 1.0
        if let node = top.value("coverage"), let value = r.number(node, "coverage") {
            if value < 0 || value > 1 { r.problem(node, "coverage", "must be between 0 and 1; got \(display(value))") }
            coverage = value
        }
        var hashAttribute = "id"
        if let node = top.value("hash_attribute"), let text = r.string(node, "hash_attribute") {
            if text.isEmpty { r.problem(node, "hash_attribute", "must not be empty; leave it out to hash `id`") }
            hashAttribute = text
        }
        let fallbackAttribute = top.value("fallback_attribute").flatMap { r.string($0, "fallback_attribute") }
        if let fallbackAttribute, fallbackAttribute == hashAttribute || fallbackAttribute.isEmpty {
            r.problem(
                top.value("fallback_attribute"), "fallback_attribute",
                "must name a different, non-empty attribute than hash_attribute")
        }
        var seed: String?
        if let node = top.value("seed"), let text = r.string(node, "seed") {
            if text.isEmpty { r.problem(node, "seed", "must not be empty; leave it out to use the key") }
            seed = text
        }
        var hashVersion = HashVersion.v2
        if let node = top.value("hash_version"), let value = r.integer(node, "hash_version") {
            if let known = HashVersion(rawValue: value) {
                hashVersion = known
            } else {
                r.problem(node, "hash_version", "must be 1 or 2; got \(value)")
            }
        }

        let namespace = top.value("namespace").flatMap { parseNamespace($0, &r) }
        let filters = top.value("filters").map { parseFilters($0, &r) } ?? []
        if namespace != nil && !filters.isEmpty {
            r.problem(top.value("filters"), "filters", "give either namespace or filters, not both")
        }

        var targeting: String?
        if let node = top.value("targeting"), let text = r.string(node, "targeting") {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                r.problem(node, "targeting", "must be an expression; leave it out to target everyone")
            } else if let problem = ExperimentTargeting.problem(in: text) {
                r.problem(node, "targeting", "is not a valid expression over `customer`: \(problem)")
            }
            targeting = text
        }

        var bucketVersion = 0
        if let node = top.value("bucket_version"), let value = r.integer(node, "bucket_version") {
            if value < 0 { r.problem(node, "bucket_version", "must be 0 or more; got \(value)") }
            bucketVersion = value
        }
        var minBucketVersion = 0
        if let node = top.value("min_bucket_version"), let value = r.integer(node, "min_bucket_version") {
            if value < 0 || value > bucketVersion {
                r.problem(
                    node, "min_bucket_version",
                    "must be between 0 and bucket_version (\(bucketVersion)); got \(value)")
            }
            minBucketVersion = value
        }

        let goals = parseMetrics(top, "goals", &r)
        let guardrails = parseMetrics(top, "guardrails", &r)
        if top.value("goals") == nil {
            r.problem(
                root, "goals",
                "at least one goal metric is required, e.g. "
                    + "`goals: [{ name: replied, kind: conversion, event: EmailReplied, window: 7d }]`")
        }
        var seenMetrics: Set<String> = []
        for (i, metric) in (goals + guardrails).enumerated() {
            let list = i < goals.count ? "goals" : "guardrails"
            if !seenMetrics.insert(metric.name).inserted {
                r.problem(
                    top.value(list), list, "metric name `\(metric.name)` is used twice; metric names must be unique")
            }
        }

        let bandit = top.value("bandit").flatMap { parseBandit($0, goals: goals, variations: variations, &r) }
        if bandit != nil, let variationsNode = top.value("variations"), case .sequence(let items) = variationsNode,
            items.contains(where: { $0.mapping?["weight"] != nil })
        {
            r.problem(
                variationsNode, "variations", "a bandit starts from equal weights and sets its own; remove the weights")
        }

        return ExperimentDefinition(
            key: key, name: name, description: description, status: status, variations: variations,
            coverage: coverage, hashAttribute: hashAttribute, fallbackAttribute: fallbackAttribute, seed: seed,
            hashVersion: hashVersion, namespace: namespace, filters: filters, targeting: targeting,
            bucketVersion: bucketVersion, minBucketVersion: minBucketVersion, bandit: bandit, goals: goals,
            guardrails: guardrails)
    }
}
