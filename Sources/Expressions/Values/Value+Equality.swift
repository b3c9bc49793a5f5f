extension Value {
    /// CEL's `==`: values of different types are unequal (never an error), except that `int`,
    /// `uint` and `double` compare by numeric value; NaN equals nothing; lists compare element
    /// by element, maps by key set and values; a lazy object equals a map or object with the
    /// same fields. Cost: linear in the sizes of the operands.
    public static func celEquals(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int, .uint), (.uint, .int), (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return numericOrder(a, b) == .equal
        case (.string(let x), .string(let y)): return StringBytes.equal(x, y)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for index in x.indices where !celEquals(x[index], y[index]) { return false }
            return true
        case (.map(let x), .map(let y)): return mapsEqual(x, y)
        case (.object(let x), .object(let y)):
            return x.isSameInstance(as: y) || mapsEqual(x.materialize(), y.materialize())
        case (.object(let x), .map(let y)), (.map(let y), .object(let x)): return mapsEqual(x.materialize(), y)
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.type(let x), .type(let y)): return x == y
        case (.optional(let x), .optional(let y)):
            switch (x, y) {
            case (nil, nil): return true
            case (let x?, let y?): return celEquals(x, y)
            default: return false
            }
        default: return false
        }
    }

    private static func mapsEqual(_ x: MapValue, _ y: MapValue) -> Bool {
        guard x.count == y.count else { return false }
        for key in x.keys {
            guard let other = y[key], celEquals(x[key]!, other) else { return false }
        }
        return true
    }

    /// The order of two numbers of any numeric types. `int` against `double` converts the int to
    /// double first, as cel-go does, so values past 2^53 compare by their double rounding.
    static func numericOrder(_ a: Value, _ b: Value) -> Order? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return Order(x, y)
        case (.uint(let x), .uint(let y)): return Order(x, y)
        case (.double(let x), .double(let y)): return Order(x, y)
        case (.int(let x), .uint(let y)): return x < 0 ? .less : Order(UInt64(x), y)
        case (.uint(let x), .int(let y)): return y < 0 ? .greater : Order(x, UInt64(y))
        case (.int(let x), .double(let y)): return Order(Double(x), y)
        case (.double(let x), .int(let y)): return Order(x, Double(y))
        case (.uint(let x), .double(let y)): return Order(Double(x), y)
        case (.double(let x), .uint(let y)): return Order(x, Double(y))
        default: return nil
        }
    }

    /// The result of comparing two ordered values; `unordered` when either is NaN.
    enum Order {
        case less, equal, greater, unordered

        init<T: Comparable>(_ a: T, _ b: T) {
            self = a < b ? .less : (a == b ? .equal : (b < a ? .greater : .unordered))
        }
    }

    /// The order of two values for `<`, `<=`, `>`, `>=`; nil when CEL defines no ordering for
    /// the pair (lists, maps, null, mixed non-numeric types).
    static func order(_ a: Value, _ b: Value) -> Order? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return Order(x, y)
        case (.double(let x), .double(let y)): return Order(x, y)
        case (.string(let x), .string(let y)):
            let c = StringBytes.compare(x, y)
            return c < 0 ? .less : (c == 0 ? .equal : .greater)
        case (.bool(let x), .bool(let y)): return x == y ? .equal : (x ? .greater : .less)
        case (.bytes(let x), .bytes(let y)):
            return x.lexicographicallyPrecedes(y) ? .less : (x == y ? .equal : .greater)
        case (.timestamp(let x), .timestamp(let y)): return Order(x, y)
        case (.duration(let x), .duration(let y)): return Order(x, y)
        default: return numericOrder(a, b)
        }
    }
}

extension Value: Equatable {
    /// Structural equality: same case and same payload, NaN equal to NaN, maps equal regardless
    /// of entry order. Use `Value.celEquals` for CEL's `==`.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): return StringBytes.equal(x, y)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 }
        case (.map(let x), .map(let y)):
            return x.count == y.count && x.keys.allSatisfy { key in y[key].map { $0 == x[key]! } ?? false }
                && x.keys.allSatisfy { key in y.keys.contains { $0 == key && sameKeyType($0, key) } }
        case (.object(let x), .object(let y)):
            return x.isSameInstance(as: y) || Value.map(x.materialize()) == .map(y.materialize())
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.type(let x), .type(let y)): return x == y
        case (.optional(let x), .optional(let y)): return x == y
        default: return false
        }
    }

    private static func sameKeyType(_ a: MapKey, _ b: MapKey) -> Bool {
        switch (a, b) {
        case (.bool, .bool), (.int, .int), (.uint, .uint), (.string, .string): return true
        default: return false
        }
    }
}
