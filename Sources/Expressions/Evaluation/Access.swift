/// Field selection and indexing, shared by the select and index nodes and the checker's
/// constant folding.
///
/// Maps and lazy objects answer `e.f` with their entry for `"f"`; selecting or indexing an
/// optional yields an optional (`optional.none()` stays none, a missing entry becomes none),
/// which is what makes `optional.of(m).a.b.orValue(x)` safe.
enum Access {
    static func select(_ value: Value, _ field: String) throws(EvalError) -> Value {
        switch value {
        case .map(let map):
            guard let found = map[field] else { throw .noSuchKey(field) }
            return found
        case .object(let object):
            guard let found = object.field(field) else { throw .noSuchKey(field) }
            return found
        case .optional(let inner):
            guard let inner else { return value }
            return try optionalSelect(inner, field)
        default:
            throw notSelectable(value, field)
        }
    }

    /// `e.?f`: the entry wrapped in an optional, or `optional.none()` when absent.
    static func optionalSelect(_ value: Value, _ field: String) throws(EvalError) -> Value {
        switch value {
        case .map(let map): return .optional(map[field])
        case .object(let object): return .optional(object.field(field))
        case .optional(let inner):
            guard let inner else { return value }
            return try optionalSelect(inner, field)
        default: throw notSelectable(value, field)
        }
    }

    /// `has(e.f)`.
    static func isPresent(_ value: Value, _ field: String) throws(EvalError) -> Bool {
        switch value {
        case .map(let map): return map[field] != nil
        case .object(let object): return object.field(field) != nil
        case .optional(let inner):
            guard let inner else { return false }
            return try isPresent(inner, field)
        default: throw notSelectable(value, field)
        }
    }

    private static func notSelectable(_ value: Value, _ field: String) -> EvalError {
        EvalError(
            .noMatchingOverload,
            "type '\(value.typeName)' does not support field selection (selecting '\(field)'); only maps and objects have fields"
        )
    }

    /// `e[i]`. `keyText` names the key in error messages when it is a literal of the source.
    static func index(_ value: Value, _ key: Value, keyText: String?) throws(EvalError) -> Value {
        switch value {
        case .list(let list):
            let i = try listIndex(key)
            guard i >= 0, i < list.count else {
                let what = keyText.map { "index \($0)" } ?? "index"
                throw EvalError(.indexOutOfRange, "\(what) out of range for a list of size \(list.count)")
            }
            return list[i]
        case .map(let map):
            switch map.lookup(key) {
            case .found(let found): return found
            case .notFound: throw .noSuchKey(keyText)
            case .invalidKey: throw invalidKey(key)
            }
        case .object(let object):
            guard case .string(let name) = key else { throw invalidKey(key) }
            guard let found = object.field(name) else { throw .noSuchKey(keyText) }
            return found
        case .optional(let inner):
            guard let inner else { return value }
            return try optionalIndex(inner, key)
        default:
            throw .noOverload("_[_]", value, key)
        }
    }

    /// `e[?i]`: the element wrapped in an optional, or `optional.none()` when absent.
    static func optionalIndex(_ value: Value, _ key: Value) throws(EvalError) -> Value {
        switch value {
        case .list(let list):
            let i = try listIndex(key)
            return .optional(i >= 0 && i < list.count ? list[i] : nil)
        case .map(let map):
            switch map.lookup(key) {
            case .found(let found): return .optional(found)
            case .notFound: return .optional(nil)
            case .invalidKey: throw invalidKey(key)
            }
        case .object(let object):
            guard case .string(let name) = key else { throw invalidKey(key) }
            return .optional(object.field(name))
        case .optional(let inner):
            guard let inner else { return value }
            return try optionalIndex(inner, key)
        default:
            throw .noOverload("_[?_]", value, key)
        }
    }

    /// A list index from an int, a uint or a double with an integral value.
    static func listIndex(_ key: Value) throws(EvalError) -> Int {
        switch key {
        case .int(let i): return Int(clamping: i)
        case .uint(let u): return Int(clamping: u)
        case .double(let d):
            guard let i = Int64(exactly: d) else {
                throw EvalError(.invalidArgument, "list index must be a whole number (invalid_argument)")
            }
            return Int(clamping: i)
        default:
            throw EvalError(.invalidArgument, "list index must be an int, not a \(key.typeName) (invalid_argument)")
        }
    }

    static func invalidKey(_ key: Value) -> EvalError {
        EvalError(.noSuchKey, "no such key: a \(key.typeName) cannot be a map key (unsupported key type)")
    }

    /// `e in c`: list membership by CEL equality, map key or object field presence.
    static func contains(_ container: Value, _ element: Value) throws(EvalError) -> Bool {
        switch container {
        case .list(let list):
            for candidate in list where Value.celEquals(candidate, element) { return true }
            return false
        case .map(let map):
            if case .found = map.lookup(element) { return true }
            return false
        case .object(let object):
            guard case .string(let name) = element else { return false }
            return object.field(name) != nil
        default:
            throw .noOverload("@in", element, container)
        }
    }
}
