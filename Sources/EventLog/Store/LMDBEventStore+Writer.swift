import CLMDB
import Foundation
import Synchronization

extension LMDBEventStore {
    /// The single writer thread and its queue: group commit.
    ///
    /// Appenders enqueue a batch and suspend; the thread drains the queue into one
    /// write transaction, commits (one `fsync` for the whole group) and resumes each
    /// appender with its own result. Batches are planned one after another, so one
    /// batch's failure (a version conflict, say) never affects the others in its group.
    /// A batch planned ahead (``PreplannedBatch``, an import's) is only written, when it
    /// comes first in its group and the writer is in the state it was planned for.
    final class Writer: @unchecked Sendable {
        struct State: Hashable, Sendable {
            var head: LogHead
            var lastRecordedAt: Timestamp
        }

        final class Job {
            /// Moved out to the planner when the job is planned, so sealing needs no copy.
            var batch: PreparedBatch
            let continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>
            let bytes: Int
            let count: Int
            /// Set when planning refused the batch, so a retry of the group refuses it again.
            var failure: EventLogError?
            /// A plan made off this thread; used when the job comes first in its group
            /// and the writer is in the state the plan started from, else planned again.
            var preplanned: PreplannedBatch?

            init(batch: PreparedBatch, continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>) {
                self.batch = batch
                self.continuation = continuation
                bytes = batch.bytes.count
                count = batch.count
            }

            init(preplanned: PreplannedBatch, continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>) {
                batch = PreparedBatch()
                self.preplanned = preplanned
                self.continuation = continuation
                bytes = preplanned.planner.recordBytes
                count = preplanned.result.events.count
            }
        }

        /// Work that is not an append: a closure run in a write transaction of its own.
        final class CustomJob {
            let body: (LMDBTransaction) throws -> any Sendable
            let continuation: CheckedContinuation<Result<any Sendable, Error>, Never>

            init(body: @escaping (LMDBTransaction) throws -> any Sendable, continuation: CheckedContinuation<Result<any Sendable, Error>, Never>) {
                self.body = body
                self.continuation = continuation
            }
        }

        private enum Work {
            case append(Job)
            case custom(CustomJob)
        }

        private let condition = NSCondition()
        private var queue: [Work] = []
        private var stopping = false
        private var stopped = false
        private var thread: Thread?
        private let finished = DispatchSemaphore(value: 0)
        private let commits = Atomic<Int>(0)
        private let written = Atomic<Int>(0)
        private let plannedAhead = Atomic<Int>(0)

        /// Transactions committed and events written so far.
        var statistics: (commits: Int, events: Int) { (commits.load(ordering: .relaxed), written.load(ordering: .relaxed)) }
        /// Batches written as planned ahead (see ``PreplannedBatch``), not planned again here.
        var plannedAheadCount: Int { plannedAhead.load(ordering: .relaxed) }

        func start(store: LMDBEventStore, state: State) {
            let thread = Thread { [unowned store] in
                var state = state
                self.run(store: store, state: &state)
            }
            thread.name = "ledgerline-writer"
            thread.stackSize = 4 << 20
            self.thread = thread
            thread.start()
        }

        func submit(_ batch: BatchHandover) async -> Result<AppendResult, EventLogError> {
            await withCheckedContinuation { continuation in
                enqueue(Job(batch: batch.take(), continuation: continuation))
            }
        }

        /// Queues a batch planned ahead (see ``PreplannedBatch``).
        func submit(_ plan: PreplannedBatch) async -> Result<AppendResult, EventLogError> {
            await withCheckedContinuation { continuation in
                enqueue(Job(preplanned: plan, continuation: continuation))
            }
        }

        private func enqueue(_ job: Job) {
            condition.lock()
            if stopping {
                condition.unlock()
                job.continuation.resume(returning: .failure(.closed()))
                return
            }
            queue.append(.append(job))
            condition.signal()
            condition.unlock()
        }

        /// Runs `body` in a write transaction of its own on the writer thread.
        func submitCustom(_ body: @escaping @Sendable (LMDBTransaction) throws -> any Sendable) async -> Result<any Sendable, Error> {
            await withCheckedContinuation { continuation in
                condition.lock()
                if stopping {
                    condition.unlock()
                    continuation.resume(returning: .failure(EventLogError.closed()))
                    return
                }
                queue.append(.custom(CustomJob(body: body, continuation: continuation)))
                condition.signal()
                condition.unlock()
            }
        }

        /// Finishes the queued work, then ends the thread. Idempotent.
        func stop() {
            condition.lock()
            let wasRunning = thread != nil && !stopping
            stopping = true
            condition.signal()
            condition.unlock()
            if wasRunning { finished.wait() }
        }

        private func run(store: LMDBEventStore, state: inout State) {
            while true {
                condition.lock()
                while queue.isEmpty && !stopping { condition.wait() }
                if queue.isEmpty && stopping {
                    condition.unlock()
                    break
                }
                if case .custom(let job) = queue.first {
                    queue.removeFirst()
                    condition.unlock()
                    runCustom(job, store: store)
                    continue
                }
                var group: [Job] = []
                var events = 0
                var bytes = 0
                while case .append(let job) = queue.first,
                    group.isEmpty || (events + job.count <= store.options.maxGroupEvents && bytes + job.bytes <= store.options.maxGroupBytes)
                {
                    group.append(job)
                    events += job.count
                    bytes += job.bytes
                    queue.removeFirst()
                }
                condition.unlock()
                process(group, store: store, state: &state)
            }
            finished.signal()
        }

        private func runCustom(_ job: CustomJob, store: LMDBEventStore) {
            do {
                let value = try store.env.write { txn in try job.body(txn) }
                job.continuation.resume(returning: .success(value))
            } catch {
                job.continuation.resume(returning: .failure(error is LMDBFailure ? error.asEventLogError : error))
            }
        }

        private enum Outcome {
            case committed([Result<AppendResult, EventLogError>], State)
            case retryAfterGrowing
            case retryAfterResize
            case failed(EventLogError)
        }

        private func process(_ group: [Job], store: LMDBEventStore, state: inout State) {
            do {
                try store.env.growIfNearlyFull()
            } catch {
                for job in group { job.continuation.resume(returning: .failure(error.asEventLogError)) }
                return
            }
            while true {
                let current = state
                let outcome = store.env.resizeLock.withShared { attempt(group, store: store, state: current) }
                switch outcome {
                case .committed(let results, let newState):
                    let moved = newState.head != state.head
                    state = newState
                    for (job, result) in zip(group, results) { job.continuation.resume(returning: result) }
                    if moved { store.notifier.publish() }
                    return
                case .retryAfterGrowing:
                    do {
                        try store.env.grow()
                    } catch {
                        for job in group { job.continuation.resume(returning: .failure(error.asEventLogError)) }
                        return
                    }
                case .retryAfterResize:
                    store.env.adoptGrownMap()
                case .failed(let error):
                    for job in group { job.continuation.resume(returning: .failure(error)) }
                    return
                }
            }
        }

        private func attempt(_ group: [Job], store: LMDBEventStore, state: State) -> Outcome {
            let txn: LMDBTransaction
            do {
                txn = try store.env.beginWrite()
            } catch {
                return error.isMapResized ? .retryAfterResize : .failed(error.asEventLogError)
            }
            var committing = false  // a failed commit has ended the transaction already
            do {
                let dbs = store.databases
                let streamCursor = try txn.cursor(dbs.streams)
                defer { streamCursor.close() }
                let lookup = WriteLookup(store: store, txn: txn, streamCursor: streamCursor)
                var planner = AppendPlanner(head: state.head, lastRecordedAt: state.lastRecordedAt)
                // Read once, and only if a batch is planned here (not for one planned ahead).
                var clockReading: Timestamp?
                var wroteAPlan = false
                var results: [Result<AppendResult, EventLogError>] = []
                // Each job's batch moves into the planner (so sealing it copies nothing)
                // and moves back if the group has to be retried after growing the map.
                var plannedJobs: [Job] = []
                defer {
                    for (job, batch) in zip(plannedJobs, planner.batches) where job.batch.isEmpty { job.batch = batch }
                }
                for (index, job) in group.enumerated() {
                    if let failure = job.failure {
                        // Planned before a retry and refused: the state it met is the same.
                        results.append(.failure(failure))
                        continue
                    }
                    if let plan = job.preplanned {
                        job.preplanned = nil
                        if index == 0 && plan.base == state {
                            // Planned against exactly this state: only writing is left.
                            wroteAPlan = true
                            planner = plan.planner
                            results.append(.success(plan.result))
                            plannedJobs.append(job)
                            continue
                        }
                        // Planned for another state (something else was written first, or
                        // the job is not first in its group): plan the batch again, here.
                        var stale = plan.planner
                        job.batch = stale.takeBatches()[0]
                    }
                    var batch = PreparedBatch()
                    swap(&batch, &job.batch)
                    do {
                        let now = clockReading ?? store.options.clock()
                        clockReading = now
                        results.append(.success(try planner.plan(consume batch, lookup: lookup, now: now)))
                        plannedJobs.append(job)
                    } catch let error as EventLogError {
                        job.failure = error
                        results.append(.failure(error))
                    }
                }
                guard !planner.isEmpty else {
                    store.env.abort(txn)
                    return .committed(results, state)
                }
                try write(planner, txn: txn, cursor: streamCursor, databases: dbs)
                let streams = try LMDBEventStore.metaValue(txn, dbs, "streams")
                try LMDBEventStore.setMetaValue(txn, dbs, "streams", streams + UInt64(planner.newStreamCount))
                let recordBytes = try LMDBEventStore.metaValue(txn, dbs, "recordBytes")
                try LMDBEventStore.setMetaValue(txn, dbs, "recordBytes", recordBytes + UInt64(planner.recordBytes))
                committing = true
                try store.env.commit(txn)
                if planner.recordBytes > 4 << 20 { store.env.releaseMappedPages() }
                commits.add(1, ordering: .relaxed)
                if wroteAPlan { plannedAhead.add(1, ordering: .relaxed) }
                written.add(planner.recordCount, ordering: .relaxed)
                return .committed(results, State(head: LogHead(position: planner.head, hash: planner.headHash), lastRecordedAt: planner.lastRecordedAt))
            } catch let error as LMDBFailure {
                if !committing { store.env.abort(txn) }
                if error.isMapFull { return .retryAfterGrowing }
                if error.isMapResized { return .retryAfterResize }
                return .failed(error.asEventLogError)
            } catch {
                if !committing { store.env.abort(txn) }
                return .failed(error as? EventLogError ?? EventLogError(.storage, "\(error)"))
            }
        }

        /// Writes the planned records and index entries. Index entries go in key order:
        /// consecutive puts then land on the same pages, which keeps the pages a batch
        /// touches (and so the bytes each commit writes) to a minimum.
        private func write(_ planner: AppendPlanner, txn: LMDBTransaction, cursor streams: LMDBCursor, databases dbs: Databases) throws {
            let events = try txn.cursor(dbs.events)
            defer { events.close() }
            try planner.forEachRecord { (position, record) throws in
                try withUInt64Bytes(position) { (key) throws in try events.put(key: key, value: record, flags: Int32(MDB_APPEND)) }
            }

            var idKey = [UInt8](repeating: 0, count: 16)
            for entry in planner.sortedIdEntries() {
                idKey.withUnsafeMutableBytes { entry.id.store(to: $0, at: 0) }
                try idKey.withUnsafeBytes { key in
                    try withUInt64Bytes(entry.position) { value in try txn.put(dbs.ids, key, value, flags: Int32(MDB_NOOVERWRITE)) }
                }
            }
            try planner.forEachStreamEntry { stream, positions in
                var name = stream.rawValue
                try name.withUTF8 { key in
                    for position in positions {
                        try withUInt64Bytes(position) { value in
                            try streams.put(key: UnsafeRawBufferPointer(key), value: value, flags: Int32(MDB_APPENDDUP))
                        }
                    }
                }
            }
            let types = try txn.cursor(dbs.types)
            defer { types.close() }
            try planner.forEachTypeEntry { type, positions in
                var name = type.rawValue
                try name.withUTF8 { key in
                    for position in positions {
                        try withUInt64Bytes(position) { value in
                            try types.put(key: UnsafeRawBufferPointer(key), value: value, flags: Int32(MDB_APPENDDUP))
                        }
                    }
                }
            }
        }
    }

    /// The planner's view of committed state, read through the write transaction.
    struct WriteLookup: AppendLookup {
        let store: LMDBEventStore
        let txn: LMDBTransaction
        let streamCursor: LMDBCursor

        func committedVersions(of streams: [StreamName]) throws -> [UInt64] {
            try streams.map { try LMDBEventStore.committedVersion(streamCursor, $0) }
        }

        func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {
            var key = [UInt8](repeating: 0, count: 16)
            for id in ids {
                key.withUnsafeMutableBytes { id.store(to: $0, at: 0) }
                guard let position = try key.withUnsafeBytes({ raw in try txn.get(store.databases.ids, raw).map(readUInt64) }) else { continue }
                guard let record = try withUInt64Bytes(position, { raw in try txn.get(store.databases.events, raw) }) else {
                    throw EventLogError(.corrupted, "the id index maps \(id) to position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position), eventID: id)
                }
                body(id, record)
            }
        }
    }
}
