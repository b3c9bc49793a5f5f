import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension PipelineCommand {
    /// `pipeline funnel`.
    struct Funnel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Stage-to-stage funnel per pipeline: deals that reached each stage, conversion, time in stage, win rate.",
            discussion: """
                Rows follow the configured stage order (lost stages left out). REACHED counts \
                deals whose furthest stage is this one or later (a skipped stage counts as \
                passed); ENTERED counts deals whose history holds the stage itself; CONVERSION \
                is REACHED ÷ REACHED of the row above. Win rate = won ÷ (won + lost). With \
                --from/--to the cohort is the deals opened in the period. A pipeline the \
                configuration does not list gets its stage order from the deals (the average \
                position at which they entered each stage; stages named won/lost last), and \
                stages a pipeline does not list are shown apart.

                Examples:
                  ledgerline pipeline funnel
                  ledgerline pipeline funnel --pipeline default --from 2026-01-01 --json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var query: ViewQueryOptions
        @OptionGroup var pipelineOptions: CustomersCommand.PipelineOptions
        @OptionGroup var filterOptions: PipelineCommand.FilterOptions

        func run() async throws {
            try await CommandErrors.run {
                let filter = try filterOptions.filter()
                let configuration = try pipelineOptions.load()
                let session = try await ViewSession.open(global, query, views: [PipelineProjection()])
                defer { session.close() }
                let (deals, book) = try PipelineCommand.deals(session, configuration)
                if let pipeline = filter.pipeline { try book.checkKnown(pipeline, deals: deals) }
                let funnel = PipelineFunnel(deals: deals, book: book, filter: filter)
                if query.json {
                    session.printJSON(funnel.json)
                } else {
                    for section in funnel.sections {
                        Output.line(
                            PipelineCommand.title(section.pipelineId, section.name, configured: section.isConfigured))
                        var table = TextTable(
                            ["STAGE", "REACHED", "CONVERSION", "ENTERED", "AVG DAYS IN STAGE", "OPEN NOW"],
                            rightAligned: [1, 2, 3, 4, 5])
                        for row in section.rows {
                            table.add([
                                row.name, row.reached.grouped, row.conversion.map { Figures.percent($0) } ?? "",
                                row.entered.grouped,
                                Figures.days(row.averageDaysInStage), row.outcome == .open ? row.current.grouped : "",
                            ])
                        }
                        table.print()
                        Output.line(
                            "\(section.deals.grouped) deals: \(section.open.grouped) open, \(section.won.grouped) won, \(section.lost.grouped) lost · win rate \(Figures.percent(section.winRate))"
                        )
                        if !section.lostAt.isEmpty {
                            Output.line(
                                "lost after reaching: "
                                    + section.lostAt.map { "\($0.stage) \($0.count.grouped)" }.joined(separator: ", "))
                        }
                        if !section.unconfiguredStages.isEmpty {
                            Output.line(
                                "stages not configured: "
                                    + section.unconfiguredStages.map { "\($0.stage) (\($0.entered.counted("deal")))" }
                                    .joined(separator: ", "))
                        }
                        Output.line("")
                    }
                    if funnel.sections.isEmpty { Output.line("no deals") }
                    Output.line(session.header)
                }
                Output.flush()
            }
        }
    }
}
