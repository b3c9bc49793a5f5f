/// A static type, as the checker reasons about expressions and as environments declare
/// variables.
///
/// Richer than runtime types: lists and maps carry element types, objects carry their field
/// types. `dyn` accepts and is accepted by every type, which is how data of unknown shape (an
/// event payload) is declared.
///
///     let deal = ExprType.object("Deal", fields: ["stage": .string, "amount": .double, "owner": .string])
///     let scores = ExprType.map(.string, .double)
public indirect enum ExprType: Sendable, Hashable, CustomStringConvertible {
    case dyn
    case null
    case bool
    case int
    case uint
    case double
    case string
    case bytes
    case timestamp
    case duration
    case list(ExprType)
    case map(ExprType, ExprType)
    case optional(ExprType)
    /// The type of a type value: `type(int)` is the type of the expression `int`.
    case type(ExprType)
    case object(ObjectType)
    /// A type variable of a generic overload (`A` in `list(A).size()`), bound by unification.
    case parameter(String)
    /// The type of an expression already reported as wrong; suppresses follow-on reports.
    case error

    /// An object type with named fields, e.g. `.object("Customer", fields: ["name": .string])`.
    public static func object(_ name: String, fields: [String: ExprType], open: Bool = false) -> ExprType {
        .object(ObjectType(name, fields: fields, open: open))
    }

    public var description: String {
        switch self {
        case .dyn: return "dyn"
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "google.protobuf.Timestamp"
        case .duration: return "google.protobuf.Duration"
        case .list(let element): return "list(\(element))"
        case .map(let key, let value): return "map(\(key), \(value))"
        case .optional(let inner): return "optional_type(\(inner))"
        case .type(let inner): return "type(\(inner))"
        case .object(let object): return object.name
        case .parameter(let name): return name
        case .error: return "*error*"
        }
    }

    /// Parses a type written as in CEL declarations: `int`, `list(string)`,
    /// `map(string, double)`, `optional_type(int)`, `timestamp`, `duration`, `dyn`. Object
    /// types cannot be written this way; declare them with `.object(_:fields:)`.
    public init?(parsing text: String) {
        var parser = TypeNameParser(text)
        guard let type = parser.parse(), parser.atEnd else { return nil }
        self = type
    }

    /// Whether the type mentions `dyn` or an unbound parameter, i.e. leaves a decision to run time.
    var isDynamicOrParameter: Bool {
        switch self {
        case .dyn, .parameter, .error: return true
        default: return false
        }
    }
}

/// A named record type with typed fields, such as the customer view rules read.
public struct ObjectType: Sendable, Hashable {
    public let name: String
    public let fields: [String: ExprType]
    /// Whether fields beyond the declared ones may exist (they then have type `dyn`); a closed
    /// object reports unknown fields as errors, which is what catches typos in rules.
    public let isOpen: Bool

    public init(_ name: String, fields: [String: ExprType], open: Bool = false) {
        self.name = name
        self.fields = fields
        self.isOpen = open
    }

    public static func == (a: ObjectType, b: ObjectType) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Reads the textual type syntax of `ExprType.init(parsing:)`.
private struct TypeNameParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var atEnd: Bool {
        mutating get {
            skipSpaces()
            return index == scalars.count
        }
    }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " { index += 1 }
    }

    private mutating func name() -> String {
        skipSpaces()
        var out = ""
        while index < scalars.count,
            scalars[index].properties.isAlphabetic || scalars[index] == "_"
                || scalars[index] == "." || ("0"..."9").contains(scalars[index])
        {
            out.unicodeScalars.append(scalars[index])
            index += 1
        }
        return out
    }

    private mutating func accept(_ c: Unicode.Scalar) -> Bool {
        skipSpaces()
        guard index < scalars.count, scalars[index] == c else { return false }
        index += 1
        return true
    }

    mutating func parse() -> ExprType? {
        switch name() {
        case "dyn", "any": return .dyn
        case "null", "null_type": return .null
        case "bool": return .bool
        case "int": return .int
        case "uint": return .uint
        case "double": return .double
        case "string": return .string
        case "bytes": return .bytes
        case "timestamp", "google.protobuf.Timestamp": return .timestamp
        case "duration", "google.protobuf.Duration": return .duration
        case "list":
            guard accept("(") else { return .list(.dyn) }
            guard let element = parse(), accept(")") else { return nil }
            return .list(element)
        case "map":
            guard accept("(") else { return .map(.dyn, .dyn) }
            guard let key = parse(), accept(","), let value = parse(), accept(")") else { return nil }
            return .map(key, value)
        case "optional", "optional_type":
            guard accept("("), let inner = parse(), accept(")") else { return nil }
            return .optional(inner)
        case "type":
            guard accept("(") else { return .type(.dyn) }
            guard let inner = parse(), accept(")") else { return nil }
            return .type(inner)
        default: return nil
        }
    }
}
