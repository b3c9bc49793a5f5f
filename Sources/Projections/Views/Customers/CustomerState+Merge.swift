import EventLog

/// Merging duplicate contacts: the survivor takes over what the merged contact did.
extension CustomerState {
    /// Adds `other`'s history to this customer: counts and totals add up, spans widen,
    /// per-key facts (consent, scores) keep the latest, identity keeps this contact's
    /// fields and fills its blanks from `other`. (Merge bookkeeping, ``mergedInto`` and
    /// ``mergedFrom``, is the caller's.)
    mutating func absorb(_ other: CustomerState) {
        identity.fillBlanks(from: other.identity)
        if let created = other.createdAt, createdAt == nil || created < createdAt! { createdAt = created }
        if let stage = other.lifecycle, lifecycle == nil || (stage > lifecycle! && lifecycle != .churned) {
            lifecycle = stage
        }

        for c in other.consent { setConsent(channel: c.channel, granted: c.granted, at: c.at, source: c.source) }
        firstActivityAt = Self.earlier(firstActivityAt, other.firstActivityAt)
        lastActivityAt = Self.later(lastActivityAt, other.lastActivityAt)
        for e in other.engagement { addEngagement(e.kind, count: e.count, lastAt: e.lastAt) }

        orders.add(other.orders)
        refunds.add(other.refunds)
        firstOrderAt = Self.earlier(firstOrderAt, other.firstOrderAt)
        lastOrderAt = Self.later(lastOrderAt, other.lastOrderAt)
        lastRefundAt = Self.later(lastRefundAt, other.lastRefundAt)
        for order in other.recentOrders { insertRecent(order) }

        for deal in other.deals { Self.upsert(&deals, key: deal.dealId, by: \.dealId) { old in old ?? deal } }
        for score in other.scores {
            Self.upsert(&scores, key: score.model, by: \.model) { old in
                guard let old, old.at >= score.at else { return score }
                return old
            }
        }
        for variant in other.variants {
            Self.upsert(&variants, key: variant.experimentKey, by: \.experimentKey) { old in old ?? variant }
        }
        for tag in other.tags { Self.insertSorted(&tags, tag) }
        for lead in other.leads { Self.insertSorted(&leads, lead) }
    }

    /// Records that this customer holds `id`'s history and, with it, the history of the
    /// contacts merged into `id` before (`idsMergedFrom`).
    mutating func addMergedFrom(_ id: String, _ idsMergedFrom: [String]) {
        for other in idsMergedFrom + [id] where other != entity { Self.insertSorted(&mergedFrom, other) }
    }

    /// Takes over `group`, the row that holds this (merged away) contact's history: a
    /// merge made this contact the survivor of the contact it had been merged into,
    /// directly or through others. The row becomes `group`'s, whose history includes
    /// this contact's own; identity keeps this contact's fields as it was merged away and
    /// fills its blanks from `group`'s, as ``absorb(_:)`` does.
    mutating func takeOver(_ group: CustomerState) {
        var taken = group
        taken.entity = entity
        taken.identity = identity
        taken.identity.fillBlanks(from: group.identity)
        taken.mergedInto = nil
        taken.mergedFrom = []
        taken.addMergedFrom(group.entity, mergedFrom + group.mergedFrom)
        self = taken
    }

    private static func earlier(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    private static func later(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }
}
