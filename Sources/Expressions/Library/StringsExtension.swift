/// The CEL strings extension (cel-go `ext.Strings`): `charAt`, `indexOf`, `lastIndexOf`,
/// `lowerAscii`, `upperAscii`, `replace`, `split`, `join`, `substring`, `trim`, `reverse`,
/// `strings.quote` (and `format`, in `StringFormat`).
///
/// Indexes count code points, like `size`. Out-of-range indexes are errors naming the index,
/// e.g. `index out of range: 30`. Cost: linear in the string sizes (search: product).
enum StringsExtension {
    private typealias Scalars = [Unicode.Scalar]

    private static func scalars(_ v: Value, _ function: String, _ args: Value...) throws(EvalError) -> Scalars {
        guard case .string(let s) = v else { throw .noOverload(function, types: ([v] + args).map(\.typeName)) }
        return Array(s.unicodeScalars)
    }

    private static func string(_ scalars: some Sequence<Unicode.Scalar>) -> Value {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars)
        return .string(s)
    }

    private static func outOfRange(_ index: Int64) -> EvalError {
        EvalError(.indexOutOfRange, "index out of range: \(index)")
    }

    static func charAt(_ s: Value, _ index: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .int(let i) = index else { throw .noOverload("charAt", s, index) }
        let chars = Array(text.unicodeScalars)
        guard i >= 0, i <= chars.count else { throw outOfRange(i) }
        return i == chars.count ? .string("") : string([chars[Int(i)]])
    }

    static func indexOf(_ s: Value, _ sub: Value) throws(EvalError) -> Value {
        try indexOf(s, sub, .int(0))
    }

    static func indexOf(_ s: Value, _ sub: Value, _ start: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let part) = sub, case .int(let from) = start else {
            throw .noOverload("indexOf", s, sub, start)
        }
        let hay = Array(text.unicodeScalars)
        let needle = Array(part.unicodeScalars)
        guard from >= 0, from <= hay.count else { throw outOfRange(from) }
        var i = Int(from)
        while i + needle.count <= hay.count {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return .int(Int64(i)) }
            i += 1
        }
        return .int(-1)
    }

    static func lastIndexOf(_ s: Value, _ sub: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let part) = sub else { throw .noOverload("lastIndexOf", s, sub) }
        let count = text.unicodeScalars.count
        if part.isEmpty { return .int(Int64(count)) }
        return try lastIndexOf(s, sub, .int(Int64(count)), checked: false)
    }

    static func lastIndexOf(_ s: Value, _ sub: Value, _ start: Value) throws(EvalError) -> Value {
        try lastIndexOf(s, sub, start, checked: true)
    }

    private static func lastIndexOf(_ s: Value, _ sub: Value, _ start: Value, checked: Bool) throws(EvalError) -> Value
    {
        guard case .string(let text) = s, case .string(let part) = sub, case .int(let from) = start else {
            throw .noOverload("lastIndexOf", s, sub, start)
        }
        let hay = Array(text.unicodeScalars)
        let needle = Array(part.unicodeScalars)
        if checked { guard from >= 0, from < max(hay.count, 1) else { throw outOfRange(from) } }
        if needle.isEmpty { return .int(from) }
        var i = min(Int(from), hay.count - needle.count)
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return .int(Int64(i)) }
            i -= 1
        }
        return .int(-1)
    }

    static func lowerAscii(_ s: Value) throws(EvalError) -> Value {
        let chars = try scalars(s, "lowerAscii")
        return string(chars.map { $0 >= "A" && $0 <= "Z" ? Unicode.Scalar($0.value + 32)! : $0 })
    }

    static func upperAscii(_ s: Value) throws(EvalError) -> Value {
        let chars = try scalars(s, "upperAscii")
        return string(chars.map { $0 >= "a" && $0 <= "z" ? Unicode.Scalar($0.value - 32)! : $0 })
    }

    static func replace(_ s: Value, _ old: Value, _ new: Value) throws(EvalError) -> Value {
        try replace(s, old, new, .int(-1))
    }

    /// Replaces the first `limit` non-overlapping occurrences (all when negative). An empty
    /// `old` matches before every code point and at the end, as in Go.
    static func replace(_ s: Value, _ old: Value, _ new: Value, _ limit: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let o) = old, case .string(let n) = new,
            case .int(var remaining) = limit
        else { throw .noOverload("replace", s, old, new, limit) }
        let hay = Array(text.unicodeScalars)
        let needle = Array(o.unicodeScalars)
        let replacement = Array(n.unicodeScalars)
        var out: Scalars = []
        var i = 0
        while i <= hay.count {
            if remaining != 0, i + needle.count <= hay.count, hay[i..<(i + needle.count)].elementsEqual(needle) {
                out += replacement
                remaining -= 1
                if needle.isEmpty {
                    if i < hay.count { out.append(hay[i]) }
                    i += 1
                } else {
                    i += needle.count
                }
                continue
            }
            if i < hay.count { out.append(hay[i]) }
            i += 1
        }
        return string(out)
    }

    static func split(_ s: Value, _ separator: Value) throws(EvalError) -> Value {
        try split(s, separator, .int(-1))
    }

    /// At most `limit` pieces (all when negative, none when zero), the last holding the rest;
    /// an empty separator splits into code points. Go's `strings.SplitN`.
    static func split(_ s: Value, _ separator: Value, _ limit: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .string(let sep) = separator, case .int(let n) = limit else {
            throw .noOverload("split", s, separator, limit)
        }
        if n == 0 { return .list([]) }
        let hay = Array(text.unicodeScalars)
        let needle = Array(sep.unicodeScalars)
        var pieces: [Value] = []
        var start = 0
        var i = 0
        if needle.isEmpty {
            while start < hay.count {
                if n > 0, pieces.count == n - 1 { break }
                pieces.append(string([hay[start]]))
                start += 1
            }
            if start < hay.count { pieces.append(string(hay[start...])) }
            return .list(pieces)
        }
        while i + needle.count <= hay.count {
            if n > 0, pieces.count == n - 1 { break }
            if hay[i..<(i + needle.count)].elementsEqual(needle) {
                pieces.append(string(hay[start..<i]))
                i += needle.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(string(hay[start...]))
        return .list(pieces)
    }

    static func substring(_ s: Value, _ start: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .int(let from) = start else { throw .noOverload("substring", s, start) }
        let chars = Array(text.unicodeScalars)
        guard from >= 0, from <= chars.count else { throw outOfRange(from) }
        return string(chars[Int(from)...])
    }

    static func substring(_ s: Value, _ start: Value, _ end: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s, case .int(let from) = start, case .int(let to) = end else {
            throw .noOverload("substring", s, start, end)
        }
        let chars = Array(text.unicodeScalars)
        guard from >= 0, from <= chars.count else { throw outOfRange(from) }
        guard to >= 0, to <= chars.count else { throw outOfRange(to) }
        guard from <= to else {
            throw EvalError(.indexOutOfRange, "invalid substring range. start: \(from), end: \(to)")
        }
        return string(chars[Int(from)..<Int(to)])
    }

    /// Removes leading and trailing Unicode white space (the White_Space property).
    static func trim(_ s: Value) throws(EvalError) -> Value {
        var chars = try scalars(s, "trim")[...]
        while let first = chars.first, first.properties.isWhitespace { chars.removeFirst() }
        while let last = chars.last, last.properties.isWhitespace { chars.removeLast() }
        return string(chars)
    }

    static func reverse(_ s: Value) throws(EvalError) -> Value {
        string(try scalars(s, "reverse").reversed())
    }

    static func join(_ list: Value) throws(EvalError) -> Value {
        try join(list, .string(""))
    }

    static func join(_ list: Value, _ separator: Value) throws(EvalError) -> Value {
        guard case .list(let elements) = list, case .string(let sep) = separator else {
            throw .noOverload("join", list, separator)
        }
        var parts: [String] = []
        parts.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let s) = element else {
                throw EvalError(.noMatchingOverload, "join() needs a list of strings but found a \(element.typeName)")
            }
            parts.append(s)
        }
        return .string(parts.joined(separator: sep))
    }

    /// The string as a double-quoted CEL string literal: `"`, `\` and the control characters
    /// with short escapes (`\a \b \f \n \r \t \v`) are escaped, everything else is kept.
    static func quote(_ s: Value) throws(EvalError) -> Value {
        guard case .string(let text) = s else { throw .noOverload("strings.quote", s) }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        return .string(out + "\"")
    }
}
