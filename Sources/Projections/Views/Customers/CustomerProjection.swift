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
/// are followed transitively. Merges that disagree (B takes A, later A takes B) never
/// hide the whole group: see ``routeMerge(_:links:into:)``. Events about a customer id
/// the view has not seen create the customer: a purchase log with no contact records
/// still gives a view.
public struct CustomerProjection: Projection {
    public typealias State = CustomerState

    public let name = "customers"
    /// 2: merges that loop are re-pointed, `mergedFrom` lists the contacts merged through others.
    /// 3: lifecycle steps are recorded by business time, whatever the import order.
    public let version = 3

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
            routeMerge(event, links: links, into: &keys)
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

    /// The most merge links followed from one contact. Merges never link a loop (see
    /// ``routeMerge(_:links:into:)``); the bound only keeps a damaged link table from
    /// hanging the fold.
    static let chainLimit = 1_000

    /// Follows merge links from `id` to the visible contact that holds its history.
    func resolve(_ id: String, _ links: LinkTable) -> String {
        // Most logs never merge a contact: one lookup of a fixed key skips the rest.
        guard links[Self.mergesSeen] != nil else { return id }
        var current = id
        for _ in 0..<Self.chainLimit {
            guard let next = links["alias:" + current], next != current else { return current }
            current = next
        }
        return current
    }

    /// Routes `ContactMerged` (survivor S, merged ids M) and links the merged contacts.
    ///
    /// - An id of M equal to S is ignored (a contact is no duplicate of itself); a merge
    ///   naming nothing else changes nothing.
    /// - A contact of M merged before (it has a link) stays where its history is.
    /// - The others are linked to the *leader*, which absorbs them: S when S is visible.
    ///   When S was merged away, the contact holding its history now (the end of its
    ///   chain, R) leads, unless R is itself among M: then the merge closes a loop, and
    ///   S takes over instead. S is unlinked and R linked to S, so S is visible again
    ///   with the whole group's history, and everything linked to R follows to S.
    ///
    /// The merged contacts come first and the leader last: the leader's fold reads them
    /// as this merge left them (``CustomerProjection/apply(_:to:context:)``). Merge links
    /// always point at a visible contact when written, so they never form a loop.
    func routeMerge(_ event: ProjectedEvent, links: LinkTable, into keys: inout [String]) {
        guard let survivor = event.string("customerId") else { return }
        let merged = event.strings("mergedCustomerIds") ?? []
        guard merged.contains(where: { $0 != survivor }) else { return }
        links[Self.mergesSeen] = "1"
        let holder = resolve(survivor, links)
        let closesLoop = holder != survivor && merged.contains(holder)
        let leader = closesLoop ? survivor : holder
        for id in merged where id != survivor && id != leader && links["alias:" + id] == nil && !keys.contains(id) {
            links["alias:" + id] = leader
            keys.append(id)
        }
        if closesLoop { links["alias:" + survivor] = nil }
        keys.append(leader)
    }
}
