import EventLog
import JSON

extension Upcaster {
    /// Reads an upcaster file:
    ///
    /// ```json
    /// {"type": "DealStageChanged", "from": 1, "to": 2, "description": "...",
    ///  "operations": [
    ///    {"op": "rename", "from": "/from", "to": "/fromStage"},
    ///    {"op": "default", "path": "/pipeline", "value": "default"},
    ///    {"op": "map", "from": "/reasonCode", "to": "/reason", "values": {"PRC": "price"}, "otherwise": "other"},
    ///    {"op": "split", "from": "/changedBy", "separator": ":", "into": ["/changedBy/type", "/changedBy/id"]},
    ///    {"op": "join", "from": ["/firstName", "/lastName"], "separator": " ", "to": "/name"},
    ///    {"op": "drop", "path": "/legacy"}]}
    /// ```
    ///
    /// - Throws: ``SchemaError`` (`invalidUpcaster`) naming the file and the JSON
    ///   pointer of the first problem.
    public init(parsing document: JSONValue, file: String) throws(SchemaError) {
        func fail(_ pointer: String, _ problem: String) -> SchemaError {
            SchemaError(.invalidUpcaster, "\(file): \(pointer.isEmpty ? "" : pointer + ": ")\(problem)")
        }
        guard case .object(let object) = document else { throw fail("", "an upcaster must be a JSON object") }
        guard case .string(let type)? = object["type"], !type.isEmpty else { throw fail("/type", "expected the event type name") }
        guard let from = object["from"]?.numberValue?.int64Value, from >= 1 else { throw fail("/from", "expected the version it reads, an integer from 1") }
        guard let to = object["to"]?.numberValue?.int64Value, to > from else { throw fail("/to", "expected the version it produces, greater than \"from\"") }
        guard case .array(let list)? = object["operations"] else { throw fail("/operations", "expected an array of operations") }
        var operations: [UpcastOperation] = []
        for (i, item) in list.enumerated() {
            let at = "/operations/\(i)"
            func pointer(_ key: String) throws(SchemaError) -> JSONPointer {
                guard case .string(let text)? = item[key], let p = JSONPointer(parsing: text), !p.tokens.isEmpty else {
                    throw fail("\(at)/\(key)", "expected a JSON pointer such as \"/field\"")
                }
                return p
            }
            func pointers(_ key: String) throws(SchemaError) -> [JSONPointer] {
                guard case .array(let texts)? = item[key], !texts.isEmpty else { throw fail("\(at)/\(key)", "expected an array of JSON pointers") }
                var result: [JSONPointer] = []
                for text in texts {
                    guard let t = text.stringValue, let p = JSONPointer(parsing: t), !p.tokens.isEmpty else {
                        throw fail("\(at)/\(key)", "expected an array of JSON pointers such as \"/field\"")
                    }
                    result.append(p)
                }
                return result
            }
            switch item["op"]?.stringValue {
            case "rename":
                operations.append(.rename(from: try pointer("from"), to: try pointer("to")))
            case "default":
                guard let value = item["value"] else { throw fail("\(at)/value", "expected the default value") }
                operations.append(.setDefault(path: try pointer("path"), value: value))
            case "map":
                guard case .object(let values)? = item["values"] else { throw fail("\(at)/values", "expected an object from old to new values") }
                let source = try pointer("from")
                let target = item["to"] == nil ? source : try pointer("to")
                var table: [String: JSONValue] = [:]
                for member in values { table[member.key] = member.value }
                operations.append(.map(from: source, to: target, values: table, otherwise: item["otherwise"]))
            case "split":
                let into = try pointers("into")
                let separator = item["separator"]?.stringValue
                let pattern = item["pattern"]?.stringValue
                guard (separator == nil) != (pattern == nil), separator?.isEmpty != true else {
                    throw fail(at, "a split needs either a non-empty \"separator\" or a \"pattern\" with one capture group per target")
                }
                if let pattern, let regex = try? ECMARegex(pattern), regex.captureCount != into.count {
                    throw fail("\(at)/pattern", "has \(regex.captureCount) capture groups but \"into\" names \(into.count) fields")
                }
                operations.append(.split(from: try pointer("from"), into: into, separator: separator, pattern: pattern))
            case "join":
                guard case .string(let separator)? = item["separator"] else { throw fail("\(at)/separator", "expected the separator string") }
                operations.append(.join(from: try pointers("from"), to: try pointer("to"), separator: separator))
            case "drop":
                operations.append(.drop(path: try pointer("path")))
            case let other:
                let hint = other.flatMap { Suggestion.closest(to: $0, in: ["rename", "default", "map", "split", "join", "drop"]) }
                throw fail("\(at)/op", "unknown operation \(other.map { "\"\($0)\"" } ?? "(missing)")\(hint.map { "; did you mean \"\($0)\"?" } ?? ""); use rename, default, map, split, join or drop")
            }
        }
        try self.init(
            type: type, fromVersion: Int(from), toVersion: Int(to), description: object["description"]?.stringValue ?? "",
            operations: operations, file: file)
    }
}
