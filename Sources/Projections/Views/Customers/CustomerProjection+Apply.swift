import EventLog
import JSON

extension CustomerProjection {
    public func apply(_ event: ProjectedEvent, to state: inout CustomerState, context: FoldContext<CustomerState>) {
        if event.kind == .contactMerged {
            applyMerge(event, to: &state, context: context)
            return
        }
        if Self.isActivity[event.kind.index] { state.recordActivity(event) }
        switch event.kind {
        case .contactCreated:
            if state.createdAt == nil || event.occurredAt < state.createdAt! { state.createdAt = event.occurredAt }
            for field in CustomerIdentity.fields {
                if let value = event.string(field) { state.identity[field: field] = value }
            }
            if let tags = event.strings("tags") { state.tags = Array(Set(tags)).sorted() }
            // The stage a contact was created in is where it starts, not a correction:
            // it never moves back a customer whose later activity the view has seen.
            if let stage = event.string("lifecycleStage").flatMap(LifecycleStage.init(parsing:)) {
                if state.lifecycle == nil { state.setLifecycle(stage, event) } else { state.advanceLifecycle(to: stage, event) }
            }
        case .contactUpdated:
            guard let changes = event.object("changes") else { return }
            for (field, value) in changes {
                switch field {
                case "tags":
                    state.tags = Array(Set(value.arrayValue?.compactMap(\.stringValue) ?? [])).sorted()
                case "lifecycleStage":
                    // An explicit change wins, unless a later transition (by business time) already happened.
                    if let stage = value.stringValue.flatMap(LifecycleStage.init(parsing:)),
                        event.occurredAt >= (state.lifecycleHistory.last?.at ?? event.occurredAt)
                    {
                        state.setLifecycle(stage, event)
                    }
                default:
                    if CustomerIdentity.fields.contains(field) { state.identity[field: field] = value.stringValue }
                }
            }
        case .subscribed:
            state.setConsent(event, granted: true)
            state.advanceLifecycle(to: .subscriber, event)
        case .unsubscribed:
            state.setConsent(event, granted: false)
        case .formSubmitted:
            if state.identity.email == nil { state.identity.email = event.string("email") }
            for channel in event.strings("consent") ?? [] {
                state.setConsent(channel: channel, granted: true, at: event.occurredAt, source: "form")
            }
            state.advanceLifecycle(to: .lead, event)
        case .leadCreated:
            if let lead = event.string("leadId") { CustomerState.insertSorted(&state.leads, lead) }
            var fromLead = CustomerIdentity()
            for field in ["email", "firstName", "lastName", "phone", "company", "jobTitle", "ownerId"] {
                fromLead[field: field] = event.string(field)
            }
            state.identity.fillBlanks(from: fromLead)
            state.advanceLifecycle(to: .lead, event)
        case .leadQualified:
            if let lead = event.string("leadId") { CustomerState.insertSorted(&state.leads, lead) }
            state.advanceLifecycle(to: event.string("level") == "sql" ? .sql : .mql, event)
        case .leadDisqualified:
            if let lead = event.string("leadId") { CustomerState.insertSorted(&state.leads, lead) }
        case .orderPlaced:
            state.addOrder(event)
            state.advanceLifecycle(to: .customer, event)
        case .orderRefunded:
            state.addRefund(event)
        case .dealCreated, .dealStageChanged, .dealAmountChanged, .dealWon, .dealLost:
            state.updateDeal(event)
            if event.kind == .dealCreated { state.advanceLifecycle(to: .opportunity, event) }
            if event.kind == .dealWon { state.advanceLifecycle(to: .customer, event) }
        case .scoreUpdated:
            guard let model = event.string("model"), let score = event.double("score") else { return }
            CustomerState.upsert(&state.scores, key: model, by: \.model) { old in
                if let old, old.at > event.occurredAt { return old }
                return ModelScore(
                    model: model, modelVersion: event.int("modelVersion") ?? 0, score: score,
                    segment: event.string("segment"),
                    at: event.occurredAt)
            }
        case .variantAssigned, .experimentExposed:
            guard let key = event.string("experimentKey"), let variation = event.string("variationKey") else { return }
            let exposed: UInt64 = event.kind == .experimentExposed ? 1 : 0
            CustomerState.upsert(&state.variants, key: key, by: \.experimentKey) { old in
                if var old, event.kind == .experimentExposed {
                    old.exposures += 1
                    return old
                }
                return VariantAssignment(
                    experimentKey: key, phase: event.int("phase") ?? 0, variationId: event.int("variationId") ?? 0,
                    variationKey: variation, at: event.occurredAt, exposures: (old?.exposures ?? 0) + exposed)
            }
        default:
            break
        }
    }

    /// A merge as routed by ``routeMerge(_:links:into:)``: each merged contact is marked
    /// (merged into the survivor named by the event), then the leader absorbs the
    /// contacts this merge marked, reading them through `context` as the merge left them.
    ///
    /// The leader is the survivor, or the contact holding the survivor's history when the
    /// survivor was merged away before (it is routed no other way). A survivor that was
    /// merged away and is routed all the same closes a loop: it takes over the row of
    /// the contact at the end of its chain (``CustomerState/takeOver(_:)``) before
    /// absorbing the others. A contact merged before, into anyone, is not absorbed again
    /// (its history is with that survivor, which lists it in ``CustomerState/mergedFrom``).
    private func applyMerge(_ event: ProjectedEvent, to state: inout CustomerState, context: FoldContext<CustomerState>)
    {
        guard let survivor = event.string("customerId") else { return }
        let merged = event.strings("mergedCustomerIds") ?? []
        if state.entity != survivor, merged.contains(state.entity) {
            guard state.mergedInto == nil else { return }
            state.mergedInto = survivor
            // A merge that closes a loop marks the contact that held the survivor's
            // history: its record keeps what it held, but not "merged from" its survivor.
            state.mergedFrom.removeAll { $0 == survivor }
            return
        }
        if state.entity == survivor, let first = state.mergedInto {
            // The end of the chain was marked merged into the survivor by this merge.
            var holder = first
            for _ in 0..<Self.chainLimit {
                guard let next = context.state(of: holder)?.mergedInto, next != survivor else { break }
                holder = next
            }
            if let group = context.state(of: holder) { state.takeOver(group) }
            state.mergedInto = nil
        }
        for id in merged where id != state.entity && id != survivor && !state.mergedFrom.contains(id) {
            guard let other = context.state(of: id), other.mergedInto == survivor else { continue }
            state.absorb(other)
            state.addMergedFrom(id, other.mergedFrom)
        }
    }
}
