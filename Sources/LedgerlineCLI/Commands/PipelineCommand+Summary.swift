import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension PipelineCommand {
    /// `pipeline summary [--by stage|owner]`.
    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Open deals per stage (or owner) with count, amount and weighted amount; won, lost, win rate, cycle time.",
            discussion: """
                Weighted amount = amount × the stage's probability, exact, per currency. Win \
                rate = won ÷ (won + lost). Average cycle = mean days from opening to closing, \
                over won deals; a deal closed "before" it was opened (events imported out of \
                time order) counts 0 days. With --from/--to, open deals are those opened in \
                the period; won, lost, win rate and cycle time count deals closed in it.

                Examples:
                  ledgerline pipeline summary
                  ledgerline pipeline summary --by owner --json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @OptionGroup var pipelineOptions: CustomersCommand.PipelineOptions
        @OptionGroup var filterOptions: PipelineCommand.FilterOptions
        @Option(help: "Group open deals by stage or owner.") var by: String = "stage"

        func validate() throws {
            _ = try grouping()
        }

        /// What `--by` names; a usage error when it names no grouping.
        func grouping() throws(ValidationError) -> PipelineSummary.Grouping {
            guard let grouping = PipelineSummary.Grouping(rawValue: by) else {
                throw ValidationError("--by \(by.prefix(40)) is not a grouping; use stage or owner")
            }
            return grouping
        }

        func run() async throws {
            try await CommandErrors.run {
                let grouping = try grouping()
                let filter = try filterOptions.filter()
                let configuration = try pipelineOptions.load()
                let session = try await ViewSession.open(global, query, views: [PipelineProjection()])
                defer { session.close() }
                let (deals, book) = try PipelineCommand.deals(session, configuration)
                if let pipeline = filter.pipeline { try book.checkKnown(pipeline, deals: deals) }
                let summary = PipelineSummary(deals: deals, book: book, grouping: grouping, filter: filter)
                if query.json {
                    session.printJSON(summary.json)
                } else {
                    for section in summary.sections { print(section, grouping: grouping) }
                    if summary.sections.isEmpty { Output.line("no deals") }
                    Output.line(session.header)
                }
                Output.flush()
            }
        }

        private func print(_ section: PipelineSummary.Section, grouping: PipelineSummary.Grouping) {
            Output.line(PipelineCommand.title(section.pipelineId, section.name, configured: section.isConfigured))
            switch grouping {
            case .stage:
                var table = TextTable(["STAGE", "PROBABILITY", "DEALS", "AMOUNT", "WEIGHTED"], rightAligned: [1, 2])
                for row in section.rows {
                    switch row.kind {
                    case .stage(let configured, let probability):
                        table.add([
                            row.label + (configured ? "" : " (not configured)"),
                            probability.map { Figures.percent($0.doubleValue) } ?? "—", row.open.count.grouped,
                            Figures.bag(row.open.amount), Figures.bag(row.open.weighted),
                        ])
                    case .won: table.add([row.label, "", row.won.count.grouped, Figures.bag(row.won.amount), ""])
                    case .lost: table.add([row.label, "", row.lost.count.grouped, Figures.bag(row.lost.amount), ""])
                    case .owner: break
                    }
                }
                table.print()
            case .owner:
                var table = TextTable(
                    ["OWNER", "OPEN", "AMOUNT", "WEIGHTED", "WON", "LOST", "WIN RATE"], rightAligned: [1, 4, 5, 6])
                for row in section.rows {
                    table.add([
                        row.key, row.open.count.grouped, Figures.bag(row.open.amount), Figures.bag(row.open.weighted),
                        row.won.count.grouped, row.lost.count.grouped, Figures.percent(row.winRate),
                    ])
                }
                table.print()
            }
            let unweighted = section.open.unweighted > 0 ? " (\(section.open.unweighted) without a weight)" : ""
            Output.line(
                "open \(section.open.count.grouped) deals · \(Figures.bag(section.open.amount)) · weighted \(Figures.bag(section.open.weighted))\(unweighted)"
            )
            Output.line(
                "won \(section.won.count.grouped) · lost \(section.lost.count.grouped) · win rate \(Figures.percent(section.winRate)) · average cycle \(Figures.days(section.averageCycleDaysWon)) days (won), \(Figures.days(section.averageCycleDaysLost)) days (lost)"
            )
            Output.line("")
        }
    }
}
