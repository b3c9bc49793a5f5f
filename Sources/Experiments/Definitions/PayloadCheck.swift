import JSON
import Schemas
import Yams

/// Checks that a definition fits the `ExperimentConfigured` event publishing it appends,
/// by validating that very payload (``ExperimentConfiguration/payload(definition:phase:phaseChanges:checksum:configuredBy:)``)
/// against the event catalog's schema. Lint and publish then cannot disagree: whatever
/// limit the schema sets (at most 20 variations, a targeting expression of 2,000
/// characters, ...), lint reports it first, at the YAML field it comes from.
///
/// Cost: one payload built and validated per definition, the collecting pass only when
/// it is invalid.
struct PayloadCheck {
    let catalog: EventCatalog

    /// A step from a YAML node to one inside it.
    enum Step {
        case key(String)
        case index(Int)
    }

    /// Adds a problem to `r` for each way `definition`'s payload breaks the schema, at its
    /// field and the line of the nearest node `root` has for it. A field that already has
    /// a problem is not reported again: the parser's own message says more.
    func check(_ definition: ExperimentDefinition, root: Node, _ r: inout YAMLReader) {
        let type = ExperimentEvents.configured.rawValue
        let payload = ExperimentConfiguration.payload(
            definition: definition, phase: 1, checksum: definition.checksum)
        let violations: [SchemaViolation]
        do throws(SchemaError) {
            try catalog.validate(type: type, version: try catalog.latestVersion(of: type), data: .object(payload))
            return
        } catch {
            violations = error.violations
        }
        let reported = Set(r.problems.compactMap(\.field))
        var seen: Set<String> = []
        for violation in violations {
            // The catalog locates payload fields under `/data`, their place in an event.
            let tokens = Array(violation.instanceLocation.tokens.drop(while: { $0 == "data" }).prefix(3))
            let (field, steps) = Self.place(of: tokens, in: definition)
            let path = field ?? ""
            guard !reported.contains(path), seen.insert(path).inserted else { continue }
            var advice = ""
            switch violation.keyword {
            case "maxLength": advice = "; shorten it"
            case "maxItems": advice = "; remove some"
            default: break
            }
            r.problem(
                Self.node(at: steps, in: root), path,
                "does not fit the \(type) event that publish appends (\(violation.message))\(advice)")
        }
    }

    /// The definition field a payload field (its pointer's tokens) comes from, and the
    /// steps to its YAML node; `nil` for a payload field no file sets.
    static func place(of tokens: [String], in definition: ExperimentDefinition) -> (String?, [Step]) {
        guard let first = tokens.first else { return (nil, []) }
        let index = tokens.count > 1 ? Int(tokens[1]) : nil
        let direct = [
            "experimentKey": "key", "name": "name", "status": "status", "hashAttribute": "hash_attribute",
            "hashVersion": "hash_version", "seed": "seed", "coverage": "coverage", "condition": "targeting",
            "bandit": "bandit",
        ]
        if let field = direct[first] { return (field, [.key(field)]) }
        switch first {
        case "variations":
            guard let i = index else { return ("variations", [.key("variations")]) }
            let member = tokens.count > 2 ? (tokens[2] == "key" ? "id" : tokens[2]) : nil
            let path = "variations[\(i)]" + (member.map { "." + $0 } ?? "")
            return (path, [.key("variations"), .index(i)] + (member.map { [.key($0)] } ?? []))
        case "namespace":
            guard let i = index, i < 3 else { return ("namespace", [.key("namespace")]) }
            let member = ["id", "start", "end"][i]
            return ("namespace." + member, [.key("namespace"), .key(member)])
        case "goals":
            // The payload lists each goal event type once; name the first goal counting it.
            var types: [String] = []
            for goal in definition.goals where !types.contains(goal.event) { types.append(goal.event) }
            guard let i = index, i < types.count,
                let goal = definition.goals.firstIndex(where: { $0.event == types[i] })
            else { return ("goals", [.key("goals")]) }
            return ("goals[\(goal)].event", [.key("goals"), .index(goal), .key("event")])
        default:
            return (nil, [])
        }
    }

    /// The node `steps` lead to in `root`, or the deepest one on the way (a defaulted field
    /// has no node of its own).
    static func node(at steps: [Step], in root: Node) -> Node {
        var node = root
        for step in steps {
            let next: Node?
            switch step {
            case .key(let key): next = node.mapping?[key]
            case .index(let i): next = node.sequence.flatMap { i >= 0 && i < $0.count ? $0[i] : nil }
            }
            guard let next else { return node }
            node = next
        }
        return node
    }
}
