import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension CustomersCommand {
    /// `customers list`: customers filtered by stage and owner, sorted, limited.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List customers, filtered by lifecycle stage and owner, sorted by a field.",
            discussion: """
                Sort fields: \(CustomerListing.SortField.allCases.map(\.rawValue).joined(separator: ", ")). \
                Figures sort largest or latest first; id, name and stage smallest first. \
                Contacts merged into another are left out. Currencies are never compared: \
                monetary ranks by the order total in one currency, --currency or else the \
                currency most of the listed customers' orders are in (the first by code on a \
                tie), and customers with no order in it come last, by id; the header and the \
                JSON (`sort.currency`) name it.

                Examples:
                  ledgerline customers list --stage customer --sort monetary --limit 10
                  ledgerline customers list --sort monetary --currency EUR
                  ledgerline customers list --owner rep-7 --json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @OptionGroup var pipelineOptions: CustomersCommand.PipelineOptions
        @Option(help: "Only this lifecycle stage (\(LifecycleStage.allCases.map(\.rawValue).joined(separator: ", "))).")
        var stage: String?
        @Option(help: "Only customers this user owns.") var owner: String?
        @Option(help: "Sort by this field.") var sort: String = "id"
        @Option(help: "At most this many customers.") var limit: Int = 50
        @Option(
            help: ArgumentHelp(
                "With --sort monetary: rank by the order total in this currency. Default: the currency most of the listed customers' orders are in.",
                valueName: "code"))
        var currency: String?

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be zero or more") }
            _ = try selection()
        }

        /// The sort field and the lifecycle stage asked for; a usage error when either
        /// names none, found before the store opens.
        func selection() throws(ValidationError) -> (sort: CustomerListing.SortField, stage: LifecycleStage?) {
            guard let field = CustomerListing.SortField(rawValue: sort) else {
                throw ValidationError(
                    "--sort \(sort.prefix(40)) is not a field to sort by; use one of \(CustomerListing.SortField.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let currency {
                guard field == .monetary else {
                    throw ValidationError(
                        "--currency picks the currency --sort monetary ranks by; add --sort monetary or leave out --currency")
                }
                guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                    throw ValidationError(
                        "--currency \(currency.prefix(40)) is not a currency code as events write them: three capital letters such as USD or EUR")
                }
            }
            guard let stage else { return (field, nil) }
            // Spelled as listed, like every other enumerated option (--sort, --status, --by):
            // CRM spellings such as `MQL` are for imports, not for options.
            guard let parsed = LifecycleStage(rawValue: stage) else {
                throw ValidationError(
                    "--stage \(stage.prefix(40)) is not a lifecycle stage; use one of \(LifecycleStage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return (field, parsed)
        }

        func run() async throws {
            try await CommandErrors.run {
                let (field, lifecycle) = try selection()
                let pipelines = try pipelineOptions.load()
                let session = try await ViewSession.open(global, query, views: [CustomerProjection()])
                defer { session.close() }
                let states = try session.queries.states(in: CustomerProjection(), at: session.point)
                let listing = CustomerListing(
                    states, query: .init(stage: lifecycle, owner: owner, sort: field, limit: limit, currency: currency),
                    referenceTime: session.point.referenceTime, pipelines: pipelines)
                let ranked = listing.monetaryCurrency
                if query.json {
                    let value: JSONValue = [
                        "asOf": .point(session.point), "matched": .number(JSONNumber(listing.matched)),
                        "sort": ["field": .string(field.rawValue), "currency": ranked.map { .string($0) } ?? .null],
                        "customers": .array(listing.customers.map(\.listJSON)),
                    ]
                    Output.line(JSONWriter.prettyString(value))
                } else {
                    var table = TextTable(
                        [
                            "CUSTOMER", "NAME", "STAGE", "OWNER", "LAST ACTIVITY", "RECENCY", "ORDERS",
                            ranked.map { "MONETARY (RANKED BY \($0))" } ?? "MONETARY", "OPEN DEALS",
                        ], rightAligned: [5, 6, 8])
                    for c in listing.customers {
                        let s = c.state
                        table.add([
                            s.entity, Figures.text(s.identity.name), Figures.text(s.lifecycle?.rawValue),
                            Figures.text(s.identity.ownerId),
                            Figures.day(s.lastActivityAt), c.recencyDays.map { "\($0) d" } ?? "—",
                            Int(c.frequency).grouped,
                            Figures.bag(s.orders.bag, first: ranked), "\(c.openDeals.count)",
                        ])
                    }
                    table.print()
                    Output.line("")
                    let order = field == .monetary ? " by monetary in \(ranked ?? "any currency (no orders)")" : ""
                    Output.line(
                        "\(listing.customers.count) of \(listing.matched.grouped) customers\(order) · \(session.header)")
                }
                Output.flush()
            }
        }
    }
}
