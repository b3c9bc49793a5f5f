import EventLog
import Testing

@testable import Projections

/// A rebuild folds a page of the customer view on several threads, each owning a share
/// of the customers, unless the page holds a merge (which reads other customers). The
/// views must come out byte for byte as a fold on one thread leaves them.
@Suite struct ParallelFoldTests {
    /// The digests of the views of `store` rebuilt on one thread. Every runner here
    /// rebuilds the same store, so the digests are taken before the next rebuild.
    func foldOnOneThread(_ store: InMemoryEventStore) async throws -> [String] {
        var sequential = ProjectionRunner.Options()
        sequential.parallelFold = false
        let reference = ProjectionRunner(store: store, projections: StandardViews.all, options: sequential)
        try await reference.rebuild()
        return try await reference.viewDigests()
    }

    @Test func aParallelRebuildEqualsAFoldOnOneThread() async throws {
        // Merges would keep every page on one thread: the log has none but one, at the
        // end, whose page is folded on one thread after the parallel pages before it.
        var random = RandomLog(seed: 2026)
        var log = random.log(count: 24_000, customers: 700, deals: 40, merges: false)
        log.add("ContactMerged", "customer-3", ["customerId": "c3", "mergedCustomerIds": ["c4"], "reason": "manual"], day: 3_000)
        let store = try await log.memoryStore()

        let expected = try await foldOnOneThread(store)

        var parallel = ProjectionRunner.Options()
        parallel.pageSize = 2_048
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: parallel)
        try await runner.rebuild()
        #expect(try await runner.viewDigests() == expected)

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
        #expect(try await live.viewDigests() == expected)
    }

    @Test func sharesStillApplyingWhenABatchCommitsOrAMergeArrivesAreWaitedFor() async throws {
        // Shares apply pages while the runner routes the next ones; here each share
        // lags a page by 0.3 s. The merge's page (the second) is folded on one thread and
        // must wait for the first page to be applied before it reads the customers it
        // absorbs; small rebuild batches commit with pages still queued.
        var random = RandomLog(seed: 11)
        var log = random.log(count: 2_000, customers: 60, deals: 10, merges: false)
        log.add("ContactMerged", "customer-5", ["customerId": "c5", "mergedCustomerIds": ["c6", "c7"], "reason": "manual"], day: 300)
        for event in random.log(count: 6_000, customers: 60, deals: 10, merges: false).events {
            log.appendRaw(event)
        }
        let store = try await log.memoryStore()

        let expected = try await foldOnOneThread(store)

        var options = ProjectionRunner.Options()
        options.pageSize = 1_400
        options.rebuildBatchSize = 4_000
        options.shareLagForTesting = 300_000
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        try await runner.rebuild()
        #expect((await runner.pagesFoldedInParallel("customers") ?? 0) >= 4, "too few pages took the parallel path")
        #expect(try await runner.viewDigests() == expected)
    }

    @Test func aPageWithAMergeIsFoldedOnOneThread() async throws {
        var random = RandomLog(seed: 7)
        var log = random.log(count: 3_000, customers: 50, deals: 5)
        log.add("ContactMerged", "customer-1", ["customerId": "c1", "mergedCustomerIds": ["c2"], "reason": "manual"], day: 400)
        let store = try await log.memoryStore()
        let expected = try await foldOnOneThread(store)
        var options = ProjectionRunner.Options()
        options.pageSize = 8_192
        let runner = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        try await runner.rebuild()
        #expect(await runner.pagesFoldedInParallel("customers") == 0)
        #expect(try await runner.viewDigests() == expected)
    }

    /// A commit's rows are sorted in halves on two cores and merged once there are many:
    /// every box comes out once, in key order, keys sharing their first eight bytes
    /// included.
    @Test func rowsOfAManyEntityCommitAreSortedByKey() {
        typealias Box = EntityProjection<CustomerProjection>.Box
        var random = SystemRandomNumberGenerator()
        let keys = (0..<25_000).map { i in
            i % 3 == 0 ? "customer-\(random.next() % 1_000_000)-\(i)" : "c\(random.next() % 1_000_000_000)-\(i)"
        }
        let boxes = keys.map { Box(key: $0, record: EntityRecord(state: CustomerState(entity: $0))) }
        let sorted = EntityProjection<CustomerProjection>.sortedByKey(boxes)
        #expect(sorted.count == boxes.count)
        #expect(Set(sorted.map(\.key)) == Set(keys))
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.keyBytes.lexicographicallyPrecedes($1.keyBytes) })
        let few = Array(boxes.prefix(100))
        #expect(EntityProjection<CustomerProjection>.sortedByKey(few).map(\.key) == few.map(\.key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}
