import JSON

/// One step of an ``Upcaster``, applied to a payload in place.
///
/// Every operation is a no-op when its source field is absent, so an optional field
/// of the older version needs no special casing. Pointers (RFC 6901) reach nested
/// fields; missing intermediate objects are created when writing.
public enum UpcastOperation: Sendable, Hashable {
    /// Moves the value at `from` to `to` (replacing what was there).
    case rename(from: JSONPointer, to: JSONPointer)
    /// Sets `path` to `value` when it is absent or null.
    case setDefault(path: JSONPointer, value: JSONValue)
    /// Replaces the value at `from` by `values[key]`, where the key is the value itself
    /// for strings and its canonical JSON text otherwise; values not listed become
    /// `otherwise`, or stay as they are when there is no `otherwise`. The result is
    /// written to `to` (and `from` removed when they differ).
    case map(from: JSONPointer, to: JSONPointer, values: [String: JSONValue], otherwise: JSONValue?)
    /// Splits the string at `from` into the fields `into`: at the first
    /// `into.count - 1` occurrences of `separator`, or by the capture groups of
    /// `pattern`. `from` is removed first, so a field can be split into members of
    /// an object of the same name (`/changedBy` into `/changedBy/type`, `/changedBy/id`).
    case split(from: JSONPointer, into: [JSONPointer], separator: String?, pattern: String?)
    /// Joins the scalars at `from` (absent ones skipped) with `separator` into the
    /// string `to`, removing the sources.
    case join(from: [JSONPointer], to: JSONPointer, separator: String)
    /// Removes `path`.
    case drop(path: JSONPointer)

    /// The operation's name in upcaster files.
    public var name: String {
        switch self {
        case .rename: return "rename"
        case .setDefault: return "default"
        case .map: return "map"
        case .split: return "split"
        case .join: return "join"
        case .drop: return "drop"
        }
    }
}
