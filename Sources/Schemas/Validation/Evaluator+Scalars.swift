import JSON

extension Evaluator {
    mutating func checkType(_ types: TypeSet, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        let ok: Bool
        switch instance {
        case .null: ok = types.contains(.null)
        case .bool: ok = types.contains(.boolean)
        case .string: ok = types.contains(.string)
        case .object: ok = types.contains(.object)
        case .array: ok = types.contains(.array)
        case .number(let n): ok = types.contains(.number) || (types.contains(.integer) && n.isWholeNumber)
        }
        if !ok { report(node, "type", "expected \(types.phrase), found \(instance.typeName)") }
        return ok
    }

    mutating func checkEnum(_ values: EnumValues, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        if case .string(let s) = instance, values.containsString(s) { return true }
        if !values.onlyStrings, values.values.contains(where: { instance.isSchemaEqual(to: $0) }) { return true }
        report(node, "enum", {
            let shown = values.values.prefix(12).map { Evaluator.excerpt($0) }.joined(separator: ", ")
            return "expected one of \(shown)\(values.values.count > 12 ? ", ..." : "")"
        }())
        return false
    }

    mutating func checkNumber(_ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        guard case .number(let n) = instance else { return true }
        switch keyword {
        case .multipleOf(let box):
            let divisor = box.object.number
            guard !n.isMultiple(of: divisor) else { return true }
            report(node, "multipleOf", "expected a multiple of \(divisor)")
            return false
        case .bound(let box):
            let ok = box.with { bound in
                let order = n.compare(to: bound.limit, fixed: bound.fixed)
                switch (bound.isUpper, bound.isExclusive) {
                case (true, false): return order <= 0
                case (true, true): return order < 0
                case (false, false): return order >= 0
                case (false, true): return order > 0
                }
            }
            if !ok {
                let bound = box.object
                let relation = bound.isUpper ? (bound.isExclusive ? "less than" : "at most") : (bound.isExclusive ? "more than" : "at least")
                report(node, bound.keyword, "expected a number \(relation) \(bound.limit)")
            }
            return ok
        default:
            return true
        }
    }

    mutating func checkString(_ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        guard case .string(let s) = instance else { return true }
        switch keyword {
        case .maxLength(let limit):
            // UTF-8 length bounds the scalar count from above: skip counting when it can.
            if s.utf8.count <= limit { return true }
            let length = Self.scalarCount(s)
            guard length > limit else { return true }
            report(node, "maxLength", "expected at most \(limit) characters, found \(length)")
            return false
        case .minLength(let limit):
            // ... and from below, at a quarter of it.
            if s.utf8.count >= 4 * limit { return true }
            let length = Self.scalarCount(s)
            guard length < limit else { return true }
            report(node, "minLength", "expected at least \(limit) characters, found \(length)")
            return false
        case .pattern(let box):
            switch box.with({ $0.search(s) }) {
            case .match:
                return true
            case .noMatch:
                report(node, "pattern", "expected string matching \(box.object.pattern)")
            case .tooComplex:
                report(node, "pattern", "the pattern \(box.object.pattern) needed too many steps on this string; simplify the pattern")
            }
            return false
        case .format(let format):
            guard !format.accepts(s) else { return true }
            report(node, "format", "expected \(format.phrase) (format \"\(format.name)\")")
            return false
        default:
            return true
        }
    }

    /// The number of Unicode scalars (code points), as `minLength`/`maxLength` count:
    /// UTF-8 bytes that are not continuation bytes.
    static func scalarCount(_ s: String) -> Int {
        s.utf8.withContiguousStorageIfAvailable { bytes in
            var count = 0
            for b in bytes where b & 0xC0 != 0x80 { count += 1 }
            return count
        } ?? s.unicodeScalars.count
    }
}
