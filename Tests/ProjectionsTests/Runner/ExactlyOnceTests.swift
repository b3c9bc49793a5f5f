import EventLog
import JSON
import Synchronization
import Testing

@testable import Projections

/// A crash can come between any two writes. Rows and checkpoint are written in one
/// transaction, so whatever fails, a restarted runner folds every event exactly once.
@Suite struct ExactlyOnceTests {
    struct Crash: Error {}

    /// The digests of every view after a clean run over `log`.
    func cleanDigests(_ log: TestLog) async throws -> [String] {
        let store = try await log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        try await runner.catchUp()
        return try await runner.viewDigests()
    }

    var small: ProjectionRunner.Options {
        var options = ProjectionRunner.Options()
        options.batchSize = 37
        options.pageSize = 16
        return options
    }

    @Test(arguments: [1, 2, 5, 9])
    func aCommitThatFailsIsFoldedAgainByTheNextRunAndNothingIsCountedTwice(failingCommit: Int) async throws {
        var random = RandomLog(seed: UInt64(failingCommit))
        let log = random.log(count: 400)
        let expected = try await cleanDigests(log)

        let store = try await log.memoryStore()
        let doomed = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        let commits = Counter()
        await doomed.setFaultInjection { _ in
            if commits.increment() == failingCommit { throw Crash() }
        }
        await #expect(throws: Crash.self) { try await doomed.catchUp() }

        // A new process: a fresh runner over the same store, from the stored checkpoints.
        let restarted = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        let reached = try await restarted.catchUp()
        #expect(reached == (try store.head().position))
        #expect(try await restarted.viewDigests() == expected)
    }

    @Test func aRunnerThatFailedKeepsWorkingFromItsLastCommit() async throws {
        var random = RandomLog(seed: 99)
        let log = random.log(count: 300)
        let expected = try await cleanDigests(log)
        let store = try await log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        let commits = Counter()
        await runner.setFaultInjection { _ in if commits.increment() == 3 { throw Crash() } }
        await #expect(throws: Crash.self) { try await runner.catchUp() }
        await runner.setFaultInjection(nil)
        try await runner.catchUp()
        #expect(try await runner.viewDigests() == expected)
    }

    @Test func twoRunnersOnOneStoreNeverFoldAnEventTwice() async throws {
        var random = RandomLog(seed: 7)
        let log = random.log(count: 500)
        let expected = try await cleanDigests(log)
        let store = try await log.memoryStore()
        let a = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        let b = ProjectionRunner(store: store, projections: StandardViews.all, options: small)
        async let first = a.catchUp()
        async let second = b.catchUp()
        _ = try await (first, second)
        #expect(try await a.viewDigests() == expected)
    }

    /// Many races of two runners over small batches. A runner once loaded a row that the
    /// other had just committed past its own checkpoint, folded the same events into it
    /// again and trapped encoding touches that went backwards.
    @Test(arguments: 1...24)
    func twoRunnersRacingOverSmallBatchesAgreeWithACleanRun(seed: Int) async throws {
        var random = RandomLog(seed: UInt64(1_000 + seed))
        let log = random.log(count: 400, customers: 6, deals: 4)
        let expected = try await cleanDigests(log)
        let store = try await log.memoryStore()
        var tiny = small
        tiny.batchSize = 5
        tiny.pageSize = 3
        let a = ProjectionRunner(store: store, projections: StandardViews.all, options: tiny)
        let b = ProjectionRunner(store: store, projections: StandardViews.all, options: tiny)
        async let first = a.catchUp()
        async let second = b.catchUp()
        _ = try await (first, second)
        #expect(try await b.viewDigests() == expected)
    }

    @Test func aViewStoredByAnotherVersionOfItsFoldIsRebuiltBeforeUse() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        try await ProjectionRunner(store: store, projections: [CustomerProjection()]).catchUp()
        // Pretend an older build wrote the view: version 0 in its checkpoint, and a bogus row.
        try await store.writeViews { writer in
            try writer.put(ViewTable("projections.checkpoints"), Array("customers".utf8), [UInt8](bigEndian: 33) + [0])
            try writer.put(ViewTable("customers.rows"), Array("ghost".utf8), [9, 9, 9])
        }
        let runner = ProjectionRunner(store: store, projections: [CustomerProjection()])
        let before = try await runner.status()
        #expect(before.first?.needsRebuild == true)
        try await runner.catchUp()
        #expect(try await store.current("ghost", in: CustomerProjection()) == nil)
        #expect(try await store.current("1", in: CustomerProjection())?.orders.count == 4)
    }
}

/// A thread-safe counter for fault injection.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}
