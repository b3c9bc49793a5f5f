import EventLog
import Foundation
import JSON
import Projections
import Synchronization
import Testing

/// The runner follows the live log, and a view rebuilt from position 0 holds the very
/// bytes the live view holds: `project digest` is how an auditor shows it.
@Suite struct LiveAndRebuildTests {
    @Test func aRebuiltViewHasTheDigestOfTheViewThatFollowedTheLog() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let store = try scratch.lmdbStore()
        defer { store.close() }
        var random = RandomLog(seed: 2026)
        let events = random.log(count: 3_000).events

        // Live: the runner follows while events arrive in small appends.
        var options = ProjectionRunner.Options()
        options.batchSize = 50
        let live = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        let follower = Task { try await live.follow() }
        var i = 0
        while i < events.count {
            let n = min(events.count - i, 1 + (i * 7919) % 40)
            _ = try await store.append(Array(events[i..<(i + n)]))
            i += n
        }
        let head = try store.head().position
        try await waitUntil { try await live.status().allSatisfy { $0.checkpoint == head } }
        follower.cancel()
        _ = try? await follower.value
        var liveDigests: [ViewDigest] = []
        for name in StandardViews.names { liveDigests.append(try await live.digest(name)) }

        // Rebuild every view from position 0 in one batch.
        let rebuilt = ProjectionRunner(store: store, projections: StandardViews.all)
        #expect(try await rebuilt.rebuild() == head)
        for (name, before) in zip(StandardViews.names, liveDigests) {
            let after = try await rebuilt.digest(name)
            #expect(after == before, "view \(name) differs after a rebuild")
            #expect(after.entries > 0)
        }
    }

    @Test func followingMakesAnAppendVisibleAndReportsEachCommit() async throws {
        let store = InMemoryEventStore(clock: StepClock().closure)
        let runner = ProjectionRunner(store: store, projections: [CustomerProjection()])
        let seen = Mutex<[LogPosition]>([])
        let follower = Task { try await runner.follow { position in seen.withLock { $0.append(position) } } }
        for n in 1...5 {
            _ = try await store.append([
                ProposedEvent(
                    stream: "customer-1", type: "OrderPlaced",
                    data: ["customerId": "1", "quantity": 1, "amount": .string("\(n).00"), "currency": "USD"])
            ])
        }
        try await waitUntil { seen.withLock { $0.last } == LogPosition(5) }
        follower.cancel()
        _ = try? await follower.value
        let point = try QueryPoint.resolve(asOf: nil, now: nil, in: store)
        let ana = try ViewQueries(store: store).state(of: "1", in: CustomerProjection(), at: point)
        #expect(ana?.orders["USD"]?.amount == Money("15.00"))
    }

    @Test func rebuildingOneViewLeavesTheOthersAsTheyWere() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        try await runner.catchUp()
        let tasks = try await runner.digest("tasks")
        let customers = try await runner.digest("customers")
        try await runner.rebuild(["customers"])
        #expect(try await runner.digest("tasks") == tasks)
        #expect(try await runner.digest("customers") == customers)
        await #expect(throws: ProjectionError.self) { try await runner.rebuild(["nope"]) }
    }

    @Test func statusShowsCheckpointLagAndEntities() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        let before = try await runner.status()
        #expect(before.allSatisfy { $0.storedVersion == nil && $0.lag == 33 })
        try await runner.catchUp()
        let after = try await runner.status()
        #expect(after.map(\.lag) == [0, 0, 0])
        #expect(after.map(\.entities) == [4, 3, 3])
    }
}

/// Polls `condition` every few milliseconds for up to ten seconds.
func waitUntil(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<2_000 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("timed out waiting")
}
