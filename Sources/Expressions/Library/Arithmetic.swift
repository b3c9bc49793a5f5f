/// CEL's arithmetic operators.
///
/// Operands must have the same numeric type (`1 + 1u` has no overload); `int` and `uint`
/// overflow is an error, never a wrap; `double` follows IEEE 754 (division by zero gives an
/// infinity). `+` also concatenates strings, bytes and lists and adds durations to timestamps
/// and durations; `-` subtracts timestamps and durations. Timestamp and duration results
/// outside their ranges are errors.
enum Arithmetic {
    static func add(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw .overflow("integer addition") }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw .overflow("unsigned integer addition") }
            return .uint(r)
        case (.double(let x), .double(let y)): return .double(x + y)
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.bytes(let x), .bytes(let y)): return .bytes(x + y)
        case (.list(let x), .list(let y)): return .list(x + y)
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return .timestamp(try shifted(t, by: d.totalNanoseconds))
        case (.duration(let x), .duration(let y)):
            return .duration(try duration(x.totalNanoseconds + y.totalNanoseconds))
        default: throw .noOverload("_+_", a, b)
        }
    }

    static func subtract(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw .overflow("integer subtraction") }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw .overflow("unsigned integer subtraction") }
            return .uint(r)
        case (.double(let x), .double(let y)): return .double(x - y)
        case (.timestamp(let t), .duration(let d)):
            return .timestamp(try shifted(t, by: -d.totalNanoseconds))
        case (.timestamp(let x), .timestamp(let y)):
            let nanos = (Int128(x.seconds) - Int128(y.seconds)) * 1_000_000_000 + Int128(x.nanos) - Int128(y.nanos)
            return .duration(try duration(nanos))
        case (.duration(let x), .duration(let y)):
            return .duration(try duration(x.totalNanoseconds - y.totalNanoseconds))
        default: throw .noOverload("_-_", a, b)
        }
    }

    static func multiply(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw .overflow("integer multiplication") }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw .overflow("unsigned integer multiplication") }
            return .uint(r)
        case (.double(let x), .double(let y)): return .double(x * y)
        default: throw .noOverload("_*_", a, b)
        }
    }

    static func divide(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw .divisionByZero }
            let (r, o) = x.dividedReportingOverflow(by: y)
            if o { throw .overflow("integer division") }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { throw .divisionByZero }
            return .uint(x / y)
        case (.double(let x), .double(let y)): return .double(x / y)
        default: throw .noOverload("_/_", a, b)
        }
    }

    /// The remainder with the sign of the dividend (truncated division), as in C and Go.
    static func modulo(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw .modulusByZero }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            if o { throw .overflow("integer modulus") }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { throw .modulusByZero }
            return .uint(x % y)
        default: throw .noOverload("_%_", a, b)
        }
    }

    static func negate(_ a: Value) throws(EvalError) -> Value {
        switch a {
        case .int(let x):
            if x == .min { throw .overflow("integer negation") }
            return .int(-x)
        case .double(let x): return .double(-x)
        default: throw .noOverload("-_", a)
        }
    }

    static func shifted(_ t: Value.Timestamp, by nanos: Int128) throws(EvalError) -> Value.Timestamp {
        let total = Int128(t.seconds) * 1_000_000_000 + Int128(t.nanos) + nanos
        let (seconds, rest) = total.quotientAndRemainder(dividingBy: 1_000_000_000)
        guard seconds.magnitude < UInt128(Int64.max),
            let result = Value.Timestamp(seconds: Int64(seconds), nanos: Int64(rest))
        else { throw EvalError(.overflow, "timestamp arithmetic leaves the range 0001-01-01 to 9999-12-31") }
        return result
    }

    static func duration(_ nanos: Int128) throws(EvalError) -> Value.Duration {
        guard let result = Value.Duration(totalNanoseconds: nanos) else {
            throw EvalError(.overflow, "duration arithmetic leaves the range of about ±292 years (int64 nanoseconds)")
        }
        return result
    }
}
