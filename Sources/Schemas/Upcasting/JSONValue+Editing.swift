import JSON

extension JSONValue {
    /// Sets the value at `pointer`, creating empty objects for missing intermediate
    /// members. Returns `false` (and changes nothing) when a step is not an object, or
    /// an array index is out of range.
    @discardableResult
    mutating func set(_ newValue: JSONValue, at pointer: JSONPointer) -> Bool {
        set(newValue, tokens: pointer.tokens[...])
    }

    private mutating func set(_ newValue: JSONValue, tokens: ArraySlice<String>) -> Bool {
        guard let token = tokens.first else {
            self = newValue
            return true
        }
        switch self {
        case .object(var object):
            var child = object[token] ?? .object(JSONObject())
            guard child.set(newValue, tokens: tokens.dropFirst()) else { return false }
            object[token] = child
            self = .object(object)
            return true
        case .array(var array):
            guard let index = Int(token), array.indices.contains(index) else { return false }
            guard array[index].set(newValue, tokens: tokens.dropFirst()) else { return false }
            self = .array(array)
            return true
        default:
            return false
        }
    }

    /// Removes and returns the value at `pointer` (object members only); `nil` when
    /// there is none.
    @discardableResult
    mutating func remove(at pointer: JSONPointer) -> JSONValue? {
        remove(tokens: pointer.tokens[...])
    }

    private mutating func remove(tokens: ArraySlice<String>) -> JSONValue? {
        guard let token = tokens.first, case .object(var object) = self else { return nil }
        if tokens.count == 1 {
            let removed = object[token]
            object[token] = nil
            self = .object(object)
            return removed
        }
        guard var child = object[token], let removed = child.remove(tokens: tokens.dropFirst()) else { return nil }
        object[token] = child
        self = .object(object)
        return removed
    }
}
