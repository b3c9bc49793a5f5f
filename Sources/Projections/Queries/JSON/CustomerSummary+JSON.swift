import EventLog
import JSON

extension CustomerSummary {
    /// The whole customer card: identity, lifecycle with its history, consent, activity,
    /// RFM, orders and refunds, deals, scores, variants, tags.
    public var json: JSONValue {
        let s = state
        var identity: [String: JSONValue] = ["name": .text(s.identity.name)]
        for field in CustomerIdentity.fields { identity[field] = .text(s.identity[field: field]) }
        return [
            "customerId": .string(s.entity),
            "identity": .object(JSONObject(identity)),
            "createdAt": .time(s.createdAt),
            "mergedInto": .text(s.mergedInto),
            "mergedFrom": .array(s.mergedFrom.map { .string($0) }),
            "lifecycle": [
                "stage": .text(s.lifecycle?.rawValue),
                "history": .array(
                    s.lifecycleHistory.map { t in
                        [
                            "from": .text(t.from?.rawValue), "to": .string(t.to.rawValue), "at": .time(t.at),
                            "cause": .string(t.cause),
                            "position": .int(t.position.rawValue),
                        ]
                    }),
            ],
            "consent": .object(
                JSONObject(
                    Dictionary(
                        uniqueKeysWithValues: s.consent.map { c in
                            (
                                c.channel,
                                ["granted": .bool(c.granted), "at": .time(c.at), "source": .text(c.source)] as JSONValue
                            )
                        }))),
            "activity": [
                "first": .time(s.firstActivityAt), "last": .time(s.lastActivityAt),
                "counts": .object(
                    JSONObject(
                        Dictionary(uniqueKeysWithValues: s.engagement.map { ($0.activity, JSONValue.int($0.count)) }))),
            ],
            "rfm": [
                "referenceTime": .time(referenceTime),
                "recencyDays": .int(recencyDays),
                "frequency": .int(frequency),
                "monetary": .object(
                    JSONObject(
                        Dictionary(
                            uniqueKeysWithValues: monetary.map { m in
                                (
                                    m.currency,
                                    [
                                        "total": .money(m.total), "average": .money(m.average), "net": .money(m.net),
                                        "orders": .int(m.orders),
                                    ] as JSONValue
                                )
                            }))),
            ],
            "orders": [
                "count": .int(s.orders.count), "first": .time(s.firstOrderAt), "last": .time(s.lastOrderAt),
                "total": .bag(s.orders.bag),
                "recent": .array(
                    s.recentOrders.reversed().map { o in
                        [
                            "orderId": .text(o.orderId), "at": .time(o.at), "amount": .money(o.amount),
                            "currency": .string(o.currency),
                            "quantity": .int(o.quantity), "refunded": .money(o.refunded),
                        ]
                    }),
            ],
            "refunds": ["count": .int(s.refunds.count), "total": .bag(s.refunds.bag), "last": .time(s.lastRefundAt)],
            "deals": [
                "open": .array(openDeals.map(Self.json)), "won": .array(wonDeals.map(Self.json)),
                "lost": .array(lostDeals.map(Self.json)),
            ],
            "scores": .object(
                JSONObject(
                    Dictionary(
                        uniqueKeysWithValues: s.scores.map { m in
                            (
                                m.model,
                                [
                                    "score": .ratio(m.score), "modelVersion": .int(m.modelVersion),
                                    "segment": .text(m.segment), "at": .time(m.at),
                                ] as JSONValue
                            )
                        }))),
            "variants": .object(
                JSONObject(
                    Dictionary(
                        uniqueKeysWithValues: s.variants.map { v in
                            (
                                v.experimentKey,
                                [
                                    "variationKey": .string(v.variationKey), "variationId": .int(v.variationId),
                                    "phase": .int(v.phase),
                                    "at": .time(v.at), "exposures": .int(v.exposures),
                                ] as JSONValue
                            )
                        }))),
            "tags": .array(s.tags.map { .string($0) }),
            "leads": .array(s.leads.map { .string($0) }),
        ]
    }

    /// One line of `customers list --json`: the figures a list shows.
    public var listJSON: JSONValue {
        let s = state
        return [
            "customerId": .string(s.entity), "name": .text(s.identity.name), "email": .text(s.identity.email),
            "company": .text(s.identity.company), "ownerId": .text(s.identity.ownerId),
            "stage": .text(s.lifecycle?.rawValue),
            "lastActivity": .time(s.lastActivityAt), "firstOrder": .time(s.firstOrderAt), "lastOrder": .time(s.lastOrderAt),
            "recencyDays": .int(recencyDays), "frequency": .int(frequency),
            "monetary": .bag(s.orders.bag), "openDeals": .int(openDeals.count),
        ]
    }

    static func json(_ deal: CustomerDeal) -> JSONValue {
        [
            "dealId": .string(deal.dealId), "name": .text(deal.name), "pipeline": .text(deal.pipeline),
            "stage": .text(deal.stage),
            "amount": .money(deal.amount), "currency": .text(deal.currency), "updatedAt": .time(deal.updatedAt),
        ]
    }
}
