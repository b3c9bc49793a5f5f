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
    ///
    /// While the writer writes and commits one group, a second thread, the stager,
    /// plans the batches queuing up behind it (``Staged``): in a read transaction, as if
    /// the group in flight had committed (``PlannedOverlay``). Once the commit returns,
    /// the writer takes the staged group and, if it is in the state the stager assumed,
    /// only writes it; otherwise it plans the group again itself. Planning thus
    /// overlaps the `fsync` instead of preceding the next one.
    ///
    /// The writer does not resume a group's appenders itself: once the group has
    /// committed (or failed), it hands their results to a serial queue
    /// (``Acknowledgement``) and goes straight on to the next group. Resuming a
    /// continuation schedules its task: on two cores, with 64 appenders, resuming a
    /// group took about 200 of the 700 µs between the end of one commit and the start of
    /// the next. Even the hand-over wakes a thread, which then competes with the writer
    /// for a core, so the writer holds settled groups back while it writes the next one
    /// and hands them over just before that commit (or before it waits for work): the
    /// appenders are told once the writer is waiting on the disk anyway. On two cores this
    /// cut the time from one commit to the next group's writes from 66 to 20 µs. A group
    /// larger than ``handOverBeforeWritingBytes`` (an import's batch) hands them over
    /// before its writes instead, so no appender waits for those.
    ///
    /// Several processes may write one store (an import in one shell, appends in
    /// another): LMDB's write lock makes their transactions take turns. The writer's
    /// state (head, last `recordedAt`) is therefore only what this process last
    /// committed; each transaction compares it with the head it finds and, when another
    /// process has moved it, reads the state from the log before planning anything.
    final class Writer: @unchecked Sendable {
        struct State: Hashable, Sendable {
            var head: LogHead
            var lastRecordedAt: Timestamp
        }

        private enum Work {
            case append(Job)
            case custom(CustomJob)
        }

        /// A group's appenders and what each is told (its result once the group committed,
        /// or the error that stopped the group), resumed off the writer's thread; also
        /// wakes the store's subscriptions when the head moved.
        private struct Acknowledgement: @unchecked Sendable {
            // Each job is handed over whole and touched by nothing else once queued.
            let jobs: [Job]
            let results: [Result<AppendResult, EventLogError>]
            let notifier: HeadNotifier?

            func deliver() {
                for (job, result) in zip(jobs, results) { job.continuation.resume(returning: result) }
                notifier?.publish()
            }
        }

        /// Delivers acknowledgements in the order the writer settled their groups (see
        /// ``Acknowledgement``).
        private let acknowledgements = DispatchQueue(label: "ledgerline.acknowledgements")

        /// A group writing more records than this (1 MiB) hands the settled groups'
        /// results over before its writes, not before its commit: writing it takes long
        /// enough (an import's batch of 50,000 events, tens of milliseconds) that the
        /// appenders of the groups before it would notice the wait.
        static let handOverBeforeWritingBytes = 1 << 20

        /// Groups settled since the last hand-over, in order; touched only on the writer's
        /// thread.
        private var settled: [Acknowledgement] = []

        /// Holds `jobs`' results for delivery (see ``Acknowledgement``) until the next
        /// ``handOverAcknowledgements()``; `notifier` is woken after them.
        private func acknowledge(_ jobs: [Job], _ results: [Result<AppendResult, EventLogError>], notifying notifier: HeadNotifier? = nil) {
            settled.append(Acknowledgement(jobs: jobs, results: results, notifier: notifier))
        }

        /// Queues the settled groups' results for delivery. The writer calls it before each
        /// commit, before anything it may wait on (work to arrive, a custom job), and once
        /// a group fails or writes nothing, so an appender waits for its result at most one
        /// more group's writes.
        private func handOverAcknowledgements() {
            guard !settled.isEmpty else { return }
            let groups = settled
            settled = []
            acknowledgements.async { for group in groups { group.deliver() } }
        }

        /// Queues `error` for every one of `jobs`, with every result held before it: no
        /// commit may follow to hand them over (a disk that stays full fails every group),
        /// and new appends arriving all the while must not keep them waiting.
        private func acknowledge(_ jobs: [Job], failingWith error: EventLogError) {
            acknowledge(jobs, Array(repeating: .failure(error), count: jobs.count))
            handOverAcknowledgements()
        }

        private let condition = NSCondition()
        private var queue: [Work] = []
        private var stopping = false
        private var thread: Thread?
        private var stagerThread: Thread?
        /// Signalled once by each of the two threads as it ends.
        private let finished = DispatchSemaphore(value: 0)
        /// The store's group limits (``Options/maxGroupEvents``, ``Options/maxGroupBytes``).
        private var maxGroup = (events: 0, bytes: 0)
        /// Shared under `condition`: the group being written (`nil` while the writer
        /// picks its next group or idles), the jobs staged behind it, and whether the
        /// stager is planning them right now (the writer waits for it to finish).
        private var inFlight: PlanInFlight?
        private var staged: Staged?
        private var stagerBusy = false
        private let stagedJobs = Atomic<Int>(0)
        private let commits = Atomic<Int>(0)
        private let written = Atomic<Int>(0)
        private let plannedAhead = Atomic<Int>(0)

        private let writerThreadID = Atomic<Int>(0)
        /// The writer thread's id, once it runs (for ``ThreadScheduling``).
        var threadID: Int? {
            let id = writerThreadID.load(ordering: .relaxed)
            return id == 0 ? nil : id
        }

        /// Transactions committed and events written so far.
        var statistics: (commits: Int, events: Int) { (commits.load(ordering: .relaxed), written.load(ordering: .relaxed)) }
        /// Batches written as planned ahead (see ``PreplannedBatch``), not planned again here.
        var plannedAheadCount: Int { plannedAhead.load(ordering: .relaxed) }
        /// Appends whose staged plan the writer used (written, or refused, as planned).
        var stagedCount: Int { stagedJobs.load(ordering: .relaxed) }

        /// Appends queued and not yet taken by the writer or the stager (for tests).
        var queuedAppends: Int {
            condition.lock()
            defer { condition.unlock() }
            return queue.count { if case .append = $0 { true } else { false } }
        }

        /// Appends planned by the stager and waiting for the writer (for tests).
        var stagedWaiting: Int {
            condition.lock()
            defer { condition.unlock() }
            return stagerBusy ? 0 : staged?.plan.map { $0.results.count } ?? 0
        }

        /// Starts the writer and the stager. Both hold `store` only while they work on
        /// it, so a store nobody references any more deinitializes (and stops them).
        /// Returns once the writer runs and ``threadID`` is known.
        func start(store: LMDBEventStore, state: State) {
            maxGroup = (store.options.maxGroupEvents, store.options.maxGroupBytes)
            let running = DispatchSemaphore(value: 0)
            let thread = Thread { [weak store] in
                self.writerThreadID.store(ThreadScheduling.currentThreadID() ?? 0, ordering: .relaxed)
                running.signal()
                var state = state
                self.run(store: { store }, state: &state)
            }
            thread.name = "ledgerline-writer"
            thread.stackSize = 4 << 20
            self.thread = thread
            thread.start()
            running.wait()
            let stager = Thread { [weak store] in self.stage(store: { store }) }
            stager.name = "ledgerline-stager"
            stager.stackSize = 4 << 20
            stagerThread = stager
            stager.start()
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
            condition.broadcast()
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
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Finishes the queued work, then ends both threads. Idempotent. Called on one of
        /// them (the store's last reference went away there), it waits only for the other.
        func stop() {
            condition.lock()
            let wasRunning = thread != nil && !stopping
            stopping = true
            condition.broadcast()
            condition.unlock()
            guard wasRunning else { return }
            let current = Thread.current
            for other in [thread, stagerThread] where other !== current { finished.wait() }
        }

        private func run(store current: () -> LMDBEventStore?, state: inout State) {
            while true {
                condition.lock()
                // The last group has committed (or failed): nothing is in flight to stage
                // behind until the next group is planned.
                inFlight = nil
                if !settled.isEmpty && !hasNextGroup() {
                    condition.unlock()
                    handOverAcknowledgements()
                    condition.lock()
                }
                // A staged group is taken whole, once the stager has planned all of it.
                while stagerBusy || (queue.isEmpty && staged == nil && !stopping) { condition.wait() }
                if let group = staged.take() {
                    condition.unlock()
                    guard let store = current() else {
                        acknowledge(group.jobs, failingWith: .closed())
                        continue
                    }
                    process(group.jobs, staged: group.plan, store: store, state: &state)
                    continue
                }
                if queue.isEmpty && stopping {
                    condition.unlock()
                    handOverAcknowledgements()
                    break
                }
                if case .custom(let job) = queue.first {
                    queue.removeFirst()
                    condition.unlock()
                    handOverAcknowledgements()
                    guard let store = current() else {
                        job.continuation.resume(returning: .failure(EventLogError.closed()))
                        continue
                    }
                    runCustom(job, store: store)
                    continue
                }
                var group: [Job] = []
                var events = 0
                var bytes = 0
                while case .append(let job) = queue.first,
                    group.isEmpty || (events + job.count <= maxGroup.events && bytes + job.bytes <= maxGroup.bytes)
                {
                    group.append(job)
                    events += job.count
                    bytes += job.bytes
                    queue.removeFirst()
                }
                condition.unlock()
                guard let store = current() else {
                    acknowledge(group, failingWith: .closed())
                    continue
                }
                process(group, staged: nil, store: store, state: &state)
            }
            finished.signal()
        }

        /// Whether the writer has a group to write without waiting for one (under
        /// `condition`): staged, being staged, or queued.
        private func hasNextGroup() -> Bool {
            if staged != nil || stagerBusy { return true }
            if case .append = queue.first { return true }
            return false
        }

        /// Tells the stager what is being written now, so it plans what queues up next
        /// as if that had committed; wakes it only if something is queued for it.
        private func publishInFlight(_ plan: PlanInFlight) {
            condition.lock()
            inFlight = plan
            if canStage() { condition.broadcast() }
            condition.unlock()
        }

        // MARK: - The stager

        /// The stager's loop: while a group is in flight, takes the appends queued
        /// behind it and plans them (see ``Staged``).
        private func stage(store current: () -> LMDBEventStore?) {
            condition.lock()
            while true {
                while !stopping && (inFlight == nil || !canStage()) { condition.wait() }
                if stopping { break }
                let inFlightNow = inFlight!
                let base = inFlightNow.end
                var group = staged.take() ?? Staged()
                if let plan = group.plan, plan.base != base {
                    // The group in flight was planned again (after the map grew, say):
                    // what was staged after its first plan is stale.
                    group.plan = nil
                    var planner = plan.planner
                    Self.returnBatches(of: &planner, to: group.jobs, results: plan.results)
                    staged = group
                    continue
                }
                let first = group.jobs.count
                while case .append(let job) = queue.first, job.preplanned == nil,
                    group.jobs.isEmpty || (group.events + job.count <= maxGroup.events && group.bytes + job.bytes <= maxGroup.bytes)
                {
                    group.jobs.append(job)
                    group.events += job.count
                    group.bytes += job.bytes
                    queue.removeFirst()
                }
                stagerBusy = true
                condition.unlock()
                if first == 0 { group.plan = (AppendPlanner(head: base.head, lastRecordedAt: base.lastRecordedAt), [], base) }
                plan(&group, from: first, after: inFlightNow, store: current())
                condition.lock()
                staged = group
                stagerBusy = false
                condition.broadcast()
            }
            condition.unlock()
            finished.signal()
        }

        /// Whether the queue's first job can join the staged group (under `condition`).
        private func canStage() -> Bool {
            guard case .append(let job) = queue.first, job.preplanned == nil else { return false }
            guard let group = staged else { return true }
            return group.plan != nil && group.events + job.count <= maxGroup.events && group.bytes + job.bytes <= maxGroup.bytes
        }

        /// Plans `group`'s jobs from `first` on, after `current`, in one read
        /// transaction. Any failure other than a refused batch drops the plan: the
        /// writer plans the jobs itself then, and reports what it finds.
        private func plan(_ group: inout Staged, from first: Int, after current: PlanInFlight, store: LMDBEventStore?) {
            guard var plan = group.plan else { return }
            group.plan = nil
            guard let store else {
                // The store is going away: the writer fails these jobs.
                Self.returnBatches(of: &plan.planner, to: group.jobs, results: plan.results)
                return
            }
            let jobs = group.jobs[first...]
            let planned: Bool
            do {
                // The lookup's state is `current.end`, the plan's base (checked by the caller).
                planned = try store.withLookupAhead(after: current) { lookup, _ -> Bool in
                    let now = store.options.clock()
                    for job in jobs {
                        do {
                            plan.results.append(.success(try plan.planner.plan(from: &job.batch, lookup: lookup, now: now)))
                        } catch let error as EventLogError where error.code == .wrongExpectedVersion || error.code == .idConflict {
                            // Refused as a whole; the planner is as it was before the batch.
                            plan.results.append(.failure(error))
                        }
                    }
                    return true
                } ?? false
            } catch {
                planned = false
            }
            if planned {
                group.plan = plan
            } else {
                Self.returnBatches(of: &plan.planner, to: group.jobs, results: plan.results)
            }
        }

        /// Moves the batches `planner` took back to the jobs it planned (those whose
        /// result is a success), so the jobs can be planned again.
        private static func returnBatches(of planner: inout AppendPlanner, to jobs: [Job], results: [Result<AppendResult, EventLogError>]) {
            var batches = planner.takeBatches().makeIterator()
            for (job, result) in zip(jobs, results) {
                if case .success = result, let batch = batches.next() { job.batch = batch }
            }
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
            /// Settled: each job's result and the state after; `wrote` when a commit wrote
            /// the group (not when every batch in it was refused or a duplicate).
            case committed([Result<AppendResult, EventLogError>], State, wrote: Bool)
            case retryAfterGrowing
            case retryAfterResize
            case failed(EventLogError)
        }

        private func process(_ group: [Job], staged: StagedPlan?, store: LMDBEventStore, state: inout State) {
            // The staged plan serves the first attempt only: an attempt that fails hands
            // the batches back to their jobs.
            var staged = staged
            do {
                try store.env.growIfNearlyFull()
            } catch {
                acknowledge(group, failingWith: error.asEventLogError)
                return
            }
            while true {
                let current = state
                let plan = staged.take()
                let outcome = store.env.resizeLock.withShared { attempt(group, staged: plan, store: store, state: current) }
                switch outcome {
                case .committed(let results, let newState, let wrote):
                    acknowledge(group, results, notifying: newState.head != state.head ? store.notifier : nil)
                    // A group whose every batch was refused wrote nothing: it is told at
                    // once, as no commit of its own hands it over.
                    if !wrote { handOverAcknowledgements() }
                    state = newState
                    return
                case .retryAfterGrowing:
                    do {
                        try store.env.grow()
                    } catch {
                        acknowledge(group, failingWith: error.asEventLogError)
                        return
                    }
                case .retryAfterResize:
                    store.env.adoptGrownMap()
                case .failed(let error):
                    acknowledge(group, failingWith: error)
                    return
                }
            }
        }

        private func attempt(_ group: [Job], staged: StagedPlan?, store: LMDBEventStore, state cached: State) -> Outcome {
            let txn: LMDBTransaction
            do {
                txn = try store.env.beginWrite()
            } catch {
                return error.isMapResized ? .retryAfterResize : .failed(error.asEventLogError)
            }
            var committing = false  // a failed commit has ended the transaction already
            do {
                let dbs = store.databases
                // The state is what this writer last committed, unless another process
                // has appended since: LMDB lets one process write at a time, not one
                // process ever. The head in the transaction settles it; plans made for
                // the older state then fail the checks below and are made again.
                var state = cached
                if try LMDBEventStore.readHead(txn, dbs) != cached.head {
                    state = try LMDBEventStore.writerState(txn, dbs)
                }
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
                // The stream cursor lives only while planning and writing: a write
                // transaction frees its cursors when it ends, so one closed after the
                // commit or abort is freed twice.
                let wrote = try store.withCursor(txn, dbs.streams) { streamCursor -> Bool in
                    let lookup = WriteLookup(store: store, txn: txn, streamCursor: streamCursor)
                    var toPlan = group[...]
                    if var staged {
                        if staged.base == state {
                            // Planned by the stager against exactly this state.
                            planner = staged.planner
                            for (job, result) in zip(group, staged.results) {
                                results.append(result)
                                switch result {
                                case .success: plannedJobs.append(job)
                                case .failure(let error): job.failure = error
                                }
                            }
                            toPlan = []
                            stagedJobs.add(group.count, ordering: .relaxed)
                        } else {
                            Self.returnBatches(of: &staged.planner, to: group, results: staged.results)
                        }
                    }
                    for (index, job) in zip(toPlan.indices, toPlan) {
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
                    guard !planner.isEmpty else { return false }
                    publishInFlight(PlanInFlight(planner: planner, base: state))
                    if planner.recordBytes > Self.handOverBeforeWritingBytes { handOverAcknowledgements() }
                    try store.options.groupWillWrite?()
                    try write(planner, txn: txn, cursor: streamCursor, databases: dbs)
                    return true
                }
                guard wrote else {
                    store.env.abort(txn)
                    return .committed(results, state, wrote: false)
                }
                let streams = try LMDBEventStore.metaValue(txn, dbs, "streams")
                try LMDBEventStore.setMetaValue(txn, dbs, "streams", streams + UInt64(planner.newStreamCount))
                let recordBytes = try LMDBEventStore.metaValue(txn, dbs, "recordBytes")
                try LMDBEventStore.setMetaValue(txn, dbs, "recordBytes", recordBytes + UInt64(planner.recordBytes))
                handOverAcknowledgements()
                committing = true
                try store.env.commit(txn)
                if planner.recordBytes > 4 << 20 { store.env.releaseMappedPages() }
                // An import's batch hands its buffer back for the next one; other groups'
                // batches go back to their jobs as ever (freeing dozens of small batches
                // here would put that on the writer's path).
                if planner.batches.contains(where: { $0.recycler != nil }) {
                    for batch in planner.takeBatches() { batch.recycler?.put(batch.bytes) }
                }
                commits.add(1, ordering: .relaxed)
                if wroteAPlan { plannedAhead.add(1, ordering: .relaxed) }
                written.add(planner.recordCount, ordering: .relaxed)
                return .committed(results, State(after: planner), wrote: true)
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
            try LMDBEventStore.putLinks(txn, dbs, of: planner)

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
}
