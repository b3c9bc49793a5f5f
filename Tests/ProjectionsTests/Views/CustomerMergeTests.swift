import EventLog
import JSON
import Projections
import Testing

/// `ContactMerged` in the customer view: the survivor absorbs the merged contacts'
/// history, and whatever order merges come in, some visible customer holds each order.
@Suite struct CustomerMergeTests {
    static func contact(_ id: String, email: String? = nil, into log: inout TestLog) {
        var data: JSONObject = ["customerId": .string(id)]
        if let email { data["email"] = .string(email) }
        log.add("ContactCreated", "customer-\(id)", .object(data), day: 0)
    }

    static func order(_ customer: String, _ id: String, _ amount: String, day: Double, into log: inout TestLog) {
        log.add(
            "OrderPlaced", "customer-\(customer)",
            [
                "customerId": .string(customer), "orderId": .string(id), "quantity": 1, "amount": .string(amount),
                "currency": "USD",
            ], day: day)
    }

    static func merge(_ survivor: String, _ merged: [String], day: Double, into log: inout TestLog) {
        log.add(
            "ContactMerged", "customer-\(survivor)",
            ["customerId": .string(survivor), "mergedCustomerIds": .array(merged.map { .string($0) })], day: day)
    }

    func customers(_ log: TestLog) async throws -> [String: CustomerState] {
        let store = try await log.memoryStore()
        return Dictionary(uniqueKeysWithValues: try await store.all(in: CustomerProjection()).map { ($0.entity, $0) })
    }

    /// B merges A, then A merges B: both used to be marked merged (into each other) and
    /// vanished from `customers list` with their orders. The later merge wins: A is the
    /// survivor again, holds the order once (not once of its own and once through B),
    /// and keeps its own email.
    @Test func aMergeBackTheOtherWayLeavesItsSurvivorVisibleWithTheHistoryOnce() async throws {
        var log = TestLog()
        Self.contact("A", email: "a@example.com", into: &log)
        Self.contact("B", email: "b@example.com", into: &log)
        Self.order("A", "o1", "10.00", day: 1, into: &log)
        Self.merge("B", ["A"], day: 2, into: &log)
        Self.merge("A", ["B"], day: 3, into: &log)
        Self.order("B", "o2", "5.00", day: 4, into: &log)
        let all = try await customers(log)
        let a = try #require(all["A"])
        #expect(a.mergedInto == nil)
        #expect(a.mergedFrom == ["B"])
        #expect(a.orders["USD"]?.count == 2)  // o1 once, and o2, sent to B after the second merge
        #expect(a.orders["USD"]?.amount == Money("15.00"))
        #expect(a.identity.email == "a@example.com")
        #expect(all["B"]?.mergedInto == "A")
        #expect(all["B"]?.mergedFrom == [])  // it said "merged into A" and "merged from A"
        let listed = CustomerListing(
            Array(all.values), query: .init(), referenceTime: TestLog.day(9), pipelines: .empty)
        #expect(listed.customers.map(\.state.entity) == ["A"])
    }

    /// A contact named as its own duplicate (`customerId` S, `mergedCustomerIds` [S])
    /// used to be marked merged into itself and hidden. The view ignores that id: alone
    /// it changes nothing, beside another id it merges that one.
    @Test func aContactMergedIntoItselfStaysVisible() async throws {
        var log = TestLog()
        Self.contact("S", into: &log)
        Self.contact("T", into: &log)
        Self.order("T", "t1", "2.00", day: 1, into: &log)
        Self.merge("S", ["S"], day: 2, into: &log)
        Self.order("S", "s1", "1.00", day: 3, into: &log)
        let alone = try await customers(log)
        #expect(alone["S"]?.mergedInto == nil)
        #expect(alone["S"]?.mergedFrom == [])
        #expect(alone["S"]?.orders.count == 1)
        var more = log
        Self.merge("S", ["S", "T"], day: 4, into: &more)
        let both = try await customers(more)
        #expect(both["S"]?.mergedInto == nil)
        #expect(both["S"]?.mergedFrom == ["T"])
        #expect(both["S"]?.orders["USD"]?.amount == Money("3.00"))
        #expect(both["T"]?.mergedInto == "S")
    }

    /// Three merges in a loop (B takes A, C takes B, A takes C) hid all three and sent
    /// later events, and a later merge into C, to a hidden row. The last merge's
    /// survivor now holds the whole group's history and everything sent to any of the
    /// three afterwards (the tester's store /tmp/hunt-c/m1).
    @Test func aThreeWayLoopLeavesTheLastSurvivorHoldingEverything() async throws {
        var log = TestLog()
        for id in ["A", "B", "C", "D"] { Self.contact(id, email: "\(id.lowercased())@example.com", into: &log) }
        Self.order("A", "a1", "10.00", day: 1, into: &log)
        Self.order("B", "b1", "20.00", day: 2, into: &log)
        Self.order("C", "c1", "30.00", day: 3, into: &log)
        Self.merge("B", ["A"], day: 4, into: &log)
        Self.order("A", "a2", "11.00", day: 5, into: &log)
        Self.merge("C", ["B"], day: 6, into: &log)
        Self.order("A", "a3", "12.00", day: 7, into: &log)
        Self.merge("A", ["C"], day: 8, into: &log)
        Self.order("C", "c2", "13.00", day: 9, into: &log)
        Self.order("B", "b2", "14.00", day: 9, into: &log)
        Self.merge("C", ["D"], day: 10, into: &log)  // C is A's now: D lands on A
        Self.order("D", "d1", "15.00", day: 11, into: &log)
        let all = try await customers(log)
        let a = try #require(all["A"])
        #expect(a.mergedInto == nil)
        #expect(a.mergedFrom == ["B", "C", "D"])
        #expect(a.orders["USD"]?.count == 8)
        #expect(a.orders["USD"]?.amount == Money("125.00"))
        #expect(a.identity.email == "a@example.com")
        #expect(all["B"]?.isMergedAway == true && all["C"]?.isMergedAway == true && all["D"]?.isMergedAway == true)
        let listed = CustomerListing(
            Array(all.values), query: .init(), referenceTime: TestLog.day(20), pipelines: .empty)
        #expect(listed.customers.map(\.state.entity) == ["A"])
    }

    /// A contact already merged away is not absorbed a second time by a later merge
    /// naming it again: its history is with the survivor that took it.
    @Test func aContactMergedBeforeIsNotCountedTwice() async throws {
        var log = TestLog()
        for id in ["P", "Q", "R"] { Self.contact(id, into: &log) }
        Self.order("Q", "q1", "7.00", day: 1, into: &log)
        Self.merge("P", ["Q"], day: 2, into: &log)
        Self.merge("R", ["P"], day: 3, into: &log)
        Self.merge("P", ["Q"], day: 4, into: &log)  // P is R's: the merge lands on R, which holds Q already
        Self.merge("R", ["Q"], day: 5, into: &log)
        let all = try await customers(log)
        #expect(all["R"]?.orders.count == 1)
        #expect(all["R"]?.mergedFrom == ["P", "Q"])
        #expect(all["R"]?.mergedInto == nil)
    }

    /// Seeded logs full of merges in every direction (loops, self-merges, merges of
    /// merged contacts): at every position, every order placed is held by exactly one
    /// visible customer, and every merged contact's chain of survivors ends at a visible
    /// one. Before re-pointing, loops left orders on hidden rows only.
    @Test(arguments: [3, 4, 5, 6])
    func everyOrderStaysWithExactlyOneVisibleCustomer(seed: UInt64) async throws {
        var random = RandomLog(seed: seed)
        let log = random.log(count: 900, customers: 5, deals: 2)
        let store = try await log.memoryStore()
        try await ProjectionRunner(store: store, projections: [CustomerProjection()]).catchUp()
        let queries = ViewQueries(store: store)
        var merges = 0
        var placed: UInt64 = 0
        for (i, event) in log.events.enumerated() {
            if event.type == "OrderPlaced" { placed += 1 }
            if event.type == "ContactMerged" { merges += 1 }
            guard i % 30 == 29 || i == log.events.count - 1 else { continue }
            let point = QueryPoint(position: LogPosition(UInt64(i + 1)), referenceTime: TestLog.day(0), isHead: false)
            let states = try queries.states(in: CustomerProjection(), at: point)
            let byId = Dictionary(uniqueKeysWithValues: states.map { ($0.entity, $0) })
            let visible = states.filter { !$0.isMergedAway }
            #expect(visible.reduce(0) { $0 + $1.orders.count } == placed, "orders at position \(i + 1)")
            for state in states {
                var current = state
                var steps = 0
                while let next = current.mergedInto, steps <= states.count {
                    current = try #require(byId[next], "\(state.entity) was merged into \(next), which has no row")
                    steps += 1
                }
                #expect(current.mergedInto == nil, "\(state.entity)'s survivors loop at position \(i + 1)")
            }
        }
        #expect(merges > 30)
    }
}
