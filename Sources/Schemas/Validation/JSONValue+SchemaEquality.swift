import JSON

extension JSONValue {
    /// Equality as JSON Schema defines it for `const`, `enum` and `uniqueItems`:
    /// numbers by mathematical value (`1 == 1.0`), strings by code points (no Unicode
    /// normalisation, unlike `String ==`), arrays element by element, objects by
    /// member set. `false` never equals `0`.
    ///
    /// Cost: linear in the size of the smaller value; allocation-free except for
    /// numbers whose texts differ (their decimals are compared).
    func isSchemaEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.number(let a), .number(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !a[i].isSchemaEqual(to: b[i]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices {
                guard a[i].key.utf8.elementsEqual(b[i].key.utf8), a[i].value.isSchemaEqual(to: b[i].value) else { return false }
            }
            return true
        default:
            return false
        }
    }
}
