/// A JSON value, parsed once and kept in canonical form.
///
/// Objects keep their members sorted by the UTF-8 bytes of their keys and reject
/// duplicate keys, numbers keep the exact text they were written with, so a value
/// always writes back to one canonical byte string (see ``JSONWriter``). That byte
/// string is what the event log stores and hashes.
///
/// Equality is JSON's data-model equality: `1`, `1.0` and `1e0` are equal numbers,
/// object member order never matters (it is canonical anyway).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in error messages and by JSON Schema's `type` keyword
    /// (`integer` is reported for numbers whose value is a whole number).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// ``typeName`` as a message says it: `an integer`, `a string`, `an object`.
    public var typeNameWithArticle: String {
        let name = typeName
        return ["array", "integer", "object"].contains(name) ? "an \(name)" : "a \(name)"
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }

    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The member named `key` when this is an object; `nil` otherwise. O(log n).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The value at `pointer`, or `nil` when any step of it does not exist.
    public subscript(pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// Builds an object from a literal; a repeated key is a programming error and traps.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        do {
            self = .object(try JSONObject(elements.map { (key: $0.0, value: $0.1) }))
        } catch {
            preconditionFailure("duplicate key in JSON object literal: \(error)")
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The canonical JSON text of the value.
    public var description: String { JSONWriter.canonicalString(self) }
}
