/// The variables an expression is evaluated against.
///
/// Holds plain values by name and, optionally, a `VariableResolver` consulted for names the
/// activation lacks, so a caller can expose many variables and pay only for the ones an
/// expression reads. Values can themselves be lazy (`Value.lazy(view)`), so a customer view is
/// read field by field. A `Program` looks each variable up at most once per evaluation.
///
/// A handful of variables (the usual `event`, `customer`, `deal`, `now`) are kept in a small
/// array searched linearly, which beats hashing the name; past 16 a dictionary takes over.
///
///     var activation = Activation(["event": eventValue])
///     activation["now"] = .timestamp(triggerTime)          // time is a variable, never the clock
///     activation["customer"] = .lazy(CustomerView(record))
public struct Activation: Sendable {
    /// One reference, so copying an activation (into each evaluation) is one retain.
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var names: [String] = []
        @exclusivity(unchecked) var values: [Value] = []
        @exclusivity(unchecked) var index: [String: Int]?
        let resolver: (any VariableResolver)?

        init(resolver: (any VariableResolver)?) { self.resolver = resolver }

        func copy() -> Storage {
            let copy = Storage(resolver: resolver)
            copy.names = names
            copy.values = values
            copy.index = index
            return copy
        }
    }

    private var storage: Storage

    private static let linearLimit = 16

    public init(_ variables: [String: Value] = [:], resolver: (any VariableResolver)? = nil) {
        storage = Storage(resolver: resolver)
        for name in variables.keys.sorted() { self[name] = variables[name] }
    }

    public subscript(name: String) -> Value? {
        get { lookup(name) }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            let storage = storage
            if let position = position(of: name) {
                if let newValue {
                    storage.values[position] = newValue
                } else {
                    storage.names.remove(at: position)
                    storage.values.remove(at: position)
                    storage.index = nil
                    if storage.names.count > Activation.linearLimit { rebuildIndex() }
                }
                return
            }
            guard let newValue else { return }
            storage.names.append(name)
            storage.values.append(newValue)
            if storage.index != nil {
                storage.index![name] = storage.names.count - 1
            } else if storage.names.count > Activation.linearLimit {
                rebuildIndex()
            }
        }
    }

    private func rebuildIndex() {
        var built: [String: Int] = [:]
        for (position, name) in storage.names.enumerated() { built[name] = position }
        storage.index = built
    }

    private func position(of name: String) -> Int? {
        if let index = storage.index { return index[name] }
        let count = name.utf8.count
        for (position, candidate) in storage.names.enumerated() where candidate.utf8.count == count && candidate == name
        {
            return position
        }
        return nil
    }

    /// The value bound to `name`, or nil when unbound. Cost: a short scan or a hash lookup, plus
    /// the resolver's cost when the name is not bound directly.
    func lookup(_ name: String) -> Value? {
        if let position = position(of: name) { return storage.values[position] }
        return storage.resolver?.value(for: name)
    }
}

/// Supplies variables on demand, for activations with many optional bindings.
public protocol VariableResolver: Sendable {
    /// The value of the variable, or nil when it is not bound.
    func value(for name: String) -> Value?
}
