import EventLog

/// The customer view: one row per customer id, folded from every event that names the
/// customer (`customerId` in the payload) or a lead or deal linked to one.
///
/// ## Routing
/// Most events carry `customerId`. Deal events after `DealCreated` and lead events
/// after `LeadCreated` usually do not; the view links `deal:<dealId>` and
/// `lead:<leadId>` to the customer when it first sees them together and follows the
/// link afterwards. `ContactMerged` links each merged id to the survivor
/// (`alias:<id>`), so later events about a merged contact land on the survivor; links
/// are followed transitively. Events about a customer id the view has not seen
/// create the customer: a purchase log with no contact records still gives a view.
public struct CustomerProjection: Projection {
    public typealias State = CustomerState

    public let name = "customers"
    public let version = 1

    public init() {}

    public var handledKinds: Set<EventKind> { Self.kinds }

    static let kinds: Set<EventKind> = [
        .contactCreated, .contactUpdated, .contactMerged, .subscribed, .unsubscribed, .formSubmitted, .pageVisited,
        .emailSent, .emailDelivered, .emailOpened, .emailClicked, .emailReplied, .emailBounced, .meetingBooked,
        .meetingHeld, .callLogged, .orderPlaced, .orderRefunded, .leadCreated, .leadQualified, .leadDisqualified,
        .dealCreated, .dealStageChanged, .dealAmountChanged, .dealWon, .dealLost, .scoreUpdated, .variantAssigned,
        .experimentExposed,
    ]

    /// Interactions: the events counted per type in ``CustomerState/engagement`` and
    /// spanning ``CustomerState/firstActivityAt`` … ``CustomerState/lastActivityAt``.
    /// What the engine decides about a customer (scores, variants), record keeping
    /// (updates, merges) and deal bookkeeping are not interactions.
    public static let activityKinds: Set<EventKind> = [
        .pageVisited, .formSubmitted, .emailSent, .emailDelivered, .emailOpened, .emailClicked, .emailReplied,
        .emailBounced, .meetingBooked, .meetingHeld, .callLogged, .orderPlaced, .orderRefunded, .subscribed,
        .unsubscribed,
    ]

    public func entities(of event: ProjectedEvent, links: LinkTable) -> [String] {
        switch event.kind {
        case .contactMerged:
            guard let survivor = event.string("customerId") else { return [] }
            let target = resolve(survivor, links)
            let merged = (event.strings("mergedCustomerIds") ?? []).filter { $0 != survivor && $0 != target }
            for id in merged { links["alias:" + id] = target }
            return merged + [target]
        case .leadCreated, .leadQualified, .leadDisqualified:
            guard let lead = event.string("leadId") else { return [] }
            if let customer = event.string("customerId") {
                links["lead:" + lead] = customer
                return [resolve(customer, links)]
            }
            return links["lead:" + lead].map { [resolve($0, links)] } ?? []
        case .dealCreated, .dealStageChanged, .dealAmountChanged, .dealWon, .dealLost:
            guard let deal = event.string("dealId") else { return [] }
            if let customer = event.string("customerId") {
                if event.kind == .dealCreated || links["deal:" + deal] == nil { links["deal:" + deal] = customer }
                return [resolve(customer, links)]
            }
            return links["deal:" + deal].map { [resolve($0, links)] } ?? []
        case .formSubmitted:
            if let customer = event.string("customerId") { return [resolve(customer, links)] }
            return event.string("leadId").flatMap { links["lead:" + $0] }.map { [resolve($0, links)] } ?? []
        default:
            guard let customer = event.string("customerId") else { return [] }
            return [resolve(customer, links)]
        }
    }

    /// Follows merge links from `id` to the surviving contact (at most 16 steps, so a
    /// cycle written by a bad merge cannot hang the fold).
    func resolve(_ id: String, _ links: LinkTable) -> String {
        var current = id
        for _ in 0..<16 {
            guard let next = links["alias:" + current], next != current else { return current }
            current = next
        }
        return current
    }
}
