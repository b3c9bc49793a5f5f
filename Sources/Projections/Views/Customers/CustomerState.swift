import EventLog

/// One customer as the customer view holds it: identity, lifecycle, consent, activity,
/// orders, deals, scores, experiment variants and tags, folded from every event that
/// names the customer.
///
/// Only facts of the log are stored. Figures that depend on *when you ask* (recency in
/// days, whether a deal's stage counts as closed under today's pipeline configuration)
/// are worked out by queries from these facts and an explicit reference instant; see
/// ``CustomerSummary``.
public struct CustomerState: ViewState, Sendable, Hashable {
    /// The customer id: the `customerId` of the events, and the row key.
    public var entity: String
    public var identity = CustomerIdentity()
    /// When `ContactCreated` happened (`occurredAt`); `nil` for customers known only from activity.
    public var createdAt: Timestamp?
    /// The survivor this contact was merged into (as the merge named it); its later
    /// events are folded into the visible contact at the end of that chain.
    public var mergedInto: String?
    /// Contacts whose history this one holds, sorted: merged into it, or into a contact
    /// merged into it.
    public var mergedFrom: [String] = []

    public var lifecycle: LifecycleStage?
    /// Lifecycle changes in business-time order, oldest first; the last
    /// ``LifecycleTransition/historyLimit`` are kept. A step implied by an event imported
    /// late is placed at its time: implied steps after it that could not have happened
    /// are dropped, and the step into the current stage moves back to the earliest event
    /// implying it; nothing moves past an explicit change (`ContactUpdated`).
    public var lifecycleHistory: [LifecycleTransition] = []

    /// Consent per channel, sorted by channel.
    public var consent: [ConsentRecord] = []

    /// The earliest and latest interaction (see ``CustomerProjection/activityKinds``).
    public var firstActivityAt: Timestamp?
    public var lastActivityAt: Timestamp?
    /// Events per activity type, sorted by type.
    public var engagement: [EngagementCount] = []

    /// Orders placed: count and exact total per currency.
    public var orders = MoneyTally()
    public var firstOrderAt: Timestamp?
    public var lastOrderAt: Timestamp?
    /// Refunds: count and exact total per currency.
    public var refunds = MoneyTally()
    public var lastRefundAt: Timestamp?
    /// The latest orders, oldest first; at most ``OrderSummary/recentLimit``.
    public var recentOrders: [OrderSummary] = []

    /// Deals whose primary contact this is, sorted by deal id.
    public var deals: [CustomerDeal] = []
    /// The latest score per model, sorted by model.
    public var scores: [ModelScore] = []
    /// The variant per experiment, sorted by experiment key.
    public var variants: [VariantAssignment] = []
    /// Sorted, no duplicates.
    public var tags: [String] = []
    /// Leads that became (or belong to) this customer, sorted.
    public var leads: [String] = []

    public init(entity: String) { self.entity = entity }

    /// Whether this contact was merged into another (lists leave it out).
    public var isMergedAway: Bool { mergedInto != nil }
}

extension CustomerState {
    /// Inserts or replaces the element whose `key` equals `key`, keeping `array` sorted by key.
    static func upsert<T>(_ array: inout [T], key: String, by keyOf: (T) -> String, _ make: (T?) -> T) {
        let low = array.insertionIndex(of: key, by: keyOf)
        if low < array.count, keyOf(array[low]) == key {
            array[low] = make(array[low])
        } else {
            array.insert(make(nil), at: low)
        }
    }

    /// Inserts `value` into a sorted array of strings unless present.
    static func insertSorted(_ array: inout [String], _ value: String) {
        upsert(&array, key: value, by: { $0 }) { _ in value }
    }
}
