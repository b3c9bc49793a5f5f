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

    /// Only a merge reads other customers (the contacts it absorbs).
    public var contextKinds: Set<EventKind> { [.contactMerged] }

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

    /// ``activityKinds`` by ``EventKind/index``.
    static let isActivity = EventKind.table(activityKinds)

    public func entities(of event: ProjectedEvent, links: LinkTable, into keys: inout [String]) {
        switch event.kind {
        case .contactMerged:
            guard let survivor = event.string("customerId") else { return }
            links[Self.mergesSeen] = "1"
            let target = resolve(survivor, links)
            for id in event.strings("mergedCustomerIds") ?? [] where id != survivor && id != target {
                links["alias:" + id] = target
                keys.append(id)
            }
            keys.append(target)
        case .leadCreated, .leadQualified, .leadDisqualified:
            guard let lead = event.string("leadId") else { return }
            if let customer = event.string("customerId") {
                links["lead:" + lead] = customer
                keys.append(resolve(customer, links))
            } else if let customer = links["lead:" + lead] {
                keys.append(resolve(customer, links))
            }
        case .dealCreated, .dealStageChanged, .dealAmountChanged, .dealWon, .dealLost:
            guard let deal = event.string("dealId") else { return }
            if let customer = event.string("customerId") {
                if event.kind == .dealCreated || links["deal:" + deal] == nil { links["deal:" + deal] = customer }
                keys.append(resolve(customer, links))
            } else if let customer = links["deal:" + deal] {
                keys.append(resolve(customer, links))
            }
        case .formSubmitted:
            if let customer = event.string("customerId") ?? event.string("leadId").flatMap({ links["lead:" + $0] }) {
                keys.append(resolve(customer, links))
            }
        default:
            if let customer = event.string("customerId") { keys.append(resolve(customer, links)) }
        }
    }

    /// The link set once the view has seen a merge.
    static let mergesSeen = "merges"

    /// Follows merge links from `id` to the surviving contact (at most 16 steps, so a
    /// cycle written by a bad merge cannot hang the fold).
    func resolve(_ id: String, _ links: LinkTable) -> String {
        // Most logs never merge a contact: one lookup of a fixed key skips the rest.
        guard links[Self.mergesSeen] != nil else { return id }
        var current = id
        for _ in 0..<16 {
            guard let next = links["alias:" + current], next != current else { return current }
            current = next
        }
        return current
    }
}
