/// One typed signature of a function, for the checker.
struct Overload: Sendable {
    var receiver: Bool
    /// For receiver-style overloads the receiver's type comes first.
    var parameters: [ExprType]
    var result: ExprType
}

/// The signatures of every standard, extension and operator function, as the checker sees
/// them. `A`, `B`, `K`, `V` are type parameters, renamed fresh at every call site.
enum Overloads {
    static let table: [String: [Overload]] = {
        var table: [String: [Overload]] = [:]
        let a = ExprType.parameter("A")
        let b = ExprType.parameter("B")
        let k = ExprType.parameter("K")
        let v = ExprType.parameter("V")
        func global(_ name: String, _ parameters: [ExprType], _ result: ExprType) {
            table[name, default: []].append(Overload(receiver: false, parameters: parameters, result: result))
        }
        func member(_ name: String, _ parameters: [ExprType], _ result: ExprType) {
            table[name, default: []].append(Overload(receiver: true, parameters: parameters, result: result))
        }

        // Logic and equality.
        global("!_", [.bool], .bool)
        global("_&&_", [.bool, .bool], .bool)
        global("_||_", [.bool, .bool], .bool)
        global("_?_:_", [.bool, a, a], a)
        global("_==_", [a, a], .bool)
        global("_!=_", [a, a], .bool)

        // Ordering, including across numeric types.
        let numbers: [ExprType] = [.int, .uint, .double]
        for op in ["_<_", "_<=_", "_>_", "_>=_"] {
            for t in [ExprType.bool, .int, .uint, .double, .string, .bytes, .timestamp, .duration] {
                global(op, [t, t], .bool)
            }
            for x in numbers { for y in numbers where x != y { global(op, [x, y], .bool) } }
        }

        // Arithmetic.
        global("-_", [.int], .int)
        global("-_", [.double], .double)
        for t in numbers {
            global("_+_", [t, t], t)
            global("_-_", [t, t], t)
            global("_*_", [t, t], t)
            global("_/_", [t, t], t)
        }
        global("_%_", [.int, .int], .int)
        global("_%_", [.uint, .uint], .uint)
        global("_+_", [.string, .string], .string)
        global("_+_", [.bytes, .bytes], .bytes)
        global("_+_", [.list(a), .list(a)], .list(a))
        global("_+_", [.timestamp, .duration], .timestamp)
        global("_+_", [.duration, .timestamp], .timestamp)
        global("_+_", [.duration, .duration], .duration)
        global("_-_", [.timestamp, .timestamp], .duration)
        global("_-_", [.timestamp, .duration], .timestamp)
        global("_-_", [.duration, .duration], .duration)

        // Indexing and membership.
        global("_[_]", [.list(a), .int], a)
        global("_[_]", [.map(k, v), k], v)
        global("_[_]", [.optional(.list(a)), .int], .optional(a))
        global("_[_]", [.optional(.map(k, v)), k], .optional(v))
        global("_[?_]", [.list(a), .int], .optional(a))
        global("_[?_]", [.map(k, v), k], .optional(v))
        global("_[?_]", [.optional(.list(a)), .int], .optional(a))
        global("_[?_]", [.optional(.map(k, v)), k], .optional(v))
        global("@in", [a, .list(a)], .bool)
        global("@in", [a, .map(a, b)], .bool)

        // Size and strings.
        for t in [ExprType.string, .bytes, .list(a), .map(k, v)] {
            global("size", [t], .int)
            member("size", [t], .int)
        }
        member("contains", [.string, .string], .bool)
        member("startsWith", [.string, .string], .bool)
        member("endsWith", [.string, .string], .bool)
        global("matches", [.string, .string], .bool)
        member("matches", [.string, .string], .bool)

        // Conversions.
        for t in [ExprType.int, .uint, .double, .string, .timestamp, .duration] { global("int", [t], .int) }
        for t in [ExprType.uint, .int, .double, .string] { global("uint", [t], .uint) }
        for t in [ExprType.double, .int, .uint, .string] { global("double", [t], .double) }
        for t in [ExprType.string, .int, .uint, .double, .bool, .bytes, .timestamp, .duration] {
            global("string", [t], .string)
        }
        global("string", [.type(a)], .string)
        global("bytes", [.bytes], .bytes)
        global("bytes", [.string], .bytes)
        global("bool", [.bool], .bool)
        global("bool", [.string], .bool)
        for t in [ExprType.timestamp, .string, .int] { global("timestamp", [t], .timestamp) }
        for t in [ExprType.duration, .string, .int] { global("duration", [t], .duration) }
        global("dyn", [a], .dyn)
        global("type", [a], .type(a))

        // Timestamps and durations.
        for field in TimeFunctions.Field.allCases {
            member(field.rawValue, [.timestamp], .int)
            member(field.rawValue, [.timestamp, .string], .int)
        }
        for field in [TimeFunctions.Field.hours, .minutes, .seconds, .milliseconds] {
            member(field.rawValue, [.duration], .int)
        }

        // Strings extension.
        member("charAt", [.string, .int], .string)
        member("indexOf", [.string, .string], .int)
        member("indexOf", [.string, .string, .int], .int)
        member("lastIndexOf", [.string, .string], .int)
        member("lastIndexOf", [.string, .string, .int], .int)
        for name in ["lowerAscii", "upperAscii", "trim", "reverse"] { member(name, [.string], .string) }
        member("replace", [.string, .string, .string], .string)
        member("replace", [.string, .string, .string, .int], .string)
        member("split", [.string, .string], .list(.string))
        member("split", [.string, .string, .int], .list(.string))
        member("substring", [.string, .int], .string)
        member("substring", [.string, .int, .int], .string)
        member("join", [.list(.string)], .string)
        member("join", [.list(.string), .string], .string)
        member("format", [.string, .list(.dyn)], .string)
        global("strings.quote", [.string], .string)

        // Optionals.
        global("optional.of", [a], .optional(a))
        global("optional.ofNonZeroValue", [a], .optional(a))
        global("optional.none", [], .optional(a))
        global("optional.unwrap", [.list(.optional(a))], .list(a))
        member("unwrapOpt", [.list(.optional(a))], .list(a))
        member("hasValue", [.optional(a)], .bool)
        member("value", [.optional(a)], a)
        member("or", [.optional(a), .optional(a)], .optional(a))
        member("orValue", [.optional(a), a], a)
        return table
    }()
}
