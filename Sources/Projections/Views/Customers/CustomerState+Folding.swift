import EventLog

/// The state changes the customer fold is made of, one per concern.
extension CustomerState {
    /// Counts an interaction and widens the activity span.
    mutating func recordActivity(_ event: ProjectedEvent) {
        let at = event.occurredAt
        if firstActivityAt == nil || at < firstActivityAt! { firstActivityAt = at }
        if lastActivityAt == nil || at > lastActivityAt! { lastActivityAt = at }
        addEngagement(event.kind, count: 1, lastAt: at)
    }

    /// Adds to the count of one activity, keeping ``engagement`` sorted by type name.
    /// A handful of entries: a linear search on the kind beats comparing names.
    mutating func addEngagement(_ kind: EventKind, count: UInt64, lastAt: Timestamp) {
        for i in engagement.indices where engagement[i].kind == kind {
            engagement[i].count += count
            if lastAt > engagement[i].lastAt { engagement[i].lastAt = lastAt }
            return
        }
        let name = kind.rawValue
        let i = engagement.firstIndex { $0.activity > name } ?? engagement.count
        // Customers see three to six kinds of activity: one allocation instead of
        // growing 1, 2, 4, 8 (each growth a copy and a free on the fold's hot path).
        if engagement.capacity == 0 { engagement.reserveCapacity(6) }
        engagement.insert(EngagementCount(kind: kind, count: count, lastAt: lastAt), at: i)
    }

    /// Sets the lifecycle stage whatever it was (an explicit `lifecycleStage`).
    mutating func setLifecycle(_ stage: LifecycleStage, _ event: ProjectedEvent) {
        setLifecycle(stage, event, from: lifecycle)
    }

    /// Sets the lifecycle stage, recording a step from `from` (the stage before the
    /// event's time).
    private mutating func setLifecycle(_ stage: LifecycleStage, _ event: ProjectedEvent, from: LifecycleStage?) {
        guard stage != lifecycle else { return }
        if lifecycleHistory.capacity == 0 { lifecycleHistory.reserveCapacity(4) }
        lifecycleHistory.append(
            LifecycleTransition(
                from: from, to: stage, at: event.occurredAt, cause: event.kind.rawValue, position: event.position))
        if lifecycleHistory.count > LifecycleTransition.historyLimit { lifecycleHistory.removeFirst() }
        lifecycle = stage
    }

    /// Moves the lifecycle stage forward to at least `stage` (see ``LifecycleStage``) as
    /// of `event`'s business time. Imports need not come in time order, and the history
    /// stays in time order:
    /// - An event older than the latest explicit change changes nothing (as an explicit
    ///   change older than the latest step changes nothing): an order from before the
    ///   churn does not undo it.
    /// - A step is recorded at the event's time. Implied steps recorded later than that
    ///   since the latest explicit change are dropped: stages only move forward, so they
    ///   could not have happened (a form filled after the first order made no one a lead).
    /// - An event implying the stage the customer is in, earlier than the step into it,
    ///   moves that step back to its own time, by the same rule: a customer is a customer
    ///   since their earliest order, whatever order the orders were imported in.
    mutating func advanceLifecycle(to stage: LifecycleStage, _ event: ProjectedEvent) {
        let at = event.occurredAt
        let next = lifecycle?.advanced(to: stage) ?? stage
        // Most events come in time order: nothing recorded is later, nothing to reorder.
        guard let latest = lifecycleHistory.last, at < latest.at else {
            if next != lifecycle { setLifecycle(next, event) }
            return
        }
        let explicit = lifecycleHistory.lastIndex(where: \.isExplicit)
        if let explicit, at < lifecycleHistory[explicit].at { return }
        if next != lifecycle {
            let dropped = dropImpliedSteps(after: at, since: explicit)
            setLifecycle(next, event, from: dropped.first.map(\.from) ?? lifecycle)
        } else if stage == next, latest.to == stage, !latest.isExplicit {
            var step = lifecycleHistory.removeLast()
            if let earlier = dropImpliedSteps(after: at, since: explicit).first { step.from = earlier.from }
            step.at = at
            step.cause = event.kind.rawValue
            step.position = event.position
            lifecycleHistory.append(step)
        }
    }

    /// Removes and returns the steps after the one at `explicit` (all when `nil`)
    /// recorded later than `at`: the history is in time order, so they are its tail.
    private mutating func dropImpliedSteps(after at: Timestamp, since explicit: Int?)
        -> ArraySlice<LifecycleTransition>
    {
        let start = explicit.map { $0 + 1 } ?? 0
        guard let first = lifecycleHistory[start...].firstIndex(where: { $0.at > at }) else { return [] }
        let dropped = lifecycleHistory[first...]
        lifecycleHistory.removeSubrange(first...)
        return dropped
    }

    /// `Subscribed` / `Unsubscribed`: consent on the event's channel.
    mutating func setConsent(_ event: ProjectedEvent, granted: Bool) {
        guard let channel = event.string("channel") else { return }
        setConsent(channel: channel, granted: granted, at: event.occurredAt, source: event.string("source"))
    }

    /// The latest word on a channel wins; an older event arriving late changes nothing.
    mutating func setConsent(channel: String, granted: Bool, at: Timestamp, source: String?) {
        Self.upsert(&consent, key: channel, by: \.channel) { old in
            if let old, old.at > at { return old }
            return ConsentRecord(channel: channel, granted: granted, at: at, source: source)
        }
    }

    mutating func addOrder(_ event: ProjectedEvent) {
        guard let amount = event.money("amount"), let currency = event.string("currency") else { return }
        let at = event.occurredAt
        orders.add(amount, currency)
        if firstOrderAt == nil || at < firstOrderAt! { firstOrderAt = at }
        if lastOrderAt == nil || at > lastOrderAt! { lastOrderAt = at }
        let order = OrderSummary(
            orderId: event.string("orderId"), at: at, amount: amount, currency: currency,
            quantity: event.int("quantity") ?? 1)
        insertRecent(order)
    }

    /// Keeps ``recentOrders`` sorted by time (ties in log order) and at most ``OrderSummary/recentLimit`` long.
    mutating func insertRecent(_ order: OrderSummary) {
        if recentOrders.count >= OrderSummary.recentLimit, let oldest = recentOrders.first, order.at < oldest.at {
            return
        }
        // Most buyers order one to four times: room for four up front.
        if recentOrders.capacity == 0 { recentOrders.reserveCapacity(4) }
        var i = recentOrders.count
        while i > 0, recentOrders[i - 1].at > order.at { i -= 1 }
        recentOrders.insert(order, at: i)
        if recentOrders.count > OrderSummary.recentLimit { recentOrders.removeFirst() }
    }

    mutating func addRefund(_ event: ProjectedEvent) {
        guard let amount = event.money("amount"), let currency = event.string("currency") else { return }
        refunds.add(amount, currency)
        if lastRefundAt == nil || event.occurredAt > lastRefundAt! { lastRefundAt = event.occurredAt }
        if let orderId = event.string("orderId"),
            let i = recentOrders.lastIndex(where: { $0.orderId == orderId && $0.currency == currency })
        {
            recentOrders[i].refunded = (recentOrders[i].refunded ?? .zero) + amount
        }
    }

    /// Keeps the customer's summary of one deal current.
    mutating func updateDeal(_ event: ProjectedEvent) {
        guard let dealId = event.string("dealId") else { return }
        Self.upsert(&deals, key: dealId, by: \.dealId) { old in
            var deal =
                old
                ?? CustomerDeal(
                    dealId: dealId, name: nil, pipeline: nil, stage: nil, amount: nil, currency: nil, outcome: .open,
                    updatedAt: event.occurredAt)
            deal.updatedAt = max(deal.updatedAt, event.occurredAt)
            switch event.kind {
            case .dealCreated:
                deal.name = event.string("name") ?? deal.name
                deal.pipeline = event.string("pipeline") ?? deal.pipeline
                deal.stage = event.string("stage") ?? deal.stage
                if let amount = event.money("amount") {
                    deal.amount = amount
                    deal.currency = event.string("currency")
                }
            case .dealStageChanged:
                deal.stage = event.string("toStage") ?? deal.stage
                deal.pipeline = event.string("pipeline") ?? deal.pipeline
                deal.outcome = .open
            case .dealAmountChanged:
                deal.amount = event.money("amount") ?? deal.amount
                deal.currency = event.string("currency") ?? deal.currency
            case .dealWon, .dealLost:
                deal.outcome = event.kind == .dealWon ? .won : .lost
                deal.stage = event.string("stage") ?? deal.stage
                if let amount = event.money("amount") {
                    deal.amount = amount
                    deal.currency = event.string("currency")
                }
            default:
                break
            }
            return deal
        }
    }
}
