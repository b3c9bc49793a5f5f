/// A function implementation, chosen at compile time by name, call style and argument count.
/// The receiver of a receiver-style call is passed as the first argument. Overloads on
/// argument *types* are resolved inside the implementation by switching on the values, which
/// is how CEL's dynamic dispatch behaves.
enum FunctionImplementation: Sendable {
    case nullary(@Sendable () throws(EvalError) -> Value)
    case unary(@Sendable (Value) throws(EvalError) -> Value)
    case binary(@Sendable (Value, Value) throws(EvalError) -> Value)
    case ternary(@Sendable (Value, Value, Value) throws(EvalError) -> Value)
    case quaternary(@Sendable (Value, Value, Value, Value) throws(EvalError) -> Value)
}

/// How a call is written: `f(x)` is global with one argument, `x.f()` receiver-style with none.
struct FunctionKey: Hashable, Sendable {
    var name: String
    var receiver: Bool
    var arity: Int
}

/// Every function the evaluator knows, other than operators (which have dedicated nodes).
enum FunctionTable {
    static let implementations: [FunctionKey: FunctionImplementation] = {
        var table: [FunctionKey: FunctionImplementation] = [:]
        func global(_ name: String, _ implementation: FunctionImplementation) {
            table[FunctionKey(name: name, receiver: false, arity: implementation.arity)] = implementation
        }
        func receiver(_ name: String, _ implementation: FunctionImplementation) {
            table[FunctionKey(name: name, receiver: true, arity: implementation.arity - 1)] = implementation
        }

        // Standard functions.
        global("size", .unary(StringFunctions.size))
        receiver("size", .unary(StringFunctions.size))
        receiver("contains", .binary(StringFunctions.contains))
        receiver("startsWith", .binary(StringFunctions.startsWith))
        receiver("endsWith", .binary(StringFunctions.endsWith))
        global("matches", .binary(StringFunctions.matches))
        receiver("matches", .binary(StringFunctions.matches))

        // Conversions.
        global("int", .unary(Conversions.toInt))
        global("uint", .unary(Conversions.toUint))
        global("double", .unary(Conversions.toDouble))
        global("string", .unary(Conversions.toString))
        global("bytes", .unary(Conversions.toBytes))
        global("bool", .unary(Conversions.toBool))
        global("timestamp", .unary(Conversions.toTimestamp))
        global("duration", .unary(Conversions.toDuration))
        global("dyn", .unary { $0 })
        global("type", .unary { .type($0.type) })

        // Timestamps and durations.
        for field in TimeFunctions.Field.allCases {
            receiver(field.rawValue, .unary { v throws(EvalError) in try TimeFunctions.get(field, v) })
            receiver(
                field.rawValue, .binary { v, zone throws(EvalError) in try TimeFunctions.get(field, v, zone: zone) })
        }

        // Strings extension.
        receiver("charAt", .binary(StringsExtension.charAt))
        receiver("indexOf", .binary(StringsExtension.indexOf))
        receiver("indexOf", .ternary(StringsExtension.indexOf))
        receiver("lastIndexOf", .binary(StringsExtension.lastIndexOf))
        receiver("lastIndexOf", .ternary(StringsExtension.lastIndexOf))
        receiver("lowerAscii", .unary(StringsExtension.lowerAscii))
        receiver("upperAscii", .unary(StringsExtension.upperAscii))
        receiver("replace", .ternary(StringsExtension.replace))
        receiver("replace", .quaternary(StringsExtension.replace))
        receiver("split", .binary(StringsExtension.split))
        receiver("split", .ternary(StringsExtension.split))
        receiver("substring", .binary(StringsExtension.substring))
        receiver("substring", .ternary(StringsExtension.substring))
        receiver("trim", .unary(StringsExtension.trim))
        receiver("reverse", .unary(StringsExtension.reverse))
        receiver("join", .unary(StringsExtension.join))
        receiver("join", .binary(StringsExtension.join))
        receiver("format", .binary(StringFormat.format))
        global("strings.quote", .unary(StringsExtension.quote))

        // Optionals.
        global("optional.of", .unary(OptionalFunctions.of))
        global("optional.ofNonZeroValue", .unary(OptionalFunctions.ofNonZeroValue))
        global("optional.none", .nullary { .optional(nil) })
        global("optional.unwrap", .unary(OptionalFunctions.unwrap))
        receiver("unwrapOpt", .unary(OptionalFunctions.unwrap))
        receiver("hasValue", .unary(OptionalFunctions.hasValue))
        receiver("value", .unary(OptionalFunctions.value))
        receiver("or", .binary(OptionalFunctions.or))
        receiver("orValue", .binary(OptionalFunctions.orValue))
        return table
    }()

    /// Names with at least one implementation, to tell "wrong arguments" from "no such function".
    static let names: Set<String> = Set(implementations.keys.map(\.name))

    /// Global functions whose names contain a dot (`strings.quote`, `optional.of`): a call
    /// `strings.quote(x)` parses as a receiver call on `strings` and is rewritten to these.
    static let qualifiedGlobals: Set<String> = Set(
        implementations.keys.filter { !$0.receiver && $0.name.contains(".") }.map(\.name))
}

extension FunctionImplementation {
    var arity: Int {
        switch self {
        case .nullary: return 0
        case .unary: return 1
        case .binary: return 2
        case .ternary: return 3
        case .quaternary: return 4
        }
    }
}
