import EventLog
import Yams

extension DefinitionParser {
    static let variationFields = ["id", "name", "weight", "value"]
    static let metricFields = ["name", "kind", "event", "window", "filter", "value", "direction"]
    static let banditFields = ["goal", "schedule", "minimum_share", "burn_in", "burn_in_units"]

    /// `variations`: at least two, unique ids, weights in [0, 1] given for all or none and
    /// summing to 1; none means equal weights.
    func parseVariations(_ top: YAMLReader.Mapping, _ r: inout YAMLReader) -> [VariationDefinition] {
        guard let node = top.value("variations") else {
            r.problem(top.node, "variations", "is required: list at least two variations, each with an `id`")
            return []
        }
        guard let items = r.sequence(node, "variations") else { return [] }
        if items.count < 2 { r.problem(node, "variations", "needs at least two variations; got \(items.count)") }
        var result: [VariationDefinition] = []
        var weights: [Double?] = []
        var ids: Set<String> = []
        for (i, item) in items.enumerated() {
            let path = "variations[\(i)]"
            guard let m = r.mapping(item, path) else { continue }
            r.rejectUnknownFields(m, allowed: Self.variationFields)
            var id = "variation-\(i)"
            if let idNode = m.value("id"), let text = r.string(idNode, path + ".id") {
                id = text
                if !Self.isIdentifier(text) {
                    r.problem(
                        idNode, path + ".id", "must be lower-case letters, digits, `-`, `_` or `.`; got `\(text)`")
                } else if !ids.insert(text).inserted {
                    r.problem(
                        idNode, path + ".id", "`\(text)` is already the id of another variation; ids must be unique")
                }
            } else if m.value("id") == nil {
                r.problem(item, path + ".id", "is required: a stable id such as `control`")
            }
            let name = m.value("name").flatMap { r.string($0, path + ".name") }
            var weight: Double?
            if let weightNode = m.value("weight") {
                // A weight that is there but wrong (quoted, say) is still given: NaN keeps it
                // out of the sum without a second, wrong complaint that it is missing.
                weight = .nan
                if let value = r.number(weightNode, path + ".weight") {
                    if value < 0 || value > 1 {
                        r.problem(weightNode, path + ".weight", "must be between 0 and 1; got \(display(value))")
                    }
                    weight = value
                }
            }
            weights.append(weight)
            let value = m.value("value").flatMap { r.json($0, path + ".value") }
            result.append(
                VariationDefinition(id: id, name: name, weight: weight.map { $0.isNaN ? 0 : $0 } ?? 0, value: value))
        }
        let given = weights.compactMap { $0 }
        if given.isEmpty {
            let equal = BucketRange.equalWeights(count: result.count)
            for i in result.indices { result[i].weight = equal[i] }
        } else if given.count != weights.count {
            r.problem(node, "variations", "give a weight for every variation or for none (none means equal weights)")
        } else if !given.contains(where: \.isNaN) {
            let total = given.reduce(0, +)
            if abs(total - 1) > 1e-6 {
                r.problem(node, "variations", "weights must sum to 1; they sum to \(display(total))")
            }
        }
        return result
    }

    func parseNamespace(_ node: Node, _ r: inout YAMLReader) -> Namespace? {
        guard let m = r.mapping(node, "namespace") else { return nil }
        r.rejectUnknownFields(m, allowed: ["id", "start", "end"])
        guard let idNode = m.value("id"), let id = r.string(idNode, "namespace.id"), !id.isEmpty else {
            r.problem(node, "namespace.id", "is required: the namespace shared by mutually exclusive experiments")
            return nil
        }
        let start = m.value("start").flatMap { r.number($0, "namespace.start") } ?? 0
        let end = m.value("end").flatMap { r.number($0, "namespace.end") } ?? 1
        if !(0 <= start && start < end && end <= 1) {
            r.problem(
                node, "namespace", "needs 0 <= start < end <= 1; got start \(display(start)), end \(display(end))")
        }
        return Namespace(id: id, start: start, end: end)
    }

    func parseFilters(_ node: Node, _ r: inout YAMLReader) -> [HashFilter] {
        guard let items = r.sequence(node, "filters") else { return [] }
        var result: [HashFilter] = []
        for (i, item) in items.enumerated() {
            let path = "filters[\(i)]"
            guard let m = r.mapping(item, path) else { continue }
            r.rejectUnknownFields(m, allowed: ["seed", "attribute", "hash_version", "ranges"])
            let seed = m.value("seed").flatMap { r.string($0, path + ".seed") } ?? ""
            if seed.isEmpty { r.problem(item, path + ".seed", "is required and must not be empty") }
            let attribute = m.value("attribute").flatMap { r.string($0, path + ".attribute") }
            var version = 2
            if let versionNode = m.value("hash_version"), let value = r.integer(versionNode, path + ".hash_version") {
                if HashVersion(rawValue: value) == nil {
                    r.problem(versionNode, path + ".hash_version", "must be 1 or 2; got \(value)")
                }
                version = value
            }
            var ranges: [BucketRange] = []
            if let rangesNode = m.value("ranges"), let list = r.sequence(rangesNode, path + ".ranges") {
                for (j, rangeNode) in list.enumerated() {
                    let rangePath = "\(path).ranges[\(j)]"
                    guard let pair = r.sequence(rangeNode, rangePath) else { continue }
                    guard pair.count == 2, let s = r.number(pair[0], rangePath + "[0]"),
                        let e = r.number(pair[1], rangePath + "[1]")
                    else {
                        if pair.count != 2 { r.problem(rangeNode, rangePath, "must be a pair [start, end]") }
                        continue
                    }
                    if !(0 <= s && s < e && e <= 1) {
                        r.problem(
                            rangeNode, rangePath, "needs 0 <= start < end <= 1; got [\(display(s)), \(display(e))]")
                    }
                    ranges.append(BucketRange(start: s, end: e))
                }
            }
            if ranges.isEmpty { r.problem(item, path + ".ranges", "needs at least one [start, end] range") }
            result.append(HashFilter(seed: seed, ranges: ranges, attribute: attribute, hashVersion: version))
        }
        return result
    }

    func parseMetrics(_ top: YAMLReader.Mapping, _ list: String, _ r: inout YAMLReader) -> [MetricDefinition] {
        guard let node = top.value(list), let items = r.sequence(node, list) else { return [] }
        var result: [MetricDefinition] = []
        for (i, item) in items.enumerated() {
            let path = "\(list)[\(i)]"
            guard let m = r.mapping(item, path) else { continue }
            r.rejectUnknownFields(m, allowed: Self.metricFields)
            var event = ""
            if let eventNode = m.value("event"), let text = r.string(eventNode, path + ".event") {
                event = text
                let valid =
                    text.first.map { $0.isUppercase && $0.isASCII } == true
                    && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                if !valid {
                    r.problem(eventNode, path + ".event", "must be an event type such as `EmailReplied`; got `\(text)`")
                } else if let eventTypes, !eventTypes.contains(text) {
                    let hint = eventTypes.sorted().map { ($0, Suggestion.editDistance($0, text)) }.min { $0.1 < $1.1 }
                    let close = hint.flatMap { $0.1 <= max(1, min(3, text.count / 3)) ? $0.0 : nil }
                    r.problem(
                        eventNode, path + ".event",
                        "`\(text)` is not an event type of the catalog, so the metric would never count anything; "
                            + (close.map { "did you mean `\($0)`? " } ?? "")
                            + "`ledgerline schemas list` lists them")
                }
            } else if m.value("event") == nil {
                r.problem(item, path + ".event", "is required: the event type counted, e.g. `EmailReplied`")
            }
            var kind = MetricDefinition.Kind.conversion
            if let kindNode = m.value("kind"), let text = r.string(kindNode, path + ".kind") {
                if let known = MetricDefinition.Kind(rawValue: text) {
                    kind = known
                } else {
                    r.problem(kindNode, path + ".kind", "must be conversion or revenue; got `\(text)`")
                }
            }
            var window = TimeWindow(seconds: 7 * 86_400)
            if let windowNode = m.value("window"), let value = r.window(windowNode, path + ".window") {
                if value.seconds == 0 { r.problem(windowNode, path + ".window", "must be longer than zero") }
                window = value
            } else if m.value("window") == nil {
                r.problem(item, path + ".window", "is required: how long after exposure the event counts, e.g. `7d`")
            }
            var filter: String?
            if let filterNode = m.value("filter"), let text = r.string(filterNode, path + ".filter") {
                if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    r.problem(filterNode, path + ".filter", "must be an expression; leave it out to count every event")
                } else if let problem = EventFilter.problem(in: text) {
                    r.problem(filterNode, path + ".filter", "is not a valid expression over `event`: \(problem)")
                }
                filter = text
            }
            let value = m.value("value").flatMap { r.string($0, path + ".value") }
            if let value, !MetricValuePath.isValid(value) {
                r.problem(
                    m.value("value"), path + ".value",
                    "must be a path into the event's payload such as `data.amount`; got `\(value)`")
            }
            if kind == .revenue && value == nil {
                r.problem(
                    item, path + ".value", "is required for revenue: the amount's path in the event, e.g. `data.total`")
            }
            if kind == .conversion, value != nil {
                r.problem(
                    m.value("value"), path + ".value",
                    "only revenue metrics have a value; remove it or use kind: revenue")
            }
            var direction: MetricDefinition.Direction = list == "guardrails" ? .decrease : .increase
            if let directionNode = m.value("direction"), let text = r.string(directionNode, path + ".direction") {
                if let known = MetricDefinition.Direction(rawValue: text) {
                    direction = known
                } else {
                    r.problem(directionNode, path + ".direction", "must be increase or decrease; got `\(text)`")
                }
            }
            var name = event.lowercased()
            if let nameNode = m.value("name"), let text = r.string(nameNode, path + ".name") {
                if !Self.isIdentifier(text) {
                    r.problem(
                        nameNode, path + ".name", "must be lower-case letters, digits, `-`, `_` or `.`; got `\(text)`")
                }
                name = text
            }
            result.append(
                MetricDefinition(
                    name: name, kind: kind, event: event, window: window, filter: filter,
                    value: value, direction: direction))
        }
        return result
    }

    func parseBandit(
        _ node: Node, goals: [MetricDefinition], variations: [VariationDefinition],
        _ r: inout YAMLReader
    ) -> BanditSettings? {
        guard let m = r.mapping(node, "bandit") else { return nil }
        r.rejectUnknownFields(m, allowed: Self.banditFields)
        var goal = goals.first(where: { $0.kind == .conversion })?.name ?? ""
        if let goalNode = m.value("goal"), let text = r.string(goalNode, "bandit.goal") {
            goal = text
            if let metric = goals.first(where: { $0.name == text }) {
                if metric.kind != .conversion {
                    r.problem(
                        goalNode, "bandit.goal", "must be a conversion goal (Thompson sampling uses Beta–Bernoulli)")
                }
            } else {
                r.problem(
                    goalNode, "bandit.goal", "names no goal; use one of: \(goals.map(\.name).joined(separator: ", "))")
            }
        } else if goal.isEmpty {
            r.problem(node, "bandit.goal", "needs a conversion goal to optimise; add one to goals")
        }
        var schedule = TimeWindow(seconds: 86_400)
        if let scheduleNode = m.value("schedule"), let value = r.window(scheduleNode, "bandit.schedule") {
            if value.seconds == 0 { r.problem(scheduleNode, "bandit.schedule", "must be longer than zero") }
            schedule = value
        }
        var minimumShare = 0.05
        if let shareNode = m.value("minimum_share"), let value = r.number(shareNode, "bandit.minimum_share") {
            let ceiling = variations.isEmpty ? 1 : 1 / Double(variations.count)
            if value < 0 || value > ceiling {
                r.problem(
                    shareNode, "bandit.minimum_share",
                    "must be between 0 and 1/\(variations.count) (\(display(ceiling))); got \(display(value))")
            }
            minimumShare = value
        }
        var burnIn = TimeWindow(seconds: 0)
        if let burnInNode = m.value("burn_in"), let value = r.window(burnInNode, "bandit.burn_in") { burnIn = value }
        var burnInUnits = 0
        if let unitsNode = m.value("burn_in_units"), let value = r.integer(unitsNode, "bandit.burn_in_units") {
            if value < 0 { r.problem(unitsNode, "bandit.burn_in_units", "must be 0 or more; got \(value)") }
            burnInUnits = value
        }
        return BanditSettings(
            goal: goal, schedule: schedule, minimumShare: minimumShare, burnIn: burnIn,
            burnInUnits: burnInUnits)
    }

}
