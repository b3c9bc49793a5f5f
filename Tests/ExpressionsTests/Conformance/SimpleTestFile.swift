@testable import Expressions

/// The `cel.expr.conformance.test.SimpleTestFile` message (see
/// `conformance/cel/proto/cel/expr/conformance/test/simple.proto`), decoded from text format.
struct SimpleTestFile {
    var name: String
    var sections: [Section]

    struct Section {
        var name: String
        var tests: [SimpleTest]
    }

    init(_ message: TextProtoMessage) {
        name = message.string("name") ?? ""
        sections = message.messages("section").map { section in
            Section(name: section.string("name") ?? "", tests: section.messages("test").map(SimpleTest.init))
        }
    }
}

struct SimpleTest {
    enum Expectation {
        /// No matcher: the result must be `true`.
        case defaultTrue
        case value(TextProtoMessage)
        case typedResult(value: TextProtoMessage?, type: TextProtoMessage?)
        case evalError
        case unknown
    }

    var name: String
    var expr: String
    var disableMacros: Bool
    var disableCheck: Bool
    var checkOnly: Bool
    var container: String
    /// `type_env` declarations: name and either an ident type or a function declaration.
    var declarations: [(name: String, ident: TextProtoMessage?, isFunction: Bool)]
    var bindings: [(name: String, value: TextProtoMessage)]
    var expectation: Expectation

    init(_ m: TextProtoMessage) {
        name = m.string("name") ?? ""
        expr = m.string("expr") ?? ""
        disableMacros = m.bool("disable_macros")
        disableCheck = m.bool("disable_check")
        checkOnly = m.bool("check_only")
        container = m.string("container") ?? ""
        declarations = m.messages("type_env").map { decl in
            (decl.string("name") ?? "", decl.message("ident")?.message("type"), decl.message("function") != nil)
        }
        bindings = m.messages("bindings").map { entry in
            (entry.string("key") ?? "", entry.message("value")?.message("value") ?? TextProtoMessage())
        }
        if let value = m.message("value") {
            expectation = .value(value)
        } else if let typed = m.message("typed_result") {
            expectation = .typedResult(value: typed.message("result"), type: typed.message("deduced_type"))
        } else if m.message("eval_error") != nil || m.message("any_eval_errors") != nil {
            expectation = .evalError
        } else if m.message("unknown") != nil || m.message("any_unknowns") != nil {
            expectation = .unknown
        } else {
            expectation = .defaultTrue
        }
    }
}

/// A reason a conformance case cannot run here (it needs protocol buffer messages, which the
/// brief leaves out).
struct Unsupported: Error {
    var reason: String
}

/// Conversions from the `cel.expr.Value` and `cel.expr.Type` messages.
enum ConformanceValues {
    static func value(_ m: TextProtoMessage) throws(Unsupported) -> Value {
        guard let (name, field) = m.fields.first else { throw Unsupported(reason: "empty value message") }
        switch (name, field) {
        case ("null_value", _): return .null
        case ("bool_value", .token(let t)): return .bool(t == "true" || t == "1")
        case ("int64_value", .token(let t)):
            guard let i = Int64(t) else { throw Unsupported(reason: "bad int64 \(t)") }
            return .int(i)
        case ("uint64_value", .token(let t)):
            guard let u = UInt64(t) else { throw Unsupported(reason: "bad uint64 \(t)") }
            return .uint(u)
        case ("double_value", .token(let t)): return .double(double(t))
        case ("string_value", .string(let bytes)): return .string(String(decoding: bytes, as: UTF8.self))
        case ("bytes_value", .string(let bytes)): return .bytes(bytes)
        case ("type_value", .string(let bytes)): return .type(TypeValue(String(decoding: bytes, as: UTF8.self)))
        case ("list_value", .message(let list)):
            var values: [Value] = []
            for element in list.messages("values") { values.append(try value(element)) }
            return .list(values)
        case ("map_value", .message(let map)):
            var result = MapValue()
            for entry in map.messages("entries") {
                let key = try value(entry.message("key") ?? TextProtoMessage())
                guard let mapKey = MapKey(key) else { throw Unsupported(reason: "map key of type \(key.typeName)") }
                result.insert(mapKey, try value(entry.message("value") ?? TextProtoMessage()))
            }
            return .map(result)
        case ("object_value", .message(let any)):
            return try object(any)
        case ("enum_value", _):
            throw Unsupported(reason: "needs protocol buffer enum values")
        default:
            throw Unsupported(reason: "value field '\(name)' is not supported")
        }
    }

    static func double(_ token: String) -> Double {
        switch token.lowercased() {
        case "inf", "infinity", "+inf": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(token) ?? .nan
        }
    }

    /// A `google.protobuf.Any`: only Duration and Timestamp have CEL values without messages.
    private static func object(_ any: TextProtoMessage) throws(Unsupported) -> Value {
        guard let (typeURL, field) = any.fields.first, case .message(let body) = field else {
            throw Unsupported(reason: "needs protocol buffer message values")
        }
        let seconds = Int64(body.token("seconds") ?? "0") ?? 0
        let nanos = Int64(body.token("nanos") ?? "0") ?? 0
        if typeURL.hasSuffix("google.protobuf.Duration]"), let d = Value.Duration(seconds: seconds, nanos: nanos) {
            return .duration(d)
        }
        if typeURL.hasSuffix("google.protobuf.Timestamp]"), let t = Value.Timestamp(seconds: seconds, nanos: nanos) {
            return .timestamp(t)
        }
        throw Unsupported(reason: "needs protocol buffer message \(typeURL)")
    }

    static func type(_ m: TextProtoMessage) throws(Unsupported) -> ExprType {
        guard let (name, field) = m.fields.first else { return .dyn }
        switch (name, field) {
        case ("dyn", _): return .dyn
        case ("null", _): return .null
        case ("primitive", .token(let t)):
            switch t {
            case "BOOL": return .bool
            case "INT64": return .int
            case "UINT64": return .uint
            case "DOUBLE": return .double
            case "STRING": return .string
            case "BYTES": return .bytes
            default: throw Unsupported(reason: "primitive type \(t)")
            }
        case ("well_known", .token(let t)):
            switch t {
            case "TIMESTAMP": return .timestamp
            case "DURATION": return .duration
            default: return .dyn
            }
        case ("list_type", .message(let list)):
            return .list(try type(list.message("elem_type") ?? TextProtoMessage()))
        case ("map_type", .message(let map)):
            return .map(
                try type(map.message("key_type") ?? TextProtoMessage()),
                try type(map.message("value_type") ?? TextProtoMessage()))
        case ("type", .message(let inner)):
            return .type(try type(inner))
        case ("type_param", .string(let bytes)):
            return .parameter(String(decoding: bytes, as: UTF8.self))
        case ("message_type", .string(let bytes)):
            let typeName = String(decoding: bytes, as: UTF8.self)
            switch typeName {
            case "google.protobuf.Timestamp": return .timestamp
            case "google.protobuf.Duration": return .duration
            default: throw Unsupported(reason: "declares protocol buffer message type \(typeName)")
            }
        case ("abstract_type", .message(let abstract)):
            if abstract.string("name") == "optional_type" {
                return .optional(try type(abstract.message("parameter_types") ?? TextProtoMessage()))
            }
            throw Unsupported(reason: "abstract type \(abstract.string("name") ?? "?")")
        case ("wrapper", _):
            throw Unsupported(reason: "declares a protocol buffer wrapper type")
        default:
            throw Unsupported(reason: "type field '\(name)' is not supported")
        }
    }
}
