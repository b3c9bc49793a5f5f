import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension PipelineCommand {
    /// `pipeline deal ID`.
    struct Deal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one deal: status, amount and weight, and its stage history with time in each stage.",
            discussion: """
                Example:
                  ledgerline pipeline deal D-7 --as-of 2026-11-01
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @OptionGroup var pipelineOptions: CustomersCommand.PipelineOptions
        @Argument(help: "The deal id (the events' dealId).") var id: String

        /// An empty id names no deal whatever the views hold: a usage error.
        func validate() throws {
            if id.isEmpty {
                throw ValidationError("the deal id is empty; give a dealId, as the pipeline's events name it")
            }
        }

        func run() async throws {
            try await CommandErrors.run {
                let configuration = try pipelineOptions.load()
                let session = try await ViewSession.open(global, query, views: [PipelineProjection()])
                defer { session.close() }
                guard let deal = try session.queries.state(of: id, in: PipelineProjection(), at: session.point) else {
                    throw session.notFound("deal", id, in: "pipeline", hint: "ledgerline pipeline summary")
                }
                // Inferring an unconfigured pipeline's order needs its other deals; a configured one does not.
                let others =
                    deal.pipeline.flatMap { configuration.pipeline($0) } == nil
                    ? try session.queries.states(in: PipelineProjection(), at: session.point) : [deal]
                let reading = DealReading(deal, book: PipelineBook(configuration: configuration, deals: others))
                if query.json {
                    session.printJSON(reading.json(referenceTime: session.point.referenceTime))
                } else {
                    print(reading, session)
                }
                Output.flush()
            }
        }

        private func print(_ reading: DealReading, _ session: ViewSession) {
            let d = reading.deal
            func row(_ label: String, _ value: String) {
                Output.line(label.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
            }
            Output.line("deal \(d.entity)\(d.name.map { " \($0)" } ?? "")")
            row("pipeline", "\(Figures.text(d.pipeline))\(reading.pipeline.isConfigured ? "" : " (not configured)")")
            row(
                "stage",
                "\(Figures.text(d.stage))\(reading.stage == nil && d.stage != nil ? " (not configured)" : "") · \(reading.status.name)"
            )
            row("owner", Figures.text(d.ownerId))
            row("customer", Figures.text(d.customerId))
            let amount = d.amount.map { "\(Figures.money($0)) \(d.currency ?? "")" } ?? "—"
            let weighted = reading.weightedAmount.map { "\(Figures.money($0)) \(d.currency ?? "")" } ?? "—"
            row(
                "amount",
                "\(amount) · probability \(reading.probability.map { Figures.percent($0.doubleValue) } ?? "—") · weighted \(weighted)"
            )
            row(
                "opened",
                Figures.time(d.createdAt) + (d.hasCreation ? "" : " (first event seen; DealCreated not in the log)"))
            row(
                "closed",
                Figures.time(reading.closedAt) + (reading.cycleDays.map { " after \(Figures.days($0)) days" } ?? "")
                    + (d.closeReason.map { " · \($0)" } ?? ""))
            Output.line("")
            var table = TextTable(["STAGE", "ENTERED", "DAYS"], rightAligned: [2])
            for stay in DealTimeline(reading, referenceTime: session.point.referenceTime).stays {
                let days =
                    stay.inferred
                    ? "unknown" : Figures.days(stay.days) + (stay.isCurrent && stay.days != nil ? " (so far)" : "")
                table.add([
                    stay.stage, stay.inferred ? "before \(Figures.time(stay.enteredAt))" : Figures.time(stay.enteredAt),
                    days,
                ])
            }
            table.print()
            Output.line("")
            Output.line(session.header)
        }
    }
}
