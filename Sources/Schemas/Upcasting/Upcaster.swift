import JSON

/// A declarative translation of one event type's payload from one schema version to
/// a newer one, kept beside the schemas as `schemas/<Type>.v<N>-to-v<M>.json`.
///
/// Stored events are never rewritten: readers that want the latest version apply
/// upcasters on read (``EventCatalog/upcast(type:from:data:)``), so the hash chain
/// keeps covering the bytes that were appended.
///
/// Cost: one pass per operation over the touched fields; the payload is copied once
/// (copy-on-write) when the first field changes.
public struct Upcaster: Sendable {
    /// The event type.
    public var type: String
    /// The version it reads.
    public var fromVersion: Int
    /// The version it produces.
    public var toVersion: Int
    /// What changed between the versions and why.
    public var description: String
    /// Applied in order.
    public var operations: [UpcastOperation]
    /// The file it was read from, for messages.
    public var file: String
    /// The compiled `pattern` of each split operation, by operation index.
    private let patterns: [Int: ECMARegex]

    /// - Throws: ``SchemaError`` (`invalidUpcaster`) when a split pattern is not a valid regex.
    public init(type: String, fromVersion: Int, toVersion: Int, description: String, operations: [UpcastOperation], file: String) throws(SchemaError) {
        self.type = type
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.description = description
        self.operations = operations
        self.file = file
        var patterns: [Int: ECMARegex] = [:]
        for (index, operation) in operations.enumerated() {
            guard case .split(_, _, _, let pattern?) = operation else { continue }
            do {
                patterns[index] = try ECMARegex(pattern)
            } catch {
                throw SchemaError(.invalidUpcaster, "\(file): operation \(index) (split): \"\(pattern)\" is not a valid regular expression: \(error)")
            }
        }
        self.patterns = patterns
    }

    /// `data` translated to ``toVersion``.
    ///
    /// - Throws: ``SchemaError`` with code `upcastFailed` naming the file, the operation
    ///   and the pointer, when a field has the wrong shape for its operation (a split
    ///   of a number, a string that does not match the split pattern).
    public func apply(to data: JSONValue) throws(SchemaError) -> JSONValue {
        var result = data
        for (index, operation) in operations.enumerated() {
            func failure(_ pointer: JSONPointer, _ problem: String) -> SchemaError {
                SchemaError(.upcastFailed, "\(file): operation \(index) (\(operation.name)) at \(pointer): \(problem)")
            }
            switch operation {
            case .rename(let from, let to):
                guard let value = result.remove(at: from) else { continue }
                guard result.set(value, at: to) else { throw failure(to, "cannot write here: a parent is not an object") }
            case .setDefault(let path, let value):
                if result[path] == nil || result[path] == .null {
                    guard result.set(value, at: path) else { throw failure(path, "cannot write here: a parent is not an object") }
                }
            case .map(let from, let to, let values, let otherwise):
                guard let value = result[from] else { continue }
                let key = value.stringValue ?? JSONWriter.canonicalString(value)
                let mapped = values[key] ?? otherwise ?? value
                if from != to { result.remove(at: from) }
                guard result.set(mapped, at: to) else { throw failure(to, "cannot write here: a parent is not an object") }
            case .split(let from, let into, let separator, let pattern):
                guard let value = result[from] else { continue }
                guard case .string(let text) = value else { throw failure(from, "expected a string to split, found \(value.typeName)") }
                let parts: [String]
                if let separator {
                    parts = Self.split(text, separator: separator, maxParts: into.count)
                } else {
                    guard let regex = patterns[index], let groups = regex.firstMatch(in: text) else {
                        throw failure(from, "the value does not match the pattern \(pattern ?? "")")
                    }
                    parts = groups.dropFirst().map { $0.map(String.init) ?? "" }
                }
                guard parts.count == into.count else {
                    throw failure(from, "expected \(into.count) parts, found \(parts.count)")
                }
                result.remove(at: from)
                for (pointer, part) in zip(into, parts) where !result.set(.string(part), at: pointer) {
                    throw failure(pointer, "cannot write here: a parent is not an object")
                }
            case .join(let sources, let to, let separator):
                var parts: [String] = []
                for source in sources {
                    guard let value = result[source] else { continue }
                    switch value {
                    case .string(let s): parts.append(s)
                    case .number(let n): parts.append(n.text)
                    case .bool(let b): parts.append(b ? "true" : "false")
                    case .null: continue
                    default: throw failure(source, "expected a scalar to join, found \(value.typeName)")
                    }
                }
                guard !parts.isEmpty else { continue }
                for source in sources { result.remove(at: source) }
                guard result.set(.string(parts.joined(separator: separator)), at: to) else {
                    throw failure(to, "cannot write here: a parent is not an object")
                }
            case .drop(let path):
                result.remove(at: path)
            }
        }
        return result
    }

    /// `text` split at the first `maxParts - 1` occurrences of `separator`.
    static func split(_ text: String, separator: String, maxParts: Int) -> [String] {
        guard !separator.isEmpty, maxParts > 1 else { return [text] }
        var parts: [String] = []
        var rest = Substring(text)
        while parts.count < maxParts - 1, let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
