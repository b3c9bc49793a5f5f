import EventLog
import Testing

@testable import Projections

/// A rebuild folds a page of the customer view on several threads, each owning a share
/// of the customers, unless the page holds a merge (which reads other customers). The
/// views must come out byte for byte as a fold on one thread leaves them.
@Suite struct ParallelFoldTests {
    func digests(_ runner: ProjectionRunner) async throws -> [String] {
        var out: [String] = []
        for name in StandardViews.names { out.append(try await runner.digest(name).sha256) }
        return out
    }

    @Test func aParallelRebuildEqualsAFoldOnOneThread() async throws {
        // Merges would keep every page on one thread: the log has none but one, at the
        // end, whose page is folded on one thread after the parallel pages before it.
        var random = RandomLog(seed: 2026)
        var log = random.log(count: 24_000, customers: 700, deals: 40, merges: false)
        log.add("ContactMerged", "customer-3", ["customerId": "c3", "mergedCustomerIds": ["c4"], "reason": "manual"], day: 3_000)
        let store = try await log.memoryStore()

        var sequential = ProjectionRunner.Options()
        sequential.parallelFold = false
        let reference = ProjectionRunner(store: store, projections: StandardViews.all, options: sequential)
        try await reference.rebuild()
        let expected = try await digests(reference)

        var parallel = ProjectionRunner.Options()
        parallel.pageSize = 2_048
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: parallel)
        try await runner.rebuild()
        #expect(try await digests(runner) == expected)

        #expect((await runner.pagesFoldedInParallel("customers") ?? 0) > 0, "no page took the parallel path")
        // Catching up in small batches that evict the working set, so rows are read
        // back from the view between batches, agrees as well.
        var small = ProjectionRunner.Options()
        small.batchSize = 1_000
        small.pageSize = 512
        small.cacheLimit = 100
        let followed = try await log.memoryStore()
        let live = ProjectionRunner(store: followed, projections: StandardViews.all, options: small)
        try await live.catchUp()
        #expect(try await digests(live) == expected)
    }

    @Test func aPageWithAMergeIsFoldedOnOneThread() async throws {
        var random = RandomLog(seed: 7)
        var log = random.log(count: 3_000, customers: 50, deals: 5)
        log.add("ContactMerged", "customer-1", ["customerId": "c1", "mergedCustomerIds": ["c2"], "reason": "manual"], day: 400)
        let store = try await log.memoryStore()
        var options = ProjectionRunner.Options()
        options.pageSize = 8_192
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        try await runner.rebuild()
        #expect(await runner.pagesFoldedInParallel("customers") == 0)
        var sequential = ProjectionRunner.Options()
        sequential.parallelFold = false
        let reference = ProjectionRunner(store: store, projections: StandardViews.all, options: sequential)
        try await reference.rebuild()
        #expect(try await digests(runner) == (try await digests(reference)))
    }
}
