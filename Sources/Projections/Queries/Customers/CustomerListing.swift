import EventLog

/// `customers list`: the customers of the view that pass the filters, sorted, cut to a limit.
///
/// Contacts merged into another are left out (their survivor is listed). Sorting by a
/// figure puts the largest (or latest) first; by `id`, `name` or `stage`, the smallest
/// first; ties go by id.
///
/// Currencies are never compared with each other: `monetary` ranks by the order total in
/// one currency (``monetaryCurrency``), the one asked for or else the currency most of
/// the matching customers' orders are in (the first by code on a tie). Customers with no
/// order in it come after the others, by id.
public struct CustomerListing: Sendable {
    public enum SortField: String, Sendable, CaseIterable {
        case id
        case name
        case stage
        case created
        case lastActivity = "last-activity"
        case recency
        case frequency
        case monetary
        case engagement
    }

    public struct Query: Sendable {
        public var stage: LifecycleStage?
        public var owner: String?
        public var sort: SortField = .id
        public var limit: Int?
        /// The currency `monetary` ranks by; `nil` for the one most of the matching
        /// customers' orders are in.
        public var currency: String?

        public init(
            stage: LifecycleStage? = nil, owner: String? = nil, sort: SortField = .id, limit: Int? = nil,
            currency: String? = nil
        ) {
            self.stage = stage
            self.owner = owner
            self.sort = sort
            self.limit = limit
            self.currency = currency
        }
    }

    /// Customers matching the filters, before the limit.
    public let matched: Int
    public let customers: [CustomerSummary]
    /// The currency customers were ranked by when sorted by `monetary`; `nil` for other
    /// sorts, or when no matching customer has an order.
    public let monetaryCurrency: String?

    public init(_ states: [CustomerState], query: Query, referenceTime: Timestamp, pipelines: PipelineConfiguration) {
        let selected = states.filter { state in
            !state.isMergedAway && (query.stage == nil || state.lifecycle == query.stage)
                && (query.owner == nil || state.identity.ownerId == query.owner)
        }
        matched = selected.count
        let currency = query.sort == .monetary ? query.currency ?? Self.currencyOfMostOrders(selected) : nil
        monetaryCurrency = currency
        let sorted = selected.sorted { Self.precedes($0, $1, by: query.sort, currency: currency) }
        let kept = query.limit.map { Array(sorted.prefix(max(0, $0))) } ?? sorted
        customers = kept.map { CustomerSummary($0, referenceTime: referenceTime, pipelines: pipelines) }
    }

    /// The currency the most orders of `states` are in; on a tie the first by code.
    static func currencyOfMostOrders(_ states: [CustomerState]) -> String? {
        var counts: [String: UInt64] = [:]
        for state in states {
            for entry in state.orders.entries { counts[entry.currency, default: 0] += entry.count }
        }
        return counts.min { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }?.key
    }

    static func precedes(_ a: CustomerState, _ b: CustomerState, by field: SortField, currency: String?) -> Bool {
        func descending<T: Comparable>(_ x: T?, _ y: T?) -> Bool? {
            switch (x, y) {
            case let (x?, y?): return x == y ? nil : x > y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return nil
            }
        }
        let decided: Bool?
        switch field {
        case .id: decided = nil
        case .name:
            let (x, y) = (a.identity.name, b.identity.name)
            decided = x == y ? nil : (y == nil || (x != nil && x! < y!))
        case .stage:
            let (x, y) = (a.lifecycle?.rank ?? -1, b.lifecycle?.rank ?? -1)
            decided = x == y ? nil : x < y
        case .created: decided = descending(a.createdAt, b.createdAt)
        case .lastActivity: decided = descending(a.lastActivityAt, b.lastActivityAt)
        case .recency: decided = descending(a.lastOrderAt, b.lastOrderAt)
        case .frequency: decided = descending(a.orders.count, b.orders.count)
        case .monetary:
            decided = currency.flatMap { descending(a.orders[$0]?.amount, b.orders[$0]?.amount) }
        case .engagement:
            decided = descending(a.engagement.reduce(0) { $0 + $1.count }, b.engagement.reduce(0) { $0 + $1.count })
        }
        return decided ?? a.entity.utf8.lexicographicallyPrecedes(b.entity.utf8)
    }
}
