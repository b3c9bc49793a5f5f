import EventLog
import Foundation
import Synchronization
import Testing

@testable import Projections

/// A rebuild folds into the view's other set of tables while queries go on reading and
/// catching up the view as it is, and swaps the sets in one transaction. It used to
/// clear the views first and fold them in place: a query in another process then folded
/// the emptied view too, every commit of the rebuild found a checkpoint moved, and after
/// eight such conflicts the rebuild gave up (exit 75), leaving the views at 0.
@Suite struct RebuildBesideQueriesTests {
    struct Crash: Error {}

    /// The digests of every view after a clean run over `events`.
    func cleanDigests(_ events: [ProposedEvent]) async throws -> [String] {
        var log = TestLog()
        for event in events { log.appendRaw(event) }
        let store = try await log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        try await runner.catchUp()
        return try await runner.viewDigests()
    }

    /// Each view's stored checkpoint position and the rebuild's, by name.
    func checkpoints(_ store: LMDBEventStore) async throws -> [String: (view: LogPosition, rebuild: LogPosition?)] {
        let statuses = try await ProjectionRunner(store: store, projections: StandardViews.all).status()
        return Dictionary(uniqueKeysWithValues: statuses.map { ($0.name, ($0.checkpoint, $0.rebuild)) })
    }

    /// Queries in other processes (here: fresh runners, one per query, catching up one
    /// view in small batches) and an appender keep working while the rebuild runs; an
    /// observer checks that no view's checkpoint ever goes back. The rebuild completes,
    /// no query fails, and the views end with the digests of a clean run over the whole
    /// log, the appended events included (the rebuild folds on when a query has taken
    /// the view past it).
    @Test func aRebuildCompletesWhileQueriesCatchUpAndAViewNeverGoesBack() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let store = try scratch.lmdbStore()
        defer { store.close() }
        var random = RandomLog(seed: 31)
        let initial = random.log(count: 12_000, customers: 300, deals: 40).events
        let later = random.log(count: 600, customers: 300, deals: 40).events
        _ = try await store.append(initial)
        // The views as queries left them.
        try await ProjectionRunner(store: store, projections: StandardViews.all).catchUp()

        var options = ProjectionRunner.Options()
        options.rebuildBatchSize = 1_500
        options.pageSize = 256
        let rebuilder = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        let finished = Flag()
        let rebuild = Task {
            defer { finished.set() }
            return try await rebuilder.rebuild()
        }
        let appender = Task {
            for chunk in stride(from: 0, to: later.count, by: 20) {
                _ = try await store.append(Array(later[chunk..<min(chunk + 20, later.count)]))
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        let queries = Task {
            var small = ProjectionRunner.Options()
            small.batchSize = 40
            small.pageSize = 16
            var runs = 0
            repeat {
                for view in StandardViews.all {
                    try await ProjectionRunner(store: store, projections: [view], options: small).catchUp()
                    runs += 1
                }
            } while !finished.isSet
            return runs
        }
        let observer = Task {
            var last: [String: LogPosition] = [:]
            var wentBack: [String] = []
            repeat {
                for (name, stored) in try await checkpoints(store) {
                    if let before = last[name], stored.view < before {
                        wentBack.append("\(name) \(before) → \(stored.view)")
                    }
                    last[name] = stored.view
                }
                try await Task.sleep(for: .milliseconds(1))
            } while !finished.isSet
            return wentBack
        }
        try await appender.value
        _ = try await rebuild.value
        #expect(try await queries.value > 0)
        #expect(try await observer.value == [], "a view went back while it was rebuilt")

        // Whatever the rebuild swapped in, caught up it is the clean fold of the whole log.
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        try await runner.catchUp()
        #expect(try await runner.viewDigests() == (try await cleanDigests(initial + later)))
        #expect(try await checkpoints(store).values.allSatisfy { $0.rebuild == nil })
    }

    /// A rebuild that fails part way leaves the views as they were (rows, checkpoint,
    /// digest), not emptied; the next rebuild goes on from its last commit, and swaps in
    /// what a clean run folds.
    @Test func aRebuildThatFailsLeavesTheViewsAsTheyWereAndTheNextGoesOn() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let store = try scratch.lmdbStore()
        defer { store.close() }
        var random = RandomLog(seed: 32)
        let events = random.log(count: 3_000).events
        _ = try await store.append(events)
        let head = try store.head().position
        let live = ProjectionRunner(store: store, projections: StandardViews.all)
        try await live.catchUp()
        let before = try await live.viewDigests()

        var options = ProjectionRunner.Options()
        options.rebuildBatchSize = 500
        options.pageSize = 100
        let doomed = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        let commits = Counter()
        await doomed.setFaultInjection { _ in if commits.increment() == 3 { throw Crash() } }
        await #expect(throws: Crash.self) { try await doomed.rebuild() }

        let stored = try await checkpoints(store)
        #expect(stored.values.allSatisfy { $0.view == head }, "\(stored)")
        #expect(stored.values.allSatisfy { $0.rebuild == LogPosition(1_000) }, "\(stored)")
        #expect(try await live.viewDigests() == before)

        let starts = Positions()
        let resumed = ProjectionRunner(store: store, projections: StandardViews.all, options: options)
        #expect(try await resumed.rebuild { progress in starts.append(progress.start) } == head)
        #expect(starts.all.first == LogPosition(1_000))
        #expect(try await resumed.viewDigests() == before)
        #expect(try await checkpoints(store).values.allSatisfy { $0.rebuild == nil && $0.view == head })
    }

    /// Each rebuild moves a view to its other set of tables and empties the set it left;
    /// a query, current or as of a past position, reads the same states from either.
    @Test func aRebuildSwapsTheSetsOfTablesAndQueriesReadTheSameStates() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let runner = ProjectionRunner(store: store, projections: StandardViews.all)
        try await runner.catchUp()
        let queries = ViewQueries(store: store)
        let head = try QueryPoint.resolve(asOf: nil, now: nil, in: store)
        let past = QueryPoint(position: LogPosition(12), referenceTime: head.referenceTime, isHead: false)
        func states() throws -> [[CustomerState]] {
            [
                try queries.states(in: CustomerProjection(), at: head),
                try queries.states(in: CustomerProjection(), at: past),
            ]
        }
        func entries(_ table: String) throws -> Int {
            try store.snapshot { reader in
                var n = 0
                try reader.scan(ViewTable(table), from: nil, reverse: false) { _, _ in
                    n += 1
                    return true
                }
                return n
            }
        }
        let expected = try states()
        let digests = try await runner.viewDigests()
        #expect(try entries("customers.rows") > 0 && entries("customers.1.rows") == 0)

        try await runner.rebuild()
        #expect(try store.snapshot { try ViewTables.generation("customers", in: $0) } == 1)
        #expect(try entries("customers.rows") == 0 && entries("customers.versions") == 0)
        #expect(try entries("customers.1.rows") > 0)
        #expect(try states() == expected)
        #expect(try await runner.viewDigests() == digests)

        try await ProjectionRunner(store: store, projections: StandardViews.all).rebuild(["customers", "customers"])
        #expect(try store.snapshot { try ViewTables.generation("customers", in: $0) } == 0)
        #expect(try entries("customers.1.rows") == 0 && entries("customers.rows") > 0)
        #expect(try states() == expected)
        #expect(try await runner.viewDigests() == digests)
    }

    /// A checkpoint of a view in its first set of tables is stored as before; one in the
    /// second set carries the set in its version's high bits, so a build that does not
    /// know the sets reads it as another fold's version and rebuilds the view, rather than
    /// reading the first set's tables as the view.
    @Test func aCheckpointInTheSecondSetReadsAsAnotherVersionToOlderBuilds() throws {
        let first = Checkpoint(position: LogPosition(5), version: 3)
        #expect(first.bytes == [0, 0, 0, 0, 0, 0, 0, 5, 3])
        let second = Checkpoint(position: LogPosition(5), version: 3, generation: 1)
        #expect(try Checkpoint(bytes: second.bytes) == second)
        // What an older build reads: the varint after the position, whole, as the version.
        var reader = RowReader(second.bytes, table: "projections.checkpoints", offset: 8)
        #expect(try reader.uint() != 3)
    }
}

/// A flag one task sets and others read.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Positions collected from a `@Sendable` callback.
final class Positions: Sendable {
    private let value = Mutex<[LogPosition]>([])
    func append(_ position: LogPosition) { value.withLock { $0.append(position) } }
    var all: [LogPosition] { value.withLock { $0 } }
}
