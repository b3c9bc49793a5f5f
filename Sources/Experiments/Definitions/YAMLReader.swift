import EventLog
import JSON
import Yams

/// Walks a composed YAML document for the definition parser, collecting every problem
/// with its line and field path instead of stopping at the first.
///
/// Field paths read like the YAML: `variations[1].weight`, `goals[0].window`.
struct YAMLReader {
    let file: String?
    private(set) var problems: [ExperimentsError] = []

    init(file: String?) { self.file = file }

    /// Records that the value at `path` (found at `node`) is wrong.
    mutating func problem(_ node: Node?, _ path: String, _ message: String) {
        problems.append(
            ExperimentsError(
                .invalidDefinition, message, file: file, line: node?.mark?.line,
                column: node?.mark?.column, field: path.isEmpty ? nil : path))
    }

    /// A mapping's entries by key, in file order. Non-string and duplicate keys are problems.
    struct Mapping {
        let node: Node
        let path: String
        let entries: [(key: String, keyNode: Node, value: Node)]

        func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
        func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
    }

    mutating func mapping(_ node: Node, _ path: String) -> Mapping? {
        guard case .mapping(let mapping) = node else {
            problem(node, path, "must be a mapping of fields; got \(describe(node))")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                problem(keyNode, path, "field names must be plain text")
                continue
            }
            if entries.contains(where: { $0.key == scalar.string }) {
                problem(
                    keyNode, path.isEmpty ? scalar.string : path + "." + scalar.string,
                    "is given twice; keep one")
                continue
            }
            entries.append((scalar.string, keyNode, value))
        }
        return Mapping(node: node, path: path, entries: entries)
    }

    /// Reports fields of `mapping` that are not in `allowed`, suggesting the nearest one.
    mutating func rejectUnknownFields(_ mapping: Mapping, allowed: [String]) {
        for entry in mapping.entries where !allowed.contains(entry.key) {
            let nearest = allowed.min {
                Suggestion.editDistance($0, entry.key) < Suggestion.editDistance($1, entry.key)
            }
            let hint =
                nearest.flatMap { Suggestion.editDistance($0, entry.key) <= 3 ? "; did you mean `\($0)`?" : nil }
                ?? "; known fields are \(allowed.joined(separator: ", "))"
            problem(entry.keyNode, mapping.child(entry.key), "is not a known field" + hint)
        }
    }

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node, Self.tag(node) != .null || scalar.style != .plain else {
            problem(node, path, "must be text; got \(describe(node))")
            return nil
        }
        switch Self.tag(node) {
        case .str, .int, .float: return scalar.string
        default:
            problem(node, path, "must be text; got \(describe(node)) (quote it if it is meant as text)")
            return nil
        }
    }

    mutating func number(_ node: Node, _ path: String) -> Double? {
        guard case .scalar(let scalar) = node, Self.tag(node) == .int || Self.tag(node) == .float,
            let value = node.float
        else {
            if case .scalar(let scalar) = node, scalar.style == .singleQuoted || scalar.style == .doubleQuoted,
                Double(scalar.string) != nil
            {
                problem(
                    node, path, "must be a number; got `\(scalar.string)` in quotes, which is text: remove the quotes")
            } else {
                problem(node, path, "must be a number; got \(describe(node))")
            }
            return nil
        }
        guard value.isFinite else {
            // YAML's `.nan` and `.inf` are floats, but no weight, share or bound.
            let what = value.isNaN ? "not a number" : "infinite"
            problem(node, path, "must be a finite number; got `\(scalar.string)`, which is \(what)")
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node, _ path: String) -> Int? {
        guard case .scalar = node, Self.tag(node) == .int, let value = node.int else {
            problem(node, path, "must be a whole number; got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            problem(node, path, "must be a list; got \(describe(node))")
            return nil
        }
        return Array(items)
    }

    /// A duration up to ``TimeWindow/maximum``.
    mutating func window(_ node: Node, _ path: String) -> TimeWindow? {
        guard let text = string(node, path) else { return nil }
        let tooLong = "must be at most \(TimeWindow.maximum) (ten years); got `\(text)`"
        guard let window = TimeWindow(text) else {
            // Digits and a unit that does not fit in 64 bits of seconds is too long, not malformed.
            let count = text.dropLast()
            let wellFormed =
                !count.isEmpty && count.allSatisfy { $0.isASCII && $0.isNumber } && "smhdw".contains(text.last!)
            problem(node, path, wellFormed ? tooLong : "must be a duration such as 30m, 12h, 7d or 2w; got `\(text)`")
            return nil
        }
        guard window.seconds <= TimeWindow.maximum.seconds else {
            problem(node, path, tooLong)
            return nil
        }
        return window
    }

    /// Any YAML value as JSON: mappings with text keys, lists, and scalars by their resolved tag.
    mutating func json(_ node: Node, _ path: String) -> JSONValue? {
        switch node {
        case .mapping:
            guard let mapping = mapping(node, path) else { return nil }
            var members: [String: JSONValue] = [:]
            for entry in mapping.entries {
                guard let value = json(entry.value, mapping.child(entry.key)) else { return nil }
                members[entry.key] = value
            }
            return .object(JSONObject(members))
        case .sequence(let items):
            var values: [JSONValue] = []
            for (i, item) in items.enumerated() {
                guard let value = json(item, "\(path)[\(i)]") else { return nil }
                values.append(value)
            }
            return .array(values)
        case .scalar(let scalar):
            switch Self.tag(node) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool)
            case .int, .float:
                guard let value = node.float, value.isFinite else {
                    problem(node, path, "must be a finite number")
                    return nil
                }
                return .number(JSONNumber(value))
            default: return .string(scalar.string)
            }
        case .alias:
            problem(node, path, "YAML aliases are not supported; write the value out")
            return nil
        }
    }

    /// The node's resolved tag (`str`, `int`, `float`, `bool`, `null`, ...).
    static func tag(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// A short description of what a node is, for messages.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch Self.tag(node) {
            case .null: return "nothing"
            case .bool: return "`\(scalar.string)` (a boolean)"
            case .int, .float: return "`\(scalar.string)` (a number)"
            default: return "`\(scalar.string)`"
            }
        }
    }
}

/// A number as a person would write it in YAML: `2`, not `2.0`.
func display(_ value: Double) -> String { JavaScriptNumber.string(value) }
