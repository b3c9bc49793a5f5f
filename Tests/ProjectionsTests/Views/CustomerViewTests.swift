import EventLog
import JSON
import Projections
import Testing

@Suite struct CustomerViewTests {
    func ana() async throws -> CustomerState {
        let store = try await WorkedDomain.log.memoryStore()
        return try #require(try await store.current("1", in: CustomerProjection()))
    }

    @Test func identityComesFromContactCreatedAndBlanksFromTheMergedDuplicate() async throws {
        let ana = try await ana()
        #expect(ana.identity.name == "Ana Lopez")
        #expect(ana.identity.email == "ana@example.com")
        #expect(ana.identity.phone == "+4915112345678")  // only the duplicate had it
        #expect(ana.identity.company == "Acme")
        #expect(ana.identity.ownerId == "rep-1")
        #expect(ana.identity.timezone == "Europe/Berlin")
        #expect(ana.createdAt == TestLog.day(0))
        #expect(ana.mergedFrom == ["1b"])
    }

    @Test func ordersAndRefundsAreExactPerCurrencyAndIncludeTheMergedContact() async throws {
        let ana = try await ana()
        #expect(ana.orders["USD"]?.count == 3)
        #expect(ana.orders["USD"]?.amount == Money("125.30"))  // 100.10 + 0.20 + 25.00, never 125.30000000000001
        #expect(ana.orders["EUR"]?.amount == Money("50.00"))
        #expect(ana.orders.count == 4)
        #expect(ana.refunds["USD"]?.amount == Money("10.10"))
        #expect(ana.firstOrderAt == TestLog.day(7))
        #expect(ana.lastOrderAt == TestLog.day(14.6))
        #expect(ana.recentOrders.map(\.orderId) == ["O-1", "O-2", "O-3", "O-4"])
        #expect(ana.recentOrders.first?.refunded == Money("10.10"))
    }

    @Test func lifecycleMovesForwardOnlyAndRecordsEachTransition() async throws {
        let ana = try await ana()
        #expect(ana.lifecycle == .customer)
        #expect(ana.lifecycleHistory.map(\.to) == [.subscriber, .opportunity, .customer])
        #expect(ana.lifecycleHistory.map(\.cause) == ["Subscribed", "DealCreated", "OrderPlaced"])
        let store = try await WorkedDomain.log.memoryStore()
        let ben = try #require(try await store.current("2", in: CustomerProjection()))
        #expect(ben.lifecycle == .opportunity)  // lead, mql, then his deal
        #expect(ben.leads == ["L2"])
        #expect(ben.identity.company == "Ode GmbH")  // filled from the lead
    }

    @Test func anExplicitStageWinsAndOnlyAPurchaseLeavesChurned() async throws {
        var log = TestLog()
        log.add("ContactCreated", "customer-9", ["customerId": "9", "lifecycleStage": "Sales Qualified Lead"], day: 0)
        log.add("ContactUpdated", "customer-9", ["customerId": "9", "changes": ["lifecycleStage": "churned"]], day: 1)
        log.add("FormSubmitted", "customer-9", ["formId": "f", "customerId": "9", "fields": [:]], day: 2)
        let store = try await log.memoryStore()
        #expect(try await store.current("9", in: CustomerProjection())?.lifecycle == .churned)
        var more = log
        more.add(
            "OrderPlaced", "customer-9", ["customerId": "9", "quantity": 1, "amount": "1.00", "currency": "USD"], day: 3
        )
        #expect(try await more.memoryStore().current("9", in: CustomerProjection())?.lifecycle == .customer)
    }

    @Test func aContactRecordImportedAfterThePurchasesDoesNotMoveTheBuyerBack() async throws {
        var log = TestLog()
        log.add("OrderPlaced", "customer-5", ["customerId": "5", "quantity": 1, "amount": "9.99", "currency": "USD"], day: 10)
        log.add("ContactCreated", "customer-5", ["customerId": "5", "lifecycleStage": "subscriber"], day: 1)
        log.add("LeadCreated", "lead-5", ["leadId": "5", "source": "web", "customerId": "5"], day: 2)
        log.add("ContactUpdated", "customer-5", ["customerId": "5", "changes": ["lifecycleStage": "lead"]], day: 3)
        let buyer = try #require(try await log.memoryStore().current("5", in: CustomerProjection()))
        #expect(buyer.lifecycle == .customer)
        #expect(buyer.lifecycleHistory.map(\.to) == [.customer])
    }

    /// Orders imported newest first (the tester's store /tmp/hunt-c/pv1): the customer
    /// was shown "customer since 2026-03-10" while the first order was of 2026-01-10. The
    /// step into the current stage moves back to the earliest event that implies it;
    /// first and last order are the earliest and latest order times.
    @Test func customerSinceIsTheEarliestOrderWhateverOrderTheyWereImportedIn() async throws {
        var log = TestLog()
        log.add("ContactCreated", "customer-c1", ["customerId": "c1", "lifecycleStage": "lead"], day: 0)
        for (order, day) in [("o3", 68.0), ("o2", 40.0), ("o1", 9.0)] {
            log.add(
                "OrderPlaced", "customer-c1",
                ["customerId": "c1", "orderId": .string(order), "quantity": 1, "amount": "10.00", "currency": "USD"],
                day: day)
        }
        let c1 = try #require(try await log.memoryStore().current("c1", in: CustomerProjection()))
        #expect(c1.lifecycle == .customer)
        #expect(c1.lifecycleHistory.map(\.to) == [.lead, .customer])
        #expect(c1.lifecycleHistory.map(\.at) == [TestLog.day(0), TestLog.day(9)])
        #expect(c1.lifecycleHistory.last?.cause == "OrderPlaced")
        #expect(c1.lifecycleHistory.last?.position == LogPosition(4))
        #expect(c1.firstOrderAt == TestLog.day(9) && c1.lastOrderAt == TestLog.day(68))
    }

    /// Steps implied by events (a form, a deal, an order) are recorded at the event's
    /// time, whatever the import order. A step recorded after that time since the latest
    /// explicit change is dropped: stages only move forward, so a form filled on day 30
    /// by someone who bought on day 10 made no one a lead. An event older than an
    /// explicit change changes nothing: an order from before the churn does not undo it,
    /// and cannot move "customer since" back past it.
    @Test func lateImportsReorderImpliedStepsButNeverPassAnExplicitChange() async throws {
        func order(_ day: Double, _ log: inout TestLog) {
            log.add(
                "OrderPlaced", "customer-9", ["customerId": "9", "quantity": 1, "amount": "1.00", "currency": "USD"],
                day: day)
        }
        var log = TestLog()
        log.add("FormSubmitted", "customer-9", ["formId": "f", "customerId": "9", "fields": [:]], day: 30)
        order(60, &log)
        order(10, &log)
        let buyer = try #require(try await log.memoryStore().current("9", in: CustomerProjection()))
        #expect(buyer.lifecycleHistory.map(\.to) == [.customer])
        #expect(buyer.lifecycleHistory.map(\.at) == [TestLog.day(10)])
        #expect(buyer.lifecycleHistory.first?.from == nil)

        log.add("ContactUpdated", "customer-9", ["customerId": "9", "changes": ["lifecycleStage": "churned"]], day: 70)
        order(50, &log)  // before the churn
        let churned = try #require(try await log.memoryStore().current("9", in: CustomerProjection()))
        #expect(churned.lifecycle == .churned)

        order(90, &log)  // back
        order(5, &log)  // before the churn: "since" stays after it
        order(80, &log)  // earlier than day 90, after the churn: customer again since day 80
        let back = try #require(try await log.memoryStore().current("9", in: CustomerProjection()))
        #expect(back.lifecycle == .customer)
        #expect(back.lifecycleHistory.map(\.to) == [.customer, .churned, .customer])
        #expect(back.lifecycleHistory.map(\.at) == [TestLog.day(10), TestLog.day(70), TestLog.day(80)])
        #expect(back.lifecycleHistory.last?.from == .churned)
    }

    @Test func consentIsPerChannelAndTheLatestWordWins() async throws {
        let ana = try await ana()
        #expect(ana.consent.map(\.channel) == ["email"])
        #expect(ana.consent.first?.granted == false)
        #expect(ana.consent.first?.at == TestLog.day(32))
    }

    @Test func engagementCountsEveryInteractionTypeAndSpansFirstToLastActivity() async throws {
        let ana = try await ana()
        let counts = Dictionary(uniqueKeysWithValues: ana.engagement.map { ($0.activity, $0.count) })
        #expect(
            counts == [
                "Subscribed": 1, "PageVisited": 3, "EmailOpened": 1, "EmailClicked": 1, "OrderPlaced": 4,
                "OrderRefunded": 1, "Unsubscribed": 1,
            ])
        #expect(ana.engagement.map(\.activity) == ana.engagement.map(\.activity).sorted())
        #expect(ana.firstActivityAt == TestLog.day(1))
        #expect(ana.lastActivityAt == TestLog.day(32))
    }

    @Test func eventsAboutAMergedContactLandOnTheSurvivor() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let duplicate = try #require(try await store.current("1b", in: CustomerProjection()))
        #expect(duplicate.mergedInto == "1")
        #expect(duplicate.engagement.first { $0.activity == "PageVisited" }?.count == 1)  // the visit after the merge went to 1
        let ana = try await ana()
        #expect(ana.engagement.first { $0.activity == "PageVisited" }?.count == 3)
    }

    @Test func dealsScoresVariantsAndTags() async throws {
        let ana = try await ana()
        #expect(ana.deals.map(\.dealId) == ["D1"])
        #expect(ana.deals.first?.outcome == .won)
        #expect(ana.deals.first?.amount == Money("12000.00"))
        #expect(ana.scores.map(\.model) == ["lead-propensity"])
        #expect(ana.scores.first?.score == 0.72)
        #expect(ana.variants.first?.variationKey == "b")
        #expect(ana.tags == ["newsletter", "vip"])
    }

    @Test func summaryMeasuresRecencyToTheReferenceTimeAndRFMPerCurrency() async throws {
        let ana = try await ana()
        let summary = CustomerSummary(ana, referenceTime: TestLog.day(44.6), pipelines: .empty)
        #expect(summary.recencyDays == 30)
        #expect(summary.frequency == 4)
        let usd = try #require(summary.monetary.first { $0.currency == "USD" })
        #expect(usd.total == Money("125.30"))
        #expect(usd.net == Money("115.20"))
        #expect(usd.average == Money("41.7667"))
        #expect(summary.wonDeals.map(\.dealId) == ["D1"])
        let json = summary.json
        #expect(json["rfm"]?["recencyDays"] == 30)
        #expect(json["orders"]?["total"]?["USD"] == "125.30")
    }

    @Test func aCustomerKnownOnlyFromActivityStillHasARow() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let visitor = try #require(try await store.current("3", in: CustomerProjection()))
        #expect(visitor.createdAt == nil)
        #expect(visitor.lifecycle == nil)
        #expect(visitor.lastActivityAt == TestLog.day(31))
        #expect(try await store.current("nobody", in: CustomerProjection()) == nil)
    }

    @Test func listingFiltersSortsAndLeavesMergedContactsOut() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let all = try await store.all(in: CustomerProjection())
        let byMoney = CustomerListing(
            all, query: .init(sort: .monetary), referenceTime: TestLog.day(40), pipelines: .empty)
        #expect(byMoney.customers.map(\.state.entity) == ["1", "2", "3"])
        let reps = CustomerListing(all, query: .init(owner: "rep-2"), referenceTime: TestLog.day(40), pipelines: .empty)
        #expect(reps.customers.map(\.state.entity) == ["2"])
        let customers = CustomerListing(
            all, query: .init(stage: .customer, limit: 1), referenceTime: TestLog.day(40), pipelines: .empty)
        #expect(customers.matched == 1)
    }

    /// `--sort monetary` ranked by the largest amount in any currency, so 1,000 JPY came
    /// before 100 EUR, where currencies are never added or compared. It ranks by the total
    /// in one currency: the one asked for, or else the one most of the listed customers'
    /// orders are in (the first by code on a tie); customers with none in it come last, by
    /// id.
    @Test func monetaryRanksByTheTotalInOneCurrency() async throws {
        var log = TestLog()
        func order(_ customer: String, _ amount: String, _ currency: String, into log: inout TestLog) {
            log.add(
                "OrderPlaced", "customer-\(customer)",
                [
                    "customerId": .string(customer), "quantity": 1, "amount": .string(amount),
                    "currency": .string(currency),
                ], day: 1)
        }
        order("A", "1000", "JPY", into: &log)
        order("B", "100.00", "EUR", into: &log)
        order("C", "50.00", "EUR", into: &log)
        order("C", "5000", "JPY", into: &log)
        order("D", "20.00", "EUR", into: &log)
        order("D", "30.00", "EUR", into: &log)
        log.add("PageVisited", "customer-E", ["customerId": "E", "url": "https://example.com/"], day: 1)
        let all = try await log.memoryStore().all(in: CustomerProjection())
        func ranked(_ currency: String? = nil, owner: String? = nil) -> CustomerListing {
            CustomerListing(
                all, query: .init(owner: owner, sort: .monetary, currency: currency), referenceTime: TestLog.day(2),
                pipelines: .empty)
        }
        // Four orders in EUR, two in JPY.
        #expect(ranked().monetaryCurrency == "EUR")
        #expect(ranked().customers.map(\.state.entity) == ["B", "C", "D", "A", "E"])
        #expect(ranked("JPY").customers.map(\.state.entity) == ["C", "A", "B", "D", "E"])
        #expect(ranked("GBP").customers.map(\.state.entity) == ["A", "B", "C", "D", "E"])
        // As many orders in each: the first currency by code.
        order("A", "1", "JPY", into: &log)
        order("A", "2", "JPY", into: &log)
        let tied = try await log.memoryStore().all(in: CustomerProjection())
        let query = CustomerListing.Query(sort: .monetary)
        #expect(CustomerListing(tied, query: query, referenceTime: TestLog.day(2), pipelines: .empty).monetaryCurrency == "EUR")
        #expect(CustomerListing([], query: query, referenceTime: TestLog.day(2), pipelines: .empty).monetaryCurrency == nil)
        let byId = CustomerListing(
            all, query: .init(sort: .id, currency: "EUR"), referenceTime: TestLog.day(2), pipelines: .empty)
        #expect(byId.monetaryCurrency == nil)
    }
}
