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

    static func created(_ deal: String, stage: String, day: Double, into log: inout TestLog) {
        log.add(
            "DealCreated", "deal-\(deal)",
            [
                "dealId": .string(deal), "name": .string(deal), "pipeline": "default", "stage": .string(stage),
                "ownerId": "u", "amount": "100.00", "currency": "USD",
            ], day: day)
    }

    static func moved(_ deal: String, from: String, to: String, day: Double, into log: inout TestLog) {
        log.add(
            "DealStageChanged", "deal-\(deal)",
            ["dealId": .string(deal), "fromStage": .string(from), "toStage": .string(to), "pipeline": "default"],
            day: day)
    }

    /// Imports do not always come in time order, so a deal can be won "before" it was
    /// created, or leave a stage before it entered it. Durations went negative: a cycle
    /// of -17 days, an average cycle of -3.5 days, -5 days in a stage and a funnel
    /// average of -2.5. An interval whose end precedes its start now counts as 0 days
    /// wherever a duration is measured: cycle time, each stay, the funnel's averages.
    @Test func aDurationWhoseEndPrecedesItsStartCountsAsZeroDays() async throws {
        var log = TestLog()
        Self.created("D7", stage: "proposal", day: 31, into: &log)  // won on day 14 (the tester's oo.jsonl)
        log.add("DealWon", "deal-D7", ["dealId": "D7", "amount": "100.00", "currency": "USD"], day: 14)
        Self.created("D8", stage: "qualified", day: 0, into: &log)  // won in order, after 10 days in qualified
        log.add("DealWon", "deal-D8", ["dealId": "D8", "amount": "100.00", "currency": "USD"], day: 10)
        Self.created("D6", stage: "qualified", day: 9, into: &log)  // left qualified on day 4
        Self.moved("D6", from: "qualified", to: "proposal", day: 4, into: &log)
        Self.created("D5", stage: "new", day: 0, into: &log)  // lost on day 3 in proposal, entered on day 6
        Self.moved("D5", from: "new", to: "proposal", day: 6, into: &log)
        log.add("DealLost", "deal-D5", ["dealId": "D5", "reason": "price"], day: 3)
        let deals = try await deals(log)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: Array(deals.values))
        func reading(_ id: String) throws -> DealReading { DealReading(try #require(deals[id]), book: book) }

        #expect(try reading("D7").cycleDays == 0)
        #expect(try reading("D8").cycleDays == 10)
        #expect(try reading("D5").cycleDays == 3)
        let summary = PipelineSummary(deals: Array(deals.values), book: book, grouping: .stage, filter: DealFilter())
        #expect(summary.sections[0].averageCycleDaysWon == 5)  // (0 + 10) / 2
        #expect(try DealTimeline(reading("D6"), referenceTime: TestLog.day(20)).stays.map(\.days) == [0, 16])
        #expect(try DealTimeline(reading("D5"), referenceTime: TestLog.day(20)).stays.map(\.days) == [6, 0])
        #expect(try DealTimeline(reading("D7"), referenceTime: TestLog.day(40)).stays.map(\.days) == [0])
        let funnel = PipelineFunnel(deals: Array(deals.values), book: book, filter: DealFilter()).sections[0]
        let days = Dictionary(uniqueKeysWithValues: funnel.rows.map { ($0.stage, $0.averageDaysInStage) })
        #expect(days["qualified"] == 5)  // D8's 10 days and D6's 0
        #expect(days["proposal"] == 0)  // D7 won, D5 lost before entering it
        #expect(days["new"] == 6)
    }

    /// A deal is opened when its `DealCreated` says (the earliest, if the log holds more
    /// than one), or at its earliest event when the log holds none. It used to be opened
    /// by whichever event was imported first: a stage change imported ahead of the
    /// creation opened the deal five days earlier than the same events imported the other
    /// way round, and a deal without its creation was opened by its first imported event
    /// even when a later import held an earlier one.
    @Test func aDealIsOpenedWhenItsCreationSaysWhicheverEventWasImportedFirst() async throws {
        var inOrder = TestLog()
        Self.created("D6", stage: "qualified", day: 9, into: &inOrder)
        Self.moved("D6", from: "qualified", to: "proposal", day: 4, into: &inOrder)
        var changeFirst = TestLog()
        Self.moved("D6", from: "qualified", to: "proposal", day: 4, into: &changeFirst)
        Self.created("D6", stage: "qualified", day: 9, into: &changeFirst)
        Self.moved("X", from: "new", to: "qualified", day: 5, into: &changeFirst)  // no creation
        Self.moved("X", from: "qualified", to: "proposal", day: 2, into: &changeFirst)
        let a = try #require(try await deals(inOrder)["D6"])
        let b = try await deals(changeFirst)
        #expect(a.createdAt == TestLog.day(9))
        #expect(b["D6"]?.createdAt == TestLog.day(9))
        #expect(b["X"]?.createdAt == TestLog.day(2))
    }

    /// Imports need not come in time order, so a deal's `DealWon` or `DealLost` can be
    /// stored before its `DealCreated`. The creation stage then read as a stage change
    /// after the outcome, and the deal showed open where the same events stored the other
    /// way round showed it won after 4 days (only when the outcome named no stage). Wherever
    /// the creation sits among a deal's other events, the deal reads the same.
    @Test(arguments: [
        (["created", "won"], DealOutcome.won, 4.0),
        (["created", "lost"], DealOutcome.lost, 4.0),
        (["created", "wonInStage"], DealOutcome.won, 4.0),
        (["created", "moved", "won"], DealOutcome.won, 4.0),
        (["created", "moved", "lost"], DealOutcome.lost, 4.0),
    ])
    func aDealClosedBeforeItsCreationWasStoredReadsAsIfStoredInOrder(
        events: [String], status: DealOutcome, cycleDays: Double
    ) async throws {
        func add(_ name: String, into log: inout TestLog) {
            switch name {
            case "created": Self.created("D1", stage: "qualified", day: 0, into: &log)
            case "moved": Self.moved("D1", from: "qualified", to: "proposal", day: 2, into: &log)
            case "won": log.add("DealWon", "deal-D1", ["dealId": "D1", "amount": "100.00", "currency": "USD"], day: 4)
            case "wonInStage": log.add("DealWon", "deal-D1", ["dealId": "D1", "stage": "won"], day: 4)
            default: log.add("DealLost", "deal-D1", ["dealId": "D1", "reason": "price"], day: 4)
            }
        }
        // The creation at every place among the other events, which keep their order.
        let others = Array(events.dropFirst())
        for place in 0...others.count {
            var log = TestLog()
            for name in others[..<place] { add(name, into: &log) }
            add("created", into: &log)
            for name in others[place...] { add(name, into: &log) }
            let deals = try await deals(log)
            let book = PipelineBook(configuration: try TestPipelines.configuration, deals: Array(deals.values))
            let reading = DealReading(try #require(deals["D1"]), book: book)
            #expect(reading.status == status, "creation stored at \(place) of \(events)")
            #expect(reading.closedAt == TestLog.day(4), "creation stored at \(place) of \(events)")
            #expect(reading.cycleDays == cycleDays, "creation stored at \(place) of \(events)")
        }
    }

    /// A deal won by a `DealWon` that names no stage has entered the won stage: the
    /// funnel's won row read "reached 1, entered 0" with the pipeline configured (and 1
    /// without it, whose inferred won stage the history held).
    @Test func aDealWonWithoutAStageHasEnteredTheWonStage() async throws {
        var log = TestLog()
        Self.created("W", stage: "qualified", day: 0, into: &log)
        log.add("DealWon", "deal-W", ["dealId": "W", "amount": "100.00", "currency": "USD"], day: 3)
        let deals = Array(try await deals(log).values)
        let book = PipelineBook(configuration: try TestPipelines.configuration, deals: deals)
        let funnel = PipelineFunnel(deals: deals, book: book, filter: DealFilter()).sections[0]
        let won = try #require(funnel.rows.first { $0.outcome == .won })
        #expect(won.reached == 1)
        #expect(won.entered == 1)
        #expect(funnel.rows.first { $0.stage == "proposal" }?.entered == 0, "a stage it skipped is reached, not entered")
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
