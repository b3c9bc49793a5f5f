import EventLog
import JSON
import Projections

/// A seeded, deterministic log of CRM activity for invariant tests: customers browsing,
/// buying and getting refunds, deals moving (forwards, backwards, skipping) through the
/// default pipeline and closing, tasks opening and closing, and an occasional merge
/// (some of them loops or self-merges); some events are dated earlier than the ones
/// before them, and some deals are won or lost before the log holds their creation.
struct RandomLog {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    static let stages = ["new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation"]

    /// `count` events over `customers` customers and `deals` deals.
    /// Without `merges`, the twentieth of events that would merge two contacts visit a page instead.
    mutating func log(count: Int, customers: Int = 12, deals: Int = 6, merges: Bool = true) -> TestLog {
        var log = TestLog()
        var dealStage: [Int: String] = [:]
        var closedBeforeCreation: Set<Int> = []
        var openTasks: [Int] = []
        var task = 0
        for i in 0..<count {
            // Imports are not always in time order: one event in eight is dated up to six
            // days before its place in the log (worked out from `i`, so the seeded choice
            // of events is the same as without it).
            let day = Double(i) / 10 - (i % 8 == 7 ? Double(i * 7_919 % 60) / 10 : 0)
            let c = below(customers)
            switch below(20) {
            case 0...5:
                log.add(
                    "PageVisited", "customer-\(c)",
                    ["customerId": .string("c\(c)"), "url": .string("https://example.com/\(below(5))")], day: day)
            case 6...8:
                let cents = String(format: "%02d", below(100))
                log.add(
                    "OrderPlaced", "customer-\(c)",
                    [
                        "customerId": .string("c\(c)"), "orderId": .string("o\(i)"), "quantity": 1,
                        "amount": .string("\(below(300)).\(cents)"),
                        "currency": .string(below(4) == 0 ? "EUR" : "USD"),
                    ], day: day)
            case 9:
                log.add(
                    "OrderRefunded", "customer-\(c)",
                    [
                        "customerId": .string("c\(c)"), "orderId": .string("o\(i - 1)"), "amount": "1.05",
                        "currency": "USD",
                    ], day: day)
            case 10:
                log.add(
                    "EmailOpened", "email-\(i)", ["emailId": .string("e\(i)"), "customerId": .string("c\(c)")], day: day
                )
            case 11:
                log.add(
                    "ScoreUpdated", "customer-\(c)",
                    [
                        "customerId": .string("c\(c)"), "model": "lead", "modelVersion": 1,
                        "score": .number(JSONNumber(Double(below(100)) / 100)),
                    ], day: day)
            case 12...15:
                let d = below(deals)
                if let from = dealStage[d] {
                    let roll = below(10)
                    if roll == 0 {
                        log.add(
                            "DealWon", "deal-\(d)",
                            ["dealId": .string("d\(d)"), "amount": "100.00", "currency": "USD"], day: day)
                        dealStage[d] = nil
                    } else if roll == 1 {
                        log.add("DealLost", "deal-\(d)", ["dealId": .string("d\(d)"), "reason": "price"], day: day)
                        dealStage[d] = nil
                    } else {
                        let to = Self.stages[below(Self.stages.count)]
                        log.add(
                            "DealStageChanged", "deal-\(d)",
                            [
                                "dealId": .string("d\(d)"), "fromStage": .string(from), "toStage": .string(to),
                                "pipeline": "default",
                            ], day: day)
                        dealStage[d] = to
                    }
                } else {
                    let stage = Self.stages[below(3)]
                    let owner = below(3)
                    let amount = 100 + below(900)
                    if i % 13 == 6, closedBeforeCreation.insert(d).inserted {
                        // Now and then a deal's outcome is stored before its creation, which
                        // comes when the deal is picked next (chosen from `i`, so the seeded
                        // choice of events is the same as without it).
                        log.add(
                            i % 2 == 0 ? "DealWon" : "DealLost", "deal-\(d)", ["dealId": .string("d\(d)")],
                            day: day + 1)
                    } else {
                        log.add(
                            "DealCreated", "deal-\(d)",
                            [
                                "dealId": .string("d\(d)"), "name": "deal", "pipeline": "default",
                                "stage": .string(stage), "ownerId": .string("rep-\(owner)"),
                                "customerId": .string("c\(c)"), "amount": .string("\(amount).00"), "currency": "USD",
                            ], day: day)
                        dealStage[d] = stage
                    }
                }
            case 16...17:
                task += 1
                log.add(
                    "TaskCreated", "task-\(task)",
                    ["taskId": .string("t\(task)"), "title": "call", "assigneeId": .string("rep-\(below(3))")],
                    day: day, actor: "user:rep-1")
                openTasks.append(task)
            case 18:
                if let t = openTasks.popLast() {
                    log.add(
                        "TaskCompleted", "task-\(t)", ["taskId": .string("t\(t)"), "completedBy": "rep-1"], day: day)
                }
            default:
                let other = below(customers)
                if !merges {
                    log.add(
                        "PageVisited", "customer-\(c)",
                        ["customerId": .string("c\(c)"), "url": "https://example.com/pricing"], day: day)
                } else {
                    // Merges in every direction: back and forth, in loops, a contact named
                    // as its own duplicate (other == c), now and then two at once.
                    var merged: [JSONValue] = [.string("c\(other)")]
                    let second = below(customers)
                    if second != other && below(3) == 0 { merged.append(.string("c\(second)")) }
                    log.add(
                        "ContactMerged", "customer-\(c)",
                        ["customerId": .string("c\(c)"), "mergedCustomerIds": .array(merged), "reason": "manual"],
                        day: day)
                }
            }
        }
        return log
    }
}
