import JSON
import Yams

extension CSVMapping {
    /// The keys a mapping file may have at the top.
    static let topKeys = ["description", "csv", "timezone", "actor", "id", "skip_if_empty", "events"]
    static let csvKeys = ["delimiter", "quote", "header", "columns"]
    static let eventKeys = ["type", "schemaVersion", "when", "stream", "id", "occurredAt", "actor", "metadata", "data"]
    static let fieldKeys = [
        "column", "template", "const", "first_of", "type", "format", "timezone", "values", "otherwise", "trim",
        "skip_if_empty", "default", "when", "decimals", "decimal_separator",
    ]
    static let testKeys = [
        "equals", "not_equals", "in", "not_in", "empty", "not_empty", "greater_than", "at_least", "less_than",
        "at_most",
    ]

    /// Reads a mapping from YAML, naming it `file` in messages.
    ///
    /// - Throws: ``CSVMappingError`` with every problem found, each at its line.
    public init(yaml: String, file: String) throws(CSVMappingError) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw CSVMappingError(
                    file: file, problems: [.init(line: nil, message: "the mapping is empty; start with `events:`")])
            }
            root = node
        } catch let error as CSVMappingError {
            throw error
        } catch let error as YamlError {
            throw CSVMappingError(file: file, problems: [Self.yamlProblem(error, yaml: yaml)])
        } catch {
            throw CSVMappingError(file: file, problems: [.init(line: nil, message: "is not valid YAML: \(error)")])
        }
        var reader = MappingReader()
        let mapping = reader.mapping(root, file: file)
        guard let mapping, reader.problems.isEmpty else { throw CSVMappingError(file: file, problems: reader.problems) }
        self = mapping
    }

    private static func yamlProblem(_ error: YamlError, yaml: String) -> CSVMappingError.Problem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            // libyaml's word for a tab where indentation is expected is "found character
            // that cannot start any token", which does not say what to change.
            let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(mark.line - 1).first
            let tab = line?.prefix { $0 == " " || $0 == "\t" }.contains("\t") == true
            let hint = tab ? "; it is indented with a tab, and YAML indents with spaces" : ""
            return .init(line: mark.line, message: "is not valid YAML: \(problem)\(hint)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .init(
                line: context.mark.line, message: "\(duplicates.joined(separator: ", ")) is given twice; keep one")
        default:
            return .init(line: nil, message: "is not valid YAML: \(error)")
        }
    }
}

/// Walks a composed mapping document, collecting every problem with its line.
private struct MappingReader {
    var problems: [CSVMappingError.Problem] = []
    var defaultZone = ZoneRule.utc
    var defaultSkipIfEmpty = false

    mutating func problem(_ node: Node?, _ message: String) {
        problems.append(.init(line: node?.mark?.line, message: message))
    }

    func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    // MARK: - The document

    mutating func mapping(_ root: Node, file: String) -> CSVMapping? {
        guard let top = entries(root, "the mapping", allowed: CSVMapping.topKeys) else { return nil }
        var mapping = CSVMapping(file: file)
        if let csv = top["csv"] { mapping.dialect = dialect(csv) }
        if let zone = top["timezone"], let text = string(zone, "timezone") {
            if let rule = ZoneRule(text) { defaultZone = rule } else { problem(zone, zoneHint(text)) }
        }
        if let skip = top["skip_if_empty"] { defaultSkipIfEmpty = bool(skip, "skip_if_empty") ?? false }
        let defaultActor = top["actor"].flatMap { template($0, "actor") }
        let defaultID = top["id"].flatMap { template($0, "id") }
        guard let eventsNode = top["events"] else {
            problem(root, "the mapping has no `events:`; list the events each row yields")
            return nil
        }
        guard case .sequence(let list) = eventsNode, !list.isEmpty else {
            problem(eventsNode, "`events` must be a list of events, each with type, stream, id and data")
            return nil
        }
        for node in list {
            if let event = event(node, defaultActor: defaultActor, defaultID: defaultID) {
                mapping.events.append(event)
            }
        }
        return mapping
    }

    mutating func dialect(_ node: Node) -> CSVDialect {
        var dialect = CSVDialect()
        guard let csv = entries(node, "csv", allowed: CSVMapping.csvKeys) else { return dialect }
        if let delimiter = csv["delimiter"], let text = string(delimiter, "csv.delimiter") {
            switch text {
            case "whitespace", "spaces": dialect.delimiter = .whitespace
            case "tab", "\t": dialect.delimiter = .character(0x09)
            default:
                if text == "\"" {
                    problem(delimiter, "`csv.delimiter` cannot be \"\\\"\", the quote character; give another, or set `quote:` to another character")
                } else if text.utf8.count == 1, let byte = text.utf8.first, byte != 0x0A, byte != 0x0D, byte < 0x80 {
                    dialect.delimiter = .character(byte)
                } else {
                    problem(
                        delimiter,
                        "`csv.delimiter` must be one ASCII character such as \",\" or \";\", `tab`, or `whitespace`")
                }
            }
        }
        if let quote = csv["quote"] {
            if case .scalar = quote, YAMLTag.of(quote) == .null {
                dialect.quote = nil
            } else if let text = string(quote, "csv.quote") {
                if text == "none" {
                    dialect.quote = nil
                } else if text.utf8.count == 1, let byte = text.utf8.first {
                    dialect.quote = byte
                } else {
                    problem(quote, "`csv.quote` must be one ASCII character, or none")
                }
            }
        }
        if let quote = dialect.quote, case .character(let byte) = dialect.delimiter, byte == quote, let node = csv["quote"] {
            problem(node, "`csv.quote` is the delimiter too; give them different characters")
        }
        if let header = csv["header"] { dialect.hasHeader = bool(header, "csv.header") ?? true }
        if let columns = csv["columns"] {
            if case .sequence(let names) = columns {
                var seen: Set<String> = []
                for name in names {
                    guard let text = string(name, "csv.columns") else { continue }
                    if !seen.insert(text).inserted { problem(name, "column \"\(text)\" is named twice in `csv.columns`; give each column its own name") }
                    dialect.columns.append(text)
                }
            } else {
                problem(columns, "`csv.columns` must be a list of column names")
            }
            if dialect.hasHeader {
                if let header = csv["header"] {
                    problem(
                        header,
                        "`header: true` and `columns:` both name the columns; remove `columns:` to use the file's header, or set `header: false` to name them here")
                } else {
                    dialect.hasHeader = false
                }
            }
        }
        if !dialect.hasHeader && dialect.columns.isEmpty {
            problem(node, "a file without a header needs `columns:`, the names of its columns in order")
        }
        return dialect
    }

    // MARK: - Events

    mutating func event(_ node: Node, defaultActor: CSVMapping.Template?, defaultID: CSVMapping.Template?) -> CSVMapping
        .Event?
    {
        guard let keys = entries(node, "an event", allowed: CSVMapping.eventKeys) else { return nil }
        let before = problems.count
        var type: EventType?
        if let typeNode = keys["type"], let text = string(typeNode, "type") {
            if let problem = EventType.validationProblem(text) {
                self.problem(typeNode, "type `\(text)`: \(problem)")
            } else {
                type = EventType(text)
            }
        } else if keys["type"] == nil {
            problem(node, "the event has no `type:` (an event type of the catalog, such as OrderPlaced)")
        }
        var stream: CSVMapping.Template?
        if let streamNode = keys["stream"] {
            stream = template(streamNode, "stream")
            if let stream, stream.isConstant, let problem = StreamName.validationProblem(stream.source) {
                self.problem(streamNode, "stream `\(stream.source)`: \(problem)")
            }
        } else {
            problem(node, "the event has no `stream:`, such as \"customer-{CustomerID}\"")
        }
        var idKey = defaultID
        if let idNode = keys["id"] { idKey = template(idNode, "id") }
        if keys["id"] == nil && defaultID == nil {
            problem(
                node,
                "the event has no `id:` key; give one that tells rows apart, such as \"orders-{OrderID}\" or \"shop-{line}\", so re-importing the file appends nothing"
            )
        } else if let idKey, idKey.isConstant {
            problem(
                keys["id"] ?? node,
                "the id key `\(idKey.source)` is the same for every row; put a column or {line} in it")
        }
        var event: CSVMapping.Event?
        if let type, let stream, let idKey {
            event = CSVMapping.Event(type: type, stream: stream, idKey: idKey, line: line(node))
        }
        if let version = keys["schemaVersion"], let value = integer(version, "schemaVersion") {
            if value < 1 { problem(version, "`schemaVersion` counts from 1") }
            event?.schemaVersion = value
        }
        if let when = keys["when"] { event?.condition = condition(when) }
        if let occurred = keys["occurredAt"], var field = field(occurred, path: ["occurredAt"], asTime: true) {
            if field.type == .string { field.type = .datetime }
            event?.occurredAt = field
        }
        event?.actor = defaultActor
        if let actor = keys["actor"] { event?.actor = template(actor, "actor") }
        if let metadata = keys["metadata"], let members = entries(metadata, "metadata", allowed: nil) {
            for (key, value) in members.list {
                if let value = template(value, "metadata.\(key)") { event?.metadata.append((key, value)) }
            }
        }
        if let data = keys["data"], let members = entries(data, "data", allowed: nil) {
            var paths: [[String]] = []
            for (key, value) in members.list {
                let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if path.contains(where: \.isEmpty) {
                    problem(value, "data field `\(key)`: a dotted path needs a name between the dots, like custom.age")
                    continue
                }
                if let clash = paths.first(where: { $0.starts(with: path) || path.starts(with: $0) }) {
                    problem(
                        value, "data field `\(key)` overlaps `\(clash.joined(separator: "."))`; one is inside the other"
                    )
                    continue
                }
                paths.append(path)
                if let field = field(value, path: path, asTime: false) { event?.data.append(field) }
            }
        } else if keys["data"] == nil {
            problem(node, "the event has no `data:`, the payload's fields")
        }
        return problems.count == before ? event : nil
    }

    // MARK: - Fields

    mutating func field(_ node: Node, path: [String], asTime: Bool) -> CSVMapping.Field? {
        let name = path.joined(separator: ".")
        let at = line(node)
        switch node {
        case .scalar:
            switch YAMLTag.of(node) {
            case .str:
                guard let template = template(node, name) else { return nil }
                let source: CSVMapping.Field.Source
                if template.isConstant && !asTime {
                    source = .constant(.string(template.constantText))
                } else {
                    source = .template(template)
                }
                var field = CSVMapping.Field(path: path, source: source, line: at)
                field.skipIfEmpty = defaultSkipIfEmpty
                field.timeZone = defaultZone
                return field
            case .null:
                problem(node, "`\(name)` has no value; give a column, a template or a constant")
                return nil
            default:
                guard let value = json(node, name) else { return nil }
                return CSVMapping.Field(path: path, source: .constant(value), line: at)
            }
        case .sequence, .alias:
            problem(
                node,
                "`\(name)` must be a template (\"{Column}\"), a constant, or a mapping with column, template, const or first_of"
            )
            return nil
        case .mapping:
            guard let keys = entries(node, name, allowed: CSVMapping.fieldKeys) else { return nil }
            let sources = ["column", "template", "const", "first_of"].filter { keys[$0] != nil }
            guard sources.count == 1 else {
                problem(
                    node,
                    sources.isEmpty
                        ? "`\(name)` needs one of column, template, const or first_of"
                        : "`\(name)` has \(sources.joined(separator: " and ")); give only one")
                return nil
            }
            var source: CSVMapping.Field.Source?
            if let column = keys["column"], let text = string(column, "\(name).column") {
                source = .column(CSVMapping.Column(text, line: self.line(column)))
            }
            if let templateNode = keys["template"], let template = template(templateNode, "\(name).template") {
                source = .template(template)
            }
            if let constant = keys["const"], let value = json(constant, "\(name).const") { source = .constant(value) }
            if let choices = keys["first_of"] {
                guard case .sequence(let list) = choices, !list.isEmpty else {
                    problem(choices, "`\(name).first_of` must be a list of fields; the first with a value is taken")
                    return nil
                }
                var options: [CSVMapping.Field] = []
                for item in list {
                    if let option = field(item, path: path, asTime: asTime) { options.append(option) }
                }
                source = .firstOf(options)
            }
            guard let found = source else { return nil }
            var field = CSVMapping.Field(path: path, source: found, line: at)
            field.skipIfEmpty = defaultSkipIfEmpty
            field.timeZone = defaultZone
            if let typeNode = keys["type"], let text = string(typeNode, "\(name).type") {
                if let type = CSVMapping.Field.ValueType(rawValue: text) {
                    field.type = type
                } else {
                    problem(
                        typeNode,
                        "`\(name).type`: unknown type `\(text)`\(suggestion(text, CSVMapping.Field.ValueType.allCases.map(\.rawValue)))"
                    )
                }
            }
            if asTime, field.type != .string, field.type != .datetime, field.type != .date {
                problem(keys["type"], "`occurredAt` is a time; its type is datetime (or date)")
            }
            let isTime = asTime || field.type == .date || field.type == .datetime
            if let format = keys["format"], let text = string(format, "\(name).format") {
                if !isTime {
                    problem(
                        format,
                        "`\(name).format` applies to date and datetime fields; add `type: datetime` or `type: date`")
                }
                do throws(ValueParser.Failure) {
                    field.format = try DateFormat(text)
                } catch {
                    problem(format, "`\(name).format`: \(error.reason)")
                }
            }
            if let zone = keys["timezone"], let text = string(zone, "\(name).timezone") {
                if !isTime { problem(zone, "`\(name).timezone` applies to datetime fields") }
                if let rule = ZoneRule(text) { field.timeZone = rule } else { problem(zone, zoneHint(text)) }
            }
            if let decimals = keys["decimals"], let value = integer(decimals, "\(name).decimals") {
                if field.type != .money {
                    problem(decimals, "`\(name).decimals` applies to money fields; add `type: money`")
                }
                if !(0...18).contains(value) { problem(decimals, "`\(name).decimals` must be between 0 and 18") }
                field.money.decimals = value
            }
            if let separator = keys["decimal_separator"], let text = string(separator, "\(name).decimal_separator") {
                if field.type != .money {
                    problem(separator, "`\(name).decimal_separator` applies to money fields; add `type: money`")
                }
                if text == "." || text == "," {
                    field.money.decimalSeparator = Character(text)
                } else {
                    problem(separator, "`\(name).decimal_separator` is \".\" or \",\"")
                }
            }
            if let values = keys["values"], let table = entries(values, "\(name).values", allowed: nil) {
                var replacements: [String: JSONValue] = [:]
                for (key, value) in table.list {
                    if let json = json(value, "\(name).values.\(key)") { replacements[key] = json }
                }
                field.values = replacements
            }
            if let otherwise = keys["otherwise"] {
                if keys["values"] == nil { problem(otherwise, "`\(name).otherwise` goes with `values:`") }
                field.otherwise = json(otherwise, "\(name).otherwise")
            }
            if let trim = keys["trim"] { field.trim = bool(trim, "\(name).trim") ?? true }
            if let skip = keys["skip_if_empty"] { field.skipIfEmpty = bool(skip, "\(name).skip_if_empty") ?? false }
            if let value = keys["default"] { field.defaultValue = json(value, "\(name).default") }
            if let when = keys["when"] { field.condition = condition(when) }
            if case .constant = found, keys.list.count > 1 {
                let extra = keys.list.map(\.key).filter { $0 != "const" && $0 != "when" }
                if !extra.isEmpty {
                    problem(
                        node, "`\(name)`: a `const` is used as written; \(extra.joined(separator: ", ")) do not apply")
                }
            }
            return field
        }
    }

    // MARK: - Conditions

    mutating func condition(_ node: Node) -> CSVMapping.Condition? {
        guard case .mapping = node else {
            problem(
                node, "a condition is a mapping such as {column: Status, equals: Won}, or all/any/not of conditions")
            return nil
        }
        guard
            let keys = entries(
                node, "when", allowed: ["all", "any", "not", "column", "value", "ignore_case"] + CSVMapping.testKeys)
        else {
            return nil
        }
        for combinator in ["all", "any"] {
            guard let listNode = keys[combinator] else { continue }
            guard keys.list.count == 1 else {
                problem(node, "`\(combinator)` stands alone in its condition; nest the other tests inside it")
                return nil
            }
            guard case .sequence(let list) = listNode, !list.isEmpty else {
                problem(listNode, "`\(combinator)` must be a list of conditions")
                return nil
            }
            var conditions: [CSVMapping.Condition] = []
            for item in list {
                if let parsed = condition(item) { conditions.append(parsed) }
            }
            guard conditions.count == list.count else { return nil }
            return combinator == "all" ? .all(conditions) : .any(conditions)
        }
        if let inner = keys["not"] {
            guard keys.list.count == 1 else {
                problem(node, "`not` stands alone in its condition; nest the other tests inside it")
                return nil
            }
            return condition(inner).map { .not($0) }
        }
        var operand: CSVMapping.Condition.Operand?
        if let column = keys["column"], let text = string(column, "when.column") {
            operand = .column(CSVMapping.Column(text, line: line(column)))
        } else if let value = keys["value"], let template = template(value, "when.value") {
            operand = .template(template)
        } else if keys["column"] == nil && keys["value"] == nil {
            problem(
                node,
                "a test needs `column:` (or `value:`, a template) and one of \(CSVMapping.testKeys.joined(separator: ", "))"
            )
            return nil
        }
        let tests = keys.list.filter { CSVMapping.testKeys.contains($0.key) }
        guard tests.count == 1 else {
            problem(
                node,
                tests.isEmpty
                    ? "the condition tests nothing; add one of \(CSVMapping.testKeys.joined(separator: ", "))"
                    : "the condition has \(tests.map(\.key).joined(separator: " and ")); use `all:` to combine tests")
            return nil
        }
        let (key, value) = tests[0]
        var test: CSVMapping.Condition.Test?
        switch key {
        case "equals", "not_equals":
            if let text = scalarText(value, "when.\(key)") { test = key == "equals" ? .equals(text) : .notEquals(text) }
        case "in", "not_in":
            guard case .sequence(let items) = value else {
                problem(value, "`when.\(key)` must be a list of values")
                return nil
            }
            var texts: [String] = []
            for item in items {
                if let text = scalarText(item, "when.\(key)") { texts.append(text) }
            }
            test = key == "in" ? .oneOf(texts) : .noneOf(texts)
        case "empty", "not_empty":
            if let flag = bool(value, "when.\(key)") { test = .empty(key == "empty" ? flag : !flag) }
        default:
            guard let text = scalarText(value, "when.\(key)"), let number = ValueParser.number(text) else {
                problem(value, "`when.\(key)` must be a number")
                return nil
            }
            switch key {
            case "greater_than": test = .greaterThan(number)
            case "at_least": test = .atLeast(number)
            case "less_than": test = .lessThan(number)
            default: test = .atMost(number)
            }
        }
        var ignoreCase = false
        if let flag = keys["ignore_case"] { ignoreCase = bool(flag, "when.ignore_case") ?? false }
        guard let operand, let test else { return nil }
        return .test(operand, test, ignoreCase: ignoreCase, line: line(node))
    }

    // MARK: - Scalars

    struct Entries {
        var list: [(key: String, value: Node)]
        subscript(key: String) -> Node? { list.first { $0.key == key }?.value }
    }

    /// A mapping's entries; unknown keys (when `allowed` is given) are problems.
    mutating func entries(_ node: Node, _ what: String, allowed: [String]?) -> Entries? {
        guard case .mapping(let mapping) = node else {
            problem(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var list: [(key: String, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                problem(keyNode, "keys of \(what) must be plain text")
                continue
            }
            if scalar.string == "<<", scalar.style == .plain {
                problem(keyNode, "YAML merge keys (`<<: *anchor`) are not supported in a mapping; write the keys out")
                continue
            }
            if list.contains(where: { $0.key == scalar.string }) {
                problem(keyNode, "`\(scalar.string)` is given twice in \(what); keep one")
                continue
            }
            if let allowed, !allowed.contains(scalar.string) {
                problem(
                    keyNode,
                    "`\(scalar.string)` is not a key of \(what)\(suggestion(scalar.string, allowed, listAll: true))")
                continue
            }
            list.append((scalar.string, value))
        }
        return Entries(list: list)
    }

    func suggestion(_ text: String, _ known: [String], listAll: Bool = false) -> String {
        if let near = known.min(by: { Suggestion.editDistance($0, text) < Suggestion.editDistance($1, text) }), Suggestion.editDistance(near, text) <= 3
        {
            return "; did you mean `\(near)`?"
        }
        return "; known: \(known.joined(separator: ", "))"
    }

    func zoneHint(_ text: String) -> String {
        "unknown time zone `\(text)`; use UTC, an offset such as +02:00, or an IANA name such as Europe/Berlin"
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, YAMLTag.of(node) != .null else {
            problem(node, "`\(what)` must be text")
            return nil
        }
        return scalar.string
    }

    /// A scalar's text as written, whatever YAML would make of it (`yes`, `1`, `Won`).
    mutating func scalarText(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, "`\(what)` must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func template(_ node: Node, _ what: String) -> CSVMapping.Template? {
        guard let text = string(node, what) else { return nil }
        do throws(CSVMappingError.Problem) {
            return try CSVMapping.Template(parsing: text, line: line(node))
        } catch {
            problems.append(error)
            return nil
        }
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar = node, YAMLTag.of(node) == .bool, let value = node.bool else {
            problem(node, "`\(what)` must be true or false")
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node, _ what: String) -> Int? {
        guard case .scalar = node, YAMLTag.of(node) == .int, let value = node.int else {
            problem(node, "`\(what)` must be a whole number")
            return nil
        }
        return value
    }

    /// Any YAML value as JSON; numbers keep the digits they were written with.
    mutating func json(_ node: Node, _ what: String) -> JSONValue? {
        switch node {
        case .mapping:
            guard let members = entries(node, what, allowed: nil) else { return nil }
            var object: [String: JSONValue] = [:]
            for (key, value) in members.list {
                guard let converted = json(value, "\(what).\(key)") else { return nil }
                object[key] = converted
            }
            return .object(JSONObject(object))
        case .sequence(let items):
            var values: [JSONValue] = []
            for item in items {
                guard let value = json(item, what) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .scalar(let scalar):
            switch YAMLTag.of(node) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool)
            case .int, .float:
                guard let number = ValueParser.number(scalar.string.replacingOccurrences(of: "_", with: "")) else {
                    problem(
                        node, "`\(what)`: \(scalar.string) is not a number JSON can hold; quote it to keep it as text")
                    return nil
                }
                return .number(number)
            default: return .string(scalar.string)
            }
        case .alias:
            problem(node, "`\(what)`: YAML aliases are not supported; write the value out")
            return nil
        }
    }
}

/// The resolved YAML tag of a node (`str`, `int`, `float`, `bool`, `null`).
private enum YAMLTag {
    static func of(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }
}
