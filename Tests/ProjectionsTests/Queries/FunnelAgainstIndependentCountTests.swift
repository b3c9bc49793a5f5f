import EventLog
import JSON
import Projections
import Testing

/// The funnel and win rate of random pipelines, checked against a count written
/// straight from the definitions in the Projections article (not from the view code):
/// reached(s) = deals whose furthest progression stage is s or later; a won deal has
/// reached the won stage; win rate = won / (won + lost).
@Suite struct FunnelAgainstIndependentCountTests {
    @Test(arguments: [11, 12, 13, 14])
    func funnelAndWinRateMatchAnIndependentCount(seed: UInt64) async throws {
        var random = RandomLog(seed: seed)
        let progression = ["new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation", "won"]
        var log = TestLog()
        var furthest: [Int] = []
        var outcomes: [String] = []
        for d in 0..<150 {
            var at = Double(d)
            var stage = random.below(3)
            var best = stage
            log.add(
                "DealCreated", "deal-\(d)",
                [
                    "dealId": .string("d\(d)"), "name": "x", "pipeline": "default",
                    "stage": .string(progression[stage]), "ownerId": "u",
                ], day: at)
            for _ in 0..<random.below(6) {
                let next = max(0, min(5, stage + random.below(5) - 1))  // mostly forward, sometimes back, skipping
                at += 1
                log.add(
                    "DealStageChanged", "deal-\(d)",
                    [
                        "dealId": .string("d\(d)"), "fromStage": .string(progression[stage]),
                        "toStage": .string(progression[next]), "pipeline": "default",
                    ], day: at)
                stage = next
                best = max(best, next)
            }
            at += 1
            switch random.below(5) {
            case 0:
                log.add(
                    "DealWon", "deal-\(d)", ["dealId": .string("d\(d)"), "amount": "10.00", "currency": "USD"], day: at)
                outcomes.append("won")
                best = 6
            case 1:
                log.add(
                    "DealStageChanged", "deal-\(d)",
                    [
                        "dealId": .string("d\(d)"), "fromStage": .string(progression[stage]), "toStage": "Closed Won",
                        "pipeline": "default",
                    ], day: at)
                outcomes.append("won")
                best = 6
            case 2:
                log.add("DealLost", "deal-\(d)", ["dealId": .string("d\(d)"), "reason": "price"], day: at)
                outcomes.append("lost")
            case 3:
                log.add(
                    "DealStageChanged", "deal-\(d)",
                    [
                        "dealId": .string("d\(d)"), "fromStage": .string(progression[stage]), "toStage": "lost",
                        "pipeline": "default",
                    ], day: at)
                outcomes.append("lost")
            default:
                outcomes.append("open")
            }
            furthest.append(best)
        }
        let store = try await log.memoryStore()
        let deals = try await store.all(in: PipelineProjection())
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let section = try #require(PipelineFunnel(deals: deals, book: book, filter: DealFilter()).sections.first)

        let expectedReached = progression.indices.map { i in furthest.filter { $0 >= i }.count }
        #expect(section.rows.map(\.stage) == progression)
        #expect(section.rows.map(\.reached) == expectedReached)
        let won = outcomes.filter { $0 == "won" }.count
        let lost = outcomes.filter { $0 == "lost" }.count
        #expect(section.won == won && section.lost == lost && section.open == outcomes.count - won - lost)
        #expect(section.winRate == Double(won) / Double(won + lost))
        for i in 1..<progression.count {
            let expected =
                expectedReached[i - 1] > 0 ? Double(expectedReached[i]) / Double(expectedReached[i - 1]) : nil
            #expect(section.rows[i].conversion == expected)
        }
        let summary = PipelineSummary(deals: deals, book: book, grouping: .stage, filter: DealFilter()).sections[0]
        #expect(summary.winRate == section.winRate)
        #expect(summary.open.count + summary.won.count + summary.lost.count == 150)
    }
}
