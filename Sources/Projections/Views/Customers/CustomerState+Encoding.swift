import EventLog

/// The row format of the customer view. Fields in a fixed order, collections already
/// sorted, so equal states give equal bytes.
extension CustomerState {
    public func encode(to w: inout RowWriter) {
        identity.encode(to: &w)
        w.optionalTimestamp(createdAt)
        w.optionalString(mergedInto)
        w.uint(mergedFrom.count)
        for id in mergedFrom { w.string(id) }

        w.byte(lifecycle.map { $0.code + 1 } ?? 0)
        w.uint(lifecycleHistory.count)
        for t in lifecycleHistory {
            w.byte(t.from.map { $0.code + 1 } ?? 0)
            w.byte(t.to.code)
            w.timestamp(t.at)
            w.string(t.cause)
            w.position(t.position)
        }

        w.uint(consent.count)
        for c in consent {
            w.string(c.channel)
            w.bool(c.granted)
            w.timestamp(c.at)
            w.optionalString(c.source)
        }

        w.optionalTimestamp(firstActivityAt)
        w.optionalTimestamp(lastActivityAt)
        w.uint(engagement.count)
        for e in engagement {
            w.string(e.activity)
            w.uint(e.count)
            w.timestamp(e.lastAt)
        }

        orders.encode(to: &w)
        w.optionalTimestamp(firstOrderAt)
        w.optionalTimestamp(lastOrderAt)
        refunds.encode(to: &w)
        w.optionalTimestamp(lastRefundAt)
        w.uint(recentOrders.count)
        for o in recentOrders {
            w.optionalString(o.orderId)
            w.timestamp(o.at)
            w.money(o.amount)
            w.string(o.currency)
            w.int(o.quantity)
            w.optionalMoney(o.refunded)
        }

        w.uint(deals.count)
        for d in deals {
            w.string(d.dealId)
            w.optionalString(d.name)
            w.optionalString(d.pipeline)
            w.optionalString(d.stage)
            w.optionalMoney(d.amount)
            w.optionalString(d.currency)
            w.byte(d.outcome.rawValue)
            w.timestamp(d.updatedAt)
        }

        w.uint(scores.count)
        for s in scores {
            w.string(s.model)
            w.int(s.modelVersion)
            w.double(s.score)
            w.optionalString(s.segment)
            w.timestamp(s.at)
        }

        w.uint(variants.count)
        for v in variants {
            w.string(v.experimentKey)
            w.int(v.phase)
            w.int(v.variationId)
            w.string(v.variationKey)
            w.timestamp(v.at)
            w.uint(v.exposures)
        }

        w.uint(tags.count)
        for tag in tags { w.string(tag) }
        w.uint(leads.count)
        for lead in leads { w.string(lead) }
    }

    public init(decoding r: inout RowReader, entity: String) throws(ProjectionError) {
        self.entity = entity
        identity = try CustomerIdentity(decoding: &r)
        createdAt = try r.optionalTimestamp()
        mergedInto = try r.optionalString()
        mergedFrom = try Self.strings(&r)

        lifecycle = try Self.stage(&r, optional: true)
        let transitions = try r.count()
        lifecycleHistory.reserveCapacity(transitions)
        for _ in 0..<transitions {
            let from = try Self.stage(&r, optional: true)
            guard let to = try Self.stage(&r, optional: false) else { throw r.damaged("a lifecycle stage is missing") }
            lifecycleHistory.append(
                LifecycleTransition(
                    from: from, to: to, at: try r.timestamp(), cause: try r.string(), position: try r.position()))
        }

        for _ in 0..<(try r.count()) {
            consent.append(
                ConsentRecord(
                    channel: try r.string(), granted: try r.bool(), at: try r.timestamp(),
                    source: try r.optionalString()))
        }

        firstActivityAt = try r.optionalTimestamp()
        lastActivityAt = try r.optionalTimestamp()
        for _ in 0..<(try r.count()) {
            guard let kind = EventKind(rawValue: try r.string()), kind != .other else {
                throw r.damaged("an activity type is unknown")
            }
            engagement.append(EngagementCount(kind: kind, count: try r.uint(), lastAt: try r.timestamp()))
        }

        orders = try MoneyTally(decoding: &r)
        firstOrderAt = try r.optionalTimestamp()
        lastOrderAt = try r.optionalTimestamp()
        refunds = try MoneyTally(decoding: &r)
        lastRefundAt = try r.optionalTimestamp()
        for _ in 0..<(try r.count()) {
            recentOrders.append(
                OrderSummary(
                    orderId: try r.optionalString(), at: try r.timestamp(), amount: try r.money(),
                    currency: try r.string(),
                    quantity: try r.int(), refunded: try r.optionalMoney()))
        }

        for _ in 0..<(try r.count()) {
            let dealId = try r.string()
            let name = try r.optionalString()
            let pipeline = try r.optionalString()
            let stage = try r.optionalString()
            let amount = try r.optionalMoney()
            let currency = try r.optionalString()
            guard let outcome = DealOutcome(rawValue: try r.byte()) else {
                throw r.damaged("a deal outcome is unknown")
            }
            deals.append(
                CustomerDeal(
                    dealId: dealId, name: name, pipeline: pipeline, stage: stage, amount: amount, currency: currency,
                    outcome: outcome, updatedAt: try r.timestamp()))
        }

        for _ in 0..<(try r.count()) {
            scores.append(
                ModelScore(
                    model: try r.string(), modelVersion: try r.int(), score: try r.double(),
                    segment: try r.optionalString(), at: try r.timestamp()))
        }

        for _ in 0..<(try r.count()) {
            variants.append(
                VariantAssignment(
                    experimentKey: try r.string(), phase: try r.int(), variationId: try r.int(),
                    variationKey: try r.string(),
                    at: try r.timestamp(), exposures: try r.uint()))
        }

        tags = try Self.strings(&r)
        leads = try Self.strings(&r)
    }

    private static func strings(_ r: inout RowReader) throws(ProjectionError) -> [String] {
        let n = try r.count()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try r.string()) }
        return out
    }

    private static func stage(_ r: inout RowReader, optional: Bool) throws(ProjectionError) -> LifecycleStage? {
        let code = try r.byte()
        if optional {
            if code == 0 { return nil }
            guard let stage = LifecycleStage(code: code - 1) else { throw r.damaged("a lifecycle stage is unknown") }
            return stage
        }
        guard let stage = LifecycleStage(code: code) else { throw r.damaged("a lifecycle stage is unknown") }
        return stage
    }
}
