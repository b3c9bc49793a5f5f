import EventLog

/// Sticky assignments as a projection of the log: a fold over `VariantAssigned` events.
///
/// Each `VariantAssigned` records that the customer whose `hashAttribute` is `hashValue`
/// got `variationKey` in `experimentKey` at `bucketVersion` (0 when the event leaves it
/// out). Folding them in log order gives the ``StickyAssignments`` GrowthBook's sticky
/// bucketing reads, so an assignment recomputed on a replay of the log finds the same
/// sticky documents and comes out identical, even after the weights have moved.
///
/// A pure fold: ``apply(_:)`` depends on the event only; other event types are ignored.
///
/// Cost: ``load(customer:from:)`` reads one customer stream (the usual case: the hash
/// attribute is the customer id); ``load(from:through:)`` reads every `VariantAssigned`
/// in the log, for a rebuild or an audit.
public struct StickyAssignmentProjection: Sendable {
    public private(set) var assignments = StickyAssignments()
    /// `VariantAssigned` events folded.
    public private(set) var eventCount = 0
    /// Events of the type this build could not read (a field missing); they are skipped.
    public private(set) var unreadable = 0
    /// `"<experiment key>#<phase>#<customer id>"` of every assignment folded.
    private var recorded: Set<String> = []

    public init() {}

    /// Folds one event.
    public mutating func apply(_ event: RecordedEvent) {
        guard event.type == ExperimentEvents.variantAssigned else { return }
        let data = event.data
        guard let key = data["experimentKey"]?.stringValue, let attribute = data["hashAttribute"]?.stringValue,
            let value = data["hashValue"]?.stringValue, let variation = data["variationKey"]?.stringValue
        else {
            unreadable += 1
            return
        }
        let bucketVersion = data["bucketVersion"]?.numberValue?.int64Value.map(Int.init) ?? 0
        if let phase = data["phase"]?.numberValue?.int64Value, let customer = data["customerId"]?.stringValue {
            recorded.insert("\(key)#\(phase)#\(customer)")
        }
        assignments.record(
            experimentKey: key, bucketVersion: bucketVersion, attributeName: attribute, attributeValue: value,
            variationKey: variation)
        eventCount += 1
    }

    /// Whether a `VariantAssigned` of `experimentKey` in `phase` for `customerId` was folded.
    public func hasAssignment(experimentKey: String, phase: Int, customerId: String) -> Bool {
        recorded.contains("\(experimentKey)#\(phase)#\(customerId)")
    }

    /// The projection of one customer's stream (`customer-<id>`).
    ///
    /// - Throws: ``ExperimentsError/Code/log`` when the log fails.
    public static func load(customer customerId: String, from store: any EventStore) throws(ExperimentsError)
        -> StickyAssignmentProjection
    {
        let stream = try ExperimentEvents.customerStream(customerId)
        var projection = StickyAssignmentProjection()
        try store.forEachEvent(
            in: stream, readFailure: { ExperimentsError.logFailure($0, while: "reading the stream of customer `\(customerId)`") }
        ) { event throws(ExperimentsError) in projection.apply(event) }
        return projection
    }

    /// The projection of the whole log, through `through` (inclusive) when given.
    ///
    /// - Throws: ``ExperimentsError/Code/log`` when the log fails.
    public static func load(from store: any EventStore, through: LogPosition? = nil) throws(ExperimentsError)
        -> StickyAssignmentProjection
    {
        var projection = StickyAssignmentProjection()
        var from = LogPosition.start
        while true {
            let page: [RecordedEvent]
            do {
                page = try store.readType(ExperimentEvents.variantAssigned, from: from, limit: 4096)
            } catch {
                throw .logFailure(error, while: "reading VariantAssigned events")
            }
            for event in page {
                if let through, event.position > through { return projection }
                projection.apply(event)
            }
            guard page.count == 4096, let last = page.last else { break }
            from = last.position.next
        }
        return projection
    }
}
