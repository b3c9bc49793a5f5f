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
    final class Writer: @unchecked Sendable {
        struct State {
            var head: LogHead
            var lastRecordedAt: Timestamp
        }

        final class Job {
            let events: [ProposedEvent]
            let continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>
            var bytes: Int { events.reduce(0) { $0 + $1.payload.count + 160 } }

            init(events: [ProposedEvent], continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>) {
                self.events = events
                self.continuation = continuation
            }
        }

        private let condition = NSCondition()
        private var queue: [Job] = []
        private var stopping = false
        private var stopped = false
        private var thread: Thread?
        private let finished = DispatchSemaphore(value: 0)
        private let commits = Atomic<Int>(0)
        private let written = Atomic<Int>(0)

        /// Transactions committed and events written so far.
        var statistics: (commits: Int, events: Int) { (commits.load(ordering: .relaxed), written.load(ordering: .relaxed)) }

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

        func submit(_ events: [ProposedEvent]) async -> Result<AppendResult, EventLogError> {
            await withCheckedContinuation { continuation in
                condition.lock()
                if stopping {
                    condition.unlock()
                    continuation.resume(returning: .failure(.closed()))
                    return
                }
                queue.append(Job(events: events, continuation: continuation))
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
                var group: [Job] = []
                var events = 0
                var bytes = 0
                while let job = queue.first,
                    group.isEmpty || (events + job.events.count <= store.options.maxGroupEvents && bytes + job.bytes <= store.options.maxGroupBytes)
                {
                    group.append(job)
                    events += job.events.count
                    bytes += job.bytes
                    queue.removeFirst()
                }
                condition.unlock()
                process(group, store: store, state: &state)
            }
            finished.signal()
        }

        private enum Outcome {
            case committed([Result<AppendResult, EventLogError>], State)
            case retryAfterGrowing
            case retryAfterResize
            case failed(EventLogError)
        }

        private func process(_ group: [Job], store: LMDBEventStore, state: inout State) {
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
            do {
                let dbs = store.databases
                let streamCursor = try txn.cursor(dbs.streams)
                defer { streamCursor.close() }
                let lookup = WriteLookup(store: store, txn: txn, streamCursor: streamCursor)
                var planner = AppendPlanner(head: state.head, lastRecordedAt: state.lastRecordedAt)
                let now = store.options.clock()
                var results: [Result<AppendResult, EventLogError>] = []
                for job in group {
                    do throws(EventLogError) {
                        results.append(.success(try planner.plan(job.events, lookup: lookup, now: now)))
                    } catch {
                        if let failure = lookup.failure { throw failure }
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
                try store.env.commit(txn)
                commits.add(1, ordering: .relaxed)
                written.add(planner.records.count, ordering: .relaxed)
                return .committed(results, State(head: LogHead(position: planner.head, hash: planner.headHash), lastRecordedAt: planner.lastRecordedAt))
            } catch let error as LMDBFailure {
                store.env.abort(txn)
                if error.isMapFull { return .retryAfterGrowing }
                if error.isMapResized { return .retryAfterResize }
                return .failed(error.asEventLogError)
            } catch {
                store.env.abort(txn)
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

            let ids = planner.idEntries.sorted { $0.id < $1.id }
            var idKey = [UInt8](repeating: 0, count: 16)
            for entry in ids {
                idKey.withUnsafeMutableBytes { entry.id.store(to: $0, at: 0) }
                try idKey.withUnsafeBytes { (key) throws in
                    try withUInt64Bytes(entry.position) { (value) throws in try txn.put(dbs.ids, key, value, flags: Int32(MDB_NOOVERWRITE)) }
                }
            }

            let streamEntries = planner.streamEntries.sorted {
                $0.stream == $1.stream ? $0.position < $1.position : StreamName.keyOrder($0.stream, $1.stream)
            }
            for entry in streamEntries {
                var name = entry.stream.rawValue
                try name.withUTF8 { (key) throws in
                    try withUInt64Bytes(entry.position) { (value) throws in
                        try streams.put(key: UnsafeRawBufferPointer(key), value: value, flags: Int32(MDB_APPENDDUP))
                    }
                }
            }

            let types = try txn.cursor(dbs.types)
            defer { types.close() }
            let typeEntries = planner.typeEntries.sorted {
                $0.type == $1.type ? $0.position < $1.position : $0.type.rawValue < $1.type.rawValue
            }
            for entry in typeEntries {
                var name = entry.type.rawValue
                try name.withUTF8 { (key) throws in
                    try withUInt64Bytes(entry.position) { (value) throws in
                        try types.put(key: UnsafeRawBufferPointer(key), value: value, flags: Int32(MDB_APPENDDUP))
                    }
                }
            }
        }
    }

    /// The planner's view of committed state, read through the write transaction.
    final class WriteLookup: AppendLookup {
        let store: LMDBEventStore
        let txn: LMDBTransaction
        let streamCursor: LMDBCursor
        /// A storage failure met while answering the planner; it aborts the whole group.
        var failure: Error?

        init(store: LMDBEventStore, txn: LMDBTransaction, streamCursor: LMDBCursor) {
            self.store = store
            self.txn = txn
            self.streamCursor = streamCursor
        }

        func committedVersion(of stream: StreamName) throws(EventLogError) -> UInt64 {
            do {
                var name = stream.rawValue
                let found = try name.withUTF8 { (key) throws in try streamCursor.get(MDB_SET, key: UnsafeRawBufferPointer(key)) }
                return found == nil ? 0 : UInt64(try streamCursor.duplicateCount())
            } catch {
                failure = error
                throw error.asEventLogError
            }
        }

        func withCommittedRecord<T>(id: EventID, _ body: (UnsafeRawBufferPointer?) -> T) throws(EventLogError) -> T {
            do {
                var key = id.bytes
                let position = try key.withUnsafeMutableBytes { (raw) throws in try txn.get(store.databases.ids, UnsafeRawBufferPointer(raw)).map(readUInt64) }
                guard let position else { return body(nil) }
                let record = try withUInt64Bytes(position) { (raw) throws in try txn.get(store.databases.events, raw) }
                return body(record)
            } catch {
                failure = error
                throw error.asEventLogError
            }
        }
    }
}
