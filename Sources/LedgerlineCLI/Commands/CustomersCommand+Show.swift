import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension CustomersCommand {
    /// `customers show ID`: the whole customer card.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show one customer: identity, lifecycle, consent, activity, RFM, orders, deals, scores, variants, tags.",
            discussion: """
                Example:
                  ledgerline customers show C100042 --now 1998-07-01
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @OptionGroup var pipelineOptions: CustomersCommand.PipelineOptions
        @Argument(help: "The customer id (the events' customerId).") var id: String

        /// An empty id names no customer whatever the views hold: a usage error.
        func validate() throws {
            if id.isEmpty {
                throw ValidationError("the customer id is empty; give a customerId, as `ledgerline customers list` shows them")
            }
        }

        func run() async throws {
            try await CommandErrors.run {
                let pipelines = try pipelineOptions.load()
                let session = try await ViewSession.open(global, query, views: [CustomerProjection()])
                defer { session.close() }
                guard let state = try session.queries.state(of: id, in: CustomerProjection(), at: session.point) else {
                    throw session.notFound("customer", id, in: "customer", hint: "ledgerline customers list")
                }
                let summary = CustomerSummary(state, referenceTime: session.point.referenceTime, pipelines: pipelines)
                if query.json {
                    session.printJSON(summary.json)
                } else {
                    for line in CustomerCard(summary).lines { Output.line(line) }
                    Output.line("")
                    Output.line(session.header)
                }
                Output.flush()
            }
        }
    }
}

extension JSONValue {
    /// `{"position": …, "referenceTime": …, "head": …}` for the `asOf` of query output.
    static func point(_ point: QueryPoint) -> JSONValue {
        [
            "position": .number(JSONNumber(point.position.rawValue)),
            "referenceTime": .string(point.referenceTime.description), "head": .bool(point.isHead),
        ]
    }
}

/// The customer card as text.
struct CustomerCard {
    let summary: CustomerSummary

    init(_ summary: CustomerSummary) { self.summary = summary }

    var lines: [String] {
        let s = summary.state
        var out: [String] = []
        func row(_ label: String, _ value: String) {
            out.append(label.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        let name = s.identity.name.map { " \($0)" } ?? ""
        let email = s.identity.email.map { " <\($0)>" } ?? ""
        out.append("customer \(s.entity)\(name)\(email)")
        if let survivor = s.mergedInto { row("merged into", survivor) }
        if !s.mergedFrom.isEmpty { row("merged from", s.mergedFrom.joined(separator: ", ")) }
        if let company = s.identity.company { row("company", company) }
        if let title = s.identity.jobTitle { row("job title", title) }
        if let phone = s.identity.phone { row("phone", phone) }
        row("owner", Figures.text(s.identity.ownerId))
        if let zone = s.identity.timezone { row("time zone", zone) }
        row("created", Figures.time(s.createdAt) + (s.identity.source.map { " (\($0))" } ?? ""))
        if let stage = s.lifecycle {
            let last = s.lifecycleHistory.last
            row("stage", stage.rawValue + (last.map { " since \(Figures.day($0.at)), by \($0.cause)" } ?? ""))
            if s.lifecycleHistory.count > 1 {
                row("", s.lifecycleHistory.map { "\($0.to.rawValue) \(Figures.day($0.at))" }.joined(separator: " → "))
            }
        } else {
            row("stage", "—")
        }
        row(
            "consent",
            s.consent.isEmpty
                ? "—"
                : s.consent.map { "\($0.channel) \($0.granted ? "granted" : "withdrawn") \(Figures.day($0.at))" }
                    .joined(separator: ", "))
        row("activity", "first \(Figures.time(s.firstActivityAt)), last \(Figures.time(s.lastActivityAt))")
        row(
            "engagement",
            s.engagement.isEmpty
                ? "—" : s.engagement.map { "\($0.activity) \(Int($0.count).grouped)" }.joined(separator: ", "))
        let recency = summary.recencyDays.map { "\($0) days" } ?? "—"
        let monetary =
            summary.monetary.isEmpty
            ? "—"
            : summary.monetary.map { m in
                "\(Figures.money(m.total)) \(m.currency) (average \(m.average.map(Figures.money) ?? "—"), net \(Figures.money(m.net)))"
            }.joined(separator: "; ")
        row("RFM", "recency \(recency) · frequency \(Int(summary.frequency).grouped) · monetary \(monetary)")
        row(
            "orders",
            "\(Int(s.orders.count).grouped) (first \(Figures.day(s.firstOrderAt)), last \(Figures.day(s.lastOrderAt)))")
        if !s.refunds.isEmpty { row("refunds", "\(Int(s.refunds.count).grouped), \(Figures.bag(s.refunds.bag))") }
        for order in s.recentOrders.reversed().prefix(5) {
            let refunded = order.refunded.map { ", refunded \(Figures.money($0))" } ?? ""
            row(
                "",
                "\(Figures.day(order.at))  \(order.orderId ?? "—")  \(Figures.money(order.amount)) \(order.currency)\(refunded)"
            )
        }
        row("deals", "open \(summary.openDeals.count), won \(summary.wonDeals.count), lost \(summary.lostDeals.count)")
        for (status, deals) in [("open", summary.openDeals), ("won", summary.wonDeals), ("lost", summary.lostDeals)] {
            for deal in deals {
                let amount = deal.amount.map { "\(Figures.money($0)) \(deal.currency ?? "")" } ?? "—"
                row("", "\(deal.dealId)  \(deal.name ?? "—")  \(deal.stage ?? "—") (\(status))  \(amount)")
            }
        }
        row(
            "scores",
            s.scores.isEmpty
                ? "—"
                : s.scores.map { "\($0.model) \(String(format: "%.3f", $0.score)) (v\($0.modelVersion))" }.joined(
                    separator: ", "))
        row(
            "variants",
            s.variants.isEmpty
                ? "—" : s.variants.map { "\($0.experimentKey): \($0.variationKey)" }.joined(separator: ", "))
        row("tags", s.tags.isEmpty ? "—" : s.tags.joined(separator: ", "))
        return out
    }
}
