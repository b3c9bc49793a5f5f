import Yams

/// Walks a composed `pipelines.yaml`, building the configuration and collecting every
/// problem with its line instead of stopping at the first.
struct ConfigurationReader {
    let file: String?
    private(set) var problems: [ProjectionError] = []

    init(file: String?) { self.file = file }

    mutating func configuration(_ root: Node) -> PipelineConfiguration {
        guard let top = mapping(root, "", allowed: ["pipelines"]) else { return .empty }
        guard let list = top["pipelines"] else {
            problem(root, "pipelines", "is missing; list the pipelines under `pipelines:`")
            return .empty
        }
        guard case .sequence(let items) = list.value else {
            problem(list.value, "pipelines", "must be a list of pipelines (`- id: default`)")
            return .empty
        }
        var pipelines: [Pipeline] = []
        for (i, item) in items.enumerated() {
            guard let pipeline = pipeline(item, "pipelines[\(i)]") else { continue }
            if pipelines.contains(where: { Stage.normalize($0.id) == Stage.normalize(pipeline.id) }) {
                problem(item, "pipelines[\(i)].id", "pipeline `\(pipeline.id)` is configured twice; keep one")
                continue
            }
            pipelines.append(pipeline)
        }
        if items.isEmpty { problem(list.value, "pipelines", "is empty; configure at least one pipeline") }
        return PipelineConfiguration(pipelines: pipelines, file: file)
    }

    private mutating func pipeline(_ node: Node, _ path: String) -> Pipeline? {
        guard let fields = mapping(node, path, allowed: ["id", "name", "stages"]) else { return nil }
        guard let id = requiredText(fields, "id", node, path), matchable(id, fields["id"]!.value, path + ".id") else {
            return nil
        }
        let name = fields["name"].flatMap { text($0.value, path + ".name") }
        guard let list = fields["stages"] else {
            problem(node, path + ".stages", "is missing; list the stages of `\(id)` in order")
            return nil
        }
        guard case .sequence(let items) = list.value, !items.isEmpty else {
            problem(list.value, path + ".stages", "must be a non-empty list of stages (`- id: qualified`)")
            return nil
        }
        var stages: [Stage] = []
        // The first stage that closes deals as won: the funnel runs through the stages in
        // order up to it, so an open stage after it would count every won deal as past it.
        var won: (id: String, line: Int?)?
        for (i, item) in items.enumerated() {
            let stagePath = "\(path).stages[\(i)]"
            guard let stage = stage(item, stagePath) else { continue }
            if let clash = stages.first(where: { !$0.keys.isDisjoint(with: stage.keys) }) {
                problem(
                    item, stagePath,
                    "stage `\(stage.id)` has the same name as stage `\(clash.id)` (case, spaces and punctuation are ignored); rename one"
                )
                continue
            }
            if stage.outcome == .open, let won {
                problem(
                    item, stagePath,
                    "open stage `\(stage.id)` comes after won stage `\(won.id)`\(won.line.map { " (line \($0))" } ?? ""); list the stages in the order deals move through them, the won and lost ones last"
                )
                continue
            }
            if stage.outcome == .won, won == nil { won = (stage.id, item.mark?.line) }
            stages.append(stage)
        }
        return Pipeline(id: id, name: name, stages: stages)
    }

    private mutating func stage(_ node: Node, _ path: String) -> Stage? {
        guard let fields = mapping(node, path, allowed: ["id", "name", "probability", "outcome", "aliases"]) else {
            return nil
        }
        guard let id = requiredText(fields, "id", node, path), matchable(id, fields["id"]!.value, path + ".id") else {
            return nil
        }
        let name = fields["name"].flatMap { text($0.value, path + ".name") }
        if let name, let entry = fields["name"], !matchable(name, entry.value, path + ".name") { return nil }
        var outcome = Stage.Outcome.open
        if let entry = fields["outcome"], let value = text(entry.value, path + ".outcome") {
            guard let parsed = Stage.Outcome(rawValue: value) else {
                problem(entry.value, path + ".outcome", "must be open, won or lost; got `\(value)`")
                return nil
            }
            outcome = parsed
        }
        var probability: Money?
        if let entry = fields["probability"] {
            if case .scalar(let scalar) = entry.value, let decimals = Self.decimals(scalar.string),
                decimals > Money.maximumScale
            {
                problem(
                    entry.value, path + ".probability",
                    "has \(decimals) decimals, and at most \(Money.maximumScale) are kept exactly; round it to \(Money.maximumScale) or fewer")
                return nil
            }
            guard case .scalar(let scalar) = entry.value, let value = Money(scalar.string), !value.isNegative,
                value <= Money(units: 1, scale: 0)
            else {
                problem(
                    entry.value, path + ".probability",
                    "must be a decimal number from 0 to 1 such as 0.35; got \(describe(entry.value))")
                return nil
            }
            // A closing stage's chance is settled: a won deal counts whole, a lost one not at all.
            if outcome == .won, value != Money(units: 1, scale: 0) {
                problem(
                    entry.value, path + ".probability",
                    "is \(value) for won stage `\(id)`, whose deals are won: its probability is 1; leave out `probability`")
                return nil
            }
            if outcome == .lost, !value.isZero {
                problem(
                    entry.value, path + ".probability",
                    "is \(value) for lost stage `\(id)`, whose deals are lost: its probability is 0; leave out `probability`")
                return nil
            }
            probability = value
        } else {
            switch outcome {
            case .won: probability = Money(units: 1, scale: 0)
            case .lost: probability = .zero
            case .open:
                problem(
                    node, path + ".probability",
                    "is missing for open stage `\(id)`; give the chance a deal in it is won, from 0 to 1")
                return nil
            }
        }
        var aliases: [String] = []
        if let entry = fields["aliases"] {
            guard case .sequence(let items) = entry.value else {
                problem(entry.value, path + ".aliases", "must be a list of other names for the stage")
                return nil
            }
            for (i, item) in items.enumerated() {
                let aliasPath = "\(path).aliases[\(i)]"
                if let alias = text(item, aliasPath), matchable(alias, item, aliasPath) { aliases.append(alias) }
            }
        }
        return Stage(id: id, name: name, probability: probability, outcome: outcome, aliases: aliases)
    }

    // MARK: - Nodes

    typealias Fields = [String: (key: Node, value: Node)]

    private mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            problem(
                node, path.isEmpty ? "the file" : path,
                "must be a mapping of fields (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var fields: Fields = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let child = path.isEmpty ? name : "\(path).\(name)"
            if !allowed.contains(name) {
                problem(key, child, "is not a known field; known fields are \(allowed.joined(separator: ", "))")
            } else if fields[name] != nil {
                problem(key, child, "is given twice; keep one")
            } else {
                fields[name] = (key, value)
            }
        }
        return fields
    }

    private mutating func requiredText(_ fields: Fields, _ name: String, _ node: Node, _ path: String) -> String? {
        guard let entry = fields[name] else {
            problem(node, "\(path).\(name)", "is missing")
            return nil
        }
        guard let value = text(entry.value, "\(path).\(name)") else { return nil }
        guard !value.isEmpty else {
            problem(entry.value, "\(path).\(name)", "may not be empty")
            return nil
        }
        return value
    }

    /// Whether `name` (an id, name or alias) can match a name in the log: names match
    /// ignoring case, spaces and punctuation (``Stage/normalize(_:)``), so one without a
    /// letter or digit (`---`) would be the empty name. Reports it when not.
    private mutating func matchable(_ name: String, _ node: Node, _ path: String) -> Bool {
        guard Stage.normalize(name).isEmpty else { return true }
        problem(
            node, path,
            "`\(name)` has no letter or digit, and names match ignoring case, spaces and punctuation, so it would match no name; give it a letter or digit"
        )
        return false
    }

    /// The number of decimals of `text` when it is written as a plain decimal number
    /// (`0.35`, `-1`); `nil` otherwise.
    static func decimals(_ text: String) -> Int? {
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard parts.allSatisfy(digits) else { return nil }
        return parts.count == 2 ? parts[1].count : 0
    }

    private mutating func text(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, path, "must be text; got \(describe(node))")
            return nil
        }
        return scalar.string
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return "`\(scalar.string)`"
        }
    }

    private mutating func problem(_ node: Node, _ path: String, _ message: String) {
        problems.append(ProjectionError(.invalidConfiguration, message, file: file, line: node.mark?.line, field: path))
    }
}
