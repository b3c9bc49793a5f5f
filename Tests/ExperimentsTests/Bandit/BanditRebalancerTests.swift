import EventLog
import JSON
import Testing

@testable import Experiments

@Suite struct BanditRebalancerTests {
    static func bandit() throws -> ExperimentDefinition {
        try ExperimentDefinition.parse(
            yaml: """
                key: cadence
                status: running
                variations:
                  - { id: every-2-days }
                  - { id: every-4-days }
                  - { id: weekly }
                goals:
                  - { name: ordered, kind: conversion, event: OrderPlaced, window: 3d }
                bandit: { goal: ordered, schedule: 1d, minimum_share: 0.05, burn_in: 2d, burn_in_units: 300 }
                """)
    }

    /// Synthetic customers convert at known rates (3%, 6%, 12%); each simulated day assigns
    /// 300 new customers at the weights in force, then re-weights. Traffic moves to the best
    /// arm, every arm keeps its floor, old customers keep their arm, and replaying every
    /// recorded re-weighting from the log gives the same weights.
    @Test func trafficMovesToTheBestArmAndEveryUpdateReplays() async throws {
        let log = ExperimentLog()
        try await log.publish(try Self.bandit())
        let assigner = ExperimentAssigner(store: log.store)
        let rebalancer = BanditRebalancer(store: log.store)
        let rates = [0.03, 0.06, 0.12]
        var rng = Xoshiro256StarStar(seed: 11)
        var sharesByDay: [[Double]] = []
        var assigned: [String: String] = [:]
        for day in 0..<10 {
            let history = try ExperimentHistory.load("cadence", from: log.store)
            var counts = [0, 0, 0]
            for i in 0..<300 {
                let id = "d\(day)-\(i)"
                let decision = try assigner.decide(history: history, customerId: id)
                let exposedAt = ExperimentLog.day(Double(day) + Double(i) / 400)
                try await assigner.record(decision, at: exposedAt)
                let arm = decision.result.variationIndex
                counts[arm] += 1
                assigned[id] = decision.result.variationKey
                if Double(rng.next() >> 11) / Double(1 << 53) < rates[arm] {
                    try await log.ordered(
                        id, amount: "20.00", at: Timestamp(rawValue: exposedAt.rawValue + 3_600_000_000))
                }
            }
            sharesByDay.append(counts.map { Double($0) / 300 })
            _ = try await rebalancer.rebalance(experimentKey: "cadence", at: ExperimentLog.day(Double(day + 1)))
        }
        let history = try ExperimentHistory.load("cadence", from: log.store)
        let updates = history.weightUpdates(phase: 1)
        #expect(updates.count == 10)
        #expect(updates.first?.burnIn == true)
        #expect(updates.first?.weights.allSatisfy { abs($0 - 1.0 / 3) < 1e-12 } == true)
        let last = try #require(updates.last)
        #expect(last.weights[2] > 0.7, "weights \(last.weights)")
        #expect(last.weights.allSatisfy { $0 >= 0.05 - 1e-12 })
        #expect(abs(last.weights.reduce(0, +) - 1) < 1e-9)
        let lateShare = sharesByDay.suffix(3).map { $0[2] }.reduce(0, +) / 3
        #expect(
            sharesByDay[0][2] < 0.45 && lateShare > 0.6, "share of the best arm by day: \(sharesByDay.map { $0[2] })")
        for update in updates {
            let replayed = try rebalancer.replay(update)
            #expect(replayed.weights == update.weights)
            #expect(replayed.seed == update.seed)
            #expect(replayed.arms.map(\.units) == update.arms.map(\.units))
        }
        // Customers assigned on day 0 keep their arm under the moved weights.
        for i in 0..<50 {
            let id = "d0-\(i)"
            let decision = try assigner.decide(history: history, customerId: id)
            #expect(decision.result.variationKey == assigned[id])
        }
    }

    @Test func aReweightingBeforeTheScheduleAppendsNothing() async throws {
        let log = ExperimentLog()
        try await log.publish(try Self.bandit())
        let rebalancer = BanditRebalancer(store: log.store)
        let early = try await rebalancer.rebalance(experimentKey: "cadence", at: ExperimentLog.day(0.5))
        guard case .notDue(_, let due) = early else {
            Issue.record("expected not due, got \(early)")
            return
        }
        #expect(due == ExperimentLog.day(1))
        #expect(try log.store.head().position == LogPosition(1))
        let forced = try await rebalancer.rebalance(experimentKey: "cadence", at: ExperimentLog.day(0.5), force: true)
        guard case .update(let update) = forced else {
            Issue.record("expected an update")
            return
        }
        #expect(update.burnIn)
        #expect(update.position == LogPosition(2))
    }

    /// A schedule too long for µs in 64 bits, published by a build that did not bound it,
    /// trapped `reweight` with an arithmetic overflow; it is now never due, and the goal's
    /// window of the same length folds without trapping when forced.
    @Test func aScheduleTooLongForMicrosecondsIsNeverDue() async throws {
        let log = ExperimentLog()
        var definition = try Self.bandit()
        definition.bandit?.schedule = TimeWindow(seconds: 10_000_000_000_000)
        definition.goals[0].window = TimeWindow(seconds: 10_000_000_000_000)
        try await log.publish(definition)
        let rebalancer = BanditRebalancer(store: log.store)
        let outcome = try await rebalancer.rebalance(experimentKey: "cadence", at: ExperimentLog.day(5000))
        guard case .notDue(_, let due) = outcome else {
            Issue.record("expected not due, got \(outcome)")
            return
        }
        #expect(due == Timestamp(rawValue: .max))
        let forced = try rebalancer.plan(experimentKey: "cadence", at: ExperimentLog.day(5000), force: true)
        guard case .update = forced.outcome else {
            Issue.record("expected an update, got \(forced.outcome)")
            return
        }
    }

    @Test func reweightingAnExperimentThatIsNotABanditSaysHowToMakeItOne() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        do {
            _ = try await BanditRebalancer(store: log.store).rebalance(
                experimentKey: "subject-test", at: ExperimentLog.day(9))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("is not a bandit"))
            #expect(error.message.contains("add a `bandit:` section"))
        }
    }

    @Test func theSeedDependsOnTheLogNotJustThePosition() {
        let a = BanditRebalancer.seed(experimentKey: "k", phase: 1, logPosition: LogPosition(10), hash: .genesis)
        let b = BanditRebalancer.seed(
            experimentKey: "k", phase: 1, logPosition: LogPosition(10),
            hash: EventHash(bytes: [UInt8](repeating: 1, count: 32)))
        #expect(a != b)
        #expect(a == BanditRebalancer.seed(experimentKey: "k", phase: 1, logPosition: LogPosition(10), hash: .genesis))
    }
}
