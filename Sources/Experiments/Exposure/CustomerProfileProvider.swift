import JSON

/// Where assignment gets a customer's attributes: the fields targeting expressions read
/// as `customer.<field>` and hash attributes name.
///
/// The Experiments target does not know how the customer view is built; whoever wires
/// the engine together plugs it in here, either by conforming the view to this protocol
/// or with ``CustomerProfiles/closure(_:)``. The attributes must be a pure function of
/// the log up to the decision (the view as of the triggering event), or a replay could
/// target differently.
public protocol CustomerProfileProvider: Sendable {
    /// The attributes of customer `customerId`; `nil` when the view has no such customer.
    ///
    /// - Throws: ``ExperimentsError`` when the view cannot be read; assignment passes it on.
    func attributes(of customerId: String) throws(ExperimentsError) -> JSONObject?
}

/// Ready-made ``CustomerProfileProvider``s.
public enum CustomerProfiles {
    /// A provider that calls `body`.
    public static func closure(
        _ body: @escaping @Sendable (String) throws(ExperimentsError) -> JSONObject?
    ) -> some CustomerProfileProvider {
        ClosureProfiles(body: body)
    }

    /// A provider that knows the given customers only, for tests and `--attributes`.
    public static func fixed(_ customers: [String: JSONObject]) -> some CustomerProfileProvider {
        ClosureProfiles { id in customers[id] }
    }
}

struct ClosureProfiles: CustomerProfileProvider {
    let body: @Sendable (String) throws(ExperimentsError) -> JSONObject?

    func attributes(of customerId: String) throws(ExperimentsError) -> JSONObject? { try body(customerId) }
}
