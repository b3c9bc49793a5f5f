/// The variables an expression is evaluated against.
///
/// Holds plain values by name and, optionally, a `VariableResolver` consulted for names the
/// dictionary lacks, so a caller can expose many variables and pay only for the ones an
/// expression reads. Values can themselves be lazy (`Value.lazy(view)`), so a customer view is
/// read field by field. A `Program` looks each variable up at most once per evaluation.
///
///     var activation = Activation(["event": eventValue])
///     activation["now"] = .timestamp(triggerTime)          // time is a variable, never the clock
///     activation["customer"] = .lazy(CustomerView(record))
public struct Activation: Sendable {
    private var variables: [String: Value]
    private var resolver: (any VariableResolver)?

    public init(_ variables: [String: Value] = [:], resolver: (any VariableResolver)? = nil) {
        self.variables = variables
        self.resolver = resolver
    }

    public subscript(name: String) -> Value? {
        get { variables[name] ?? resolver?.value(for: name) }
        set { variables[name] = newValue }
    }

    /// The value bound to `name`, or nil when unbound. Cost: a hash lookup, plus the resolver's
    /// cost when the name is not in the dictionary.
    func lookup(_ name: String) -> Value? {
        if let value = variables[name] { return value }
        return resolver?.value(for: name)
    }
}

/// Supplies variables on demand, for activations with many optional bindings.
public protocol VariableResolver: Sendable {
    /// The value of the variable, or nil when it is not bound.
    func value(for name: String) -> Value?
}
