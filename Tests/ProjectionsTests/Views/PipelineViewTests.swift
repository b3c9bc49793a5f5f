import EventLog
import JSON
import Projections
import Testing

@Suite struct PipelineViewTests {
    func deals(_ log: TestLog = WorkedDomain.log) async throws -> [String: DealState] {
        let store = try await log.memoryStore()
        return Dictionary(uniqueKeysWithValues: try await store.all(in: PipelineProjection()).map { ($0.entity, $0) })
    }

    @Test func eachDealKeepsItsStageHistoryOwnerAndExactAmount() async throws {
        let deals = try await deals()
        let d1 = try #require(deals["D1"])
        #expect(d1.history.map(\.stage) == ["new", "qualified", "proposal", "won"])
        #expect(d1.history.map(\.at) == [TestLog.day(4), TestLog.day(6), TestLog.day(12), TestLog.day(30)])
        #expect(d1.amount == Money("12000.00"))
        #expect(d1.ownerId == "rep-1")
        #expect(d1.explicitOutcome == .won)
        #expect(deals["D2"]?.explicitOutcome == .lost)
        #expect(deals["D2"]?.closeReason == "price")
        #expect(deals["D3"]?.explicitOutcome == nil)
    }

    @Test func summaryCountsOpenDealsPerStageWithExactWeightedAmounts() async throws {
        let deals = Array(try await deals().values)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let summary = PipelineSummary(deals: deals, book: book, grouping: .stage, filter: DealFilter())
        #expect(summary.sections.map(\.pipelineId) == ["default"])
        let section = summary.sections[0]
        let negotiation = try #require(section.rows.first { $0.key == "negotiation" })
        #expect(negotiation.open.count == 1)
        #expect(negotiation.open.amount["USD"] == Money("8000.00"))
        #expect(negotiation.open.weighted["USD"] == Money("6000.00"))
        #expect(section.won.count == 1 && section.won.amount["USD"] == Money("12000.00"))
        #expect(section.lost.count == 1 && section.lost.amount["EUR"] == Money("5000"))
        #expect(section.winRate == 0.5)
        #expect(section.averageCycleDaysWon == 26)
        #expect(section.averageCycleDaysLost == 7)
        #expect(
            section.rows.map(\.key) == [
                "new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation", "won", "lost",
            ])
    }

    @Test func summaryByOwnerAndFilteredByOwnerAndPeriod() async throws {
        let deals = Array(try await deals().values)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let owners = PipelineSummary(deals: deals, book: book, grouping: .owner, filter: DealFilter()).sections[0].rows
        #expect(owners.map(\.key) == ["rep-1", "rep-2"])
        #expect(owners[0].won.count == 1 && owners[0].open.count == 0)
        #expect(owners[1].open.count == 1 && owners[1].lost.count == 1 && owners[1].winRate == 0)
        let rep2 = PipelineSummary(deals: deals, book: book, grouping: .stage, filter: DealFilter(owner: "rep-2"))
            .sections[0]
        #expect(rep2.won.count == 0 && rep2.lost.count == 1 && rep2.open.count == 1)
        // Closed in days 26…31: only D1's win.
        let late = PipelineSummary(
            deals: deals, book: book, grouping: .stage, filter: DealFilter(from: TestLog.day(26), to: TestLog.day(31))
        ).sections[0]
        #expect(late.won.count == 1 && late.lost.count == 0 && late.open.count == 0)
    }

    @Test func funnelCountsDealsThatReachedEachStageInConfiguredOrder() async throws {
        let deals = Array(try await deals().values)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let funnel = PipelineFunnel(deals: deals, book: book, filter: DealFilter()).sections[0]
        #expect(
            funnel.rows.map(\.stage) == [
                "new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation", "won",
            ])
        #expect(funnel.rows.map(\.reached) == [3, 2, 2, 2, 2, 2, 1])
        #expect(funnel.rows.map(\.entered) == [2, 1, 0, 0, 1, 1, 1])
        #expect(funnel.rows[1].conversion == 2.0 / 3.0)
        #expect(funnel.rows[6].conversion == 0.5)
        #expect(funnel.rows[0].averageDaysInStage == 4.5)  // D1 left new after 2 days, D2 was lost in it after 7
        #expect(funnel.won == 1 && funnel.lost == 1 && funnel.open == 1)
        #expect(funnel.winRate == 0.5)
        #expect(funnel.lostAt.map(\.stage) == ["new"])
    }

    @Test func aDealWithoutItsCreationAndWithStagesNobodyConfiguredIsStillCounted() async throws {
        var log = TestLog()
        log.add(
            "DealStageChanged", "deal-X",
            ["dealId": "X", "fromStage": "qualified", "toStage": "legal_review", "pipeline": "default"], day: 1)
        log.add(
            "DealStageChanged", "deal-Y",
            ["dealId": "Y", "fromStage": "intake", "toStage": "Closed Won", "pipeline": "partners"], day: 2)
        log.add(
            "DealStageChanged", "deal-Z",
            ["dealId": "Z", "fromStage": "intake", "toStage": "vetting", "pipeline": "partners"], day: 3)
        log.add(
            "DealStageChanged", "deal-Z",
            ["dealId": "Z", "fromStage": "vetting", "toStage": "Closed Lost", "pipeline": "partners"], day: 5)
        let deals = Array(try await deals(log).values)
        let x = try #require(deals.first { $0.entity == "X" })
        #expect(x.history.map(\.stage) == ["qualified", "legal_review"])
        #expect(x.history[0].inferred)
        #expect(x.hasCreation == false)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let summary = PipelineSummary(deals: deals, book: book, grouping: .stage, filter: DealFilter())
        #expect(summary.sections.map(\.pipelineId) == ["default", "partners"])
        let unknownStage = try #require(summary.sections[0].rows.first { $0.key == "legal_review" })
        #expect(unknownStage.open.count == 1)
        #expect(unknownStage.kind == .stage(configured: false, probability: nil))
        // An unconfigured pipeline: order inferred, "Closed Won"/"Closed Lost" close deals by their names.
        let partners = summary.sections[1]
        #expect(!partners.isConfigured)
        #expect(partners.won.count == 1 && partners.lost.count == 1 && partners.winRate == 0.5)
        let funnel = PipelineFunnel(deals: deals, book: book, filter: DealFilter()).sections
        #expect(funnel[0].unconfiguredStages.map(\.stage) == ["legal_review"])
        #expect(funnel[1].rows.map(\.stage) == ["intake", "vetting", "Closed Won"])
        #expect(funnel[1].rows.map(\.reached) == [2, 2, 1])  // Y skipped vetting: passing it counts
        #expect(funnel[1].rows.map(\.entered) == [2, 1, 1])
    }

    @Test func aStageConfiguredAsWonClosesADealWithoutDealWonAndALaterMoveReopensIt() async throws {
        var log = TestLog()
        log.add(
            "DealCreated", "deal-A",
            ["dealId": "A", "name": "A", "pipeline": "renewal", "stage": "upcoming", "ownerId": "u"], day: 0)
        log.add(
            "DealStageChanged", "deal-A",
            ["dealId": "A", "fromStage": "upcoming", "toStage": "renewed", "pipeline": "renewal"], day: 3)
        log.add(
            "DealCreated", "deal-B",
            ["dealId": "B", "name": "B", "pipeline": "renewal", "stage": "upcoming", "ownerId": "u"], day: 0)
        log.add("DealLost", "deal-B", ["dealId": "B", "reason": "timing"], day: 2)
        log.add(
            "DealStageChanged", "deal-B",
            ["dealId": "B", "fromStage": "upcoming", "toStage": "upcoming", "pipeline": "renewal"], day: 4)
        let deals = try await deals(log)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: Array(deals.values))
        let a = DealReading(try #require(deals["A"]), book: book)
        #expect(a.status == .won && a.closedAt == TestLog.day(3) && a.cycleDays == 3)
        let b = DealReading(try #require(deals["B"]), book: book)
        #expect(b.status == .open)
        #expect(b.probability == Money("0.7"))
    }

    @Test func aVersionOneStageChangeIsUpcastBeforeTheFold() async throws {
        var log = TestLog()
        log.add(
            "DealStageChanged", "deal-V", ["dealId": "V", "from": "new", "to": "qualified", "reasonCode": "ADV"],
            day: 0, schemaVersion: 1)
        let deal = try #require(try await deals(log)["V"])
        #expect(deal.history.map(\.stage) == ["new", "qualified"])
        #expect(deal.pipeline == "default")
    }

    @Test func dealTimelineMeasuresEachStayAndTheCurrentOneToTheReferenceTime() async throws {
        let deals = try await deals()
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: Array(deals.values))
        let d3 = DealReading(try #require(deals["D3"]), book: book)
        let timeline = DealTimeline(d3, referenceTime: TestLog.day(32))
        #expect(timeline.stays.map(\.days) == [10])
        let d1 = DealTimeline(DealReading(try #require(deals["D1"]), book: book), referenceTime: TestLog.day(40))
        #expect(d1.stays.map(\.days) == [2, 6, 18, nil])
        let json = d3.json(referenceTime: TestLog.day(32))
        #expect(json["weightedAmount"] == "6000.0000")
        #expect(json["status"] == "open")
    }
}
