import CLMDB
import Foundation

/// A store an import can be previewed against: it hands out what it has committed.
protocol ImportPreviewing: Sendable {
    /// Runs `body` with the committed state: a lookup of streams and ids, the head, and
    /// the last event's `recordedAt`.
    func withCommittedState<T>(_ body: (any AppendLookup, LogHead, Timestamp) throws -> T) throws -> T
    /// The time the store stamps an append with now, which a plan is made at.
    func now() -> Timestamp
}

/// What a dry run of an import into `store` plans against: `store`, or an empty log
/// when there is none. Refuses a store that cannot hand out its committed state.
func previewedStore(_ store: (any EventStore)?, file: String) throws(ImportFailure) -> (any ImportPreviewing)? {
    switch store {
    case nil: return nil
    case let store as any ImportPreviewing: return store
    default: throw ImportFailure(file: file, reason: "this store does not support dry runs")
    }
}

extension LMDBEventStore: ImportPreviewing {
    func now() -> Timestamp { options.clock() }

    func withCommittedState<T>(_ body: (any AppendLookup, LogHead, Timestamp) throws -> T) throws -> T {
        // Without a plan in flight the lookup always stands for what is committed.
        guard let value = try withLookupAhead(after: nil, { lookup, base in try body(lookup, base.head, base.lastRecordedAt) }) else {
            throw EventLogError(.storage, "could not read the store's committed state")
        }
        return value
    }
}

/// The append pass of an import run dry (`ledgerline import --dry-run`): each batch is
/// planned exactly as the store's writer would plan it — positions, versions, expected
/// versions, duplicates and id conflicts, an export's `seq`, `version` and `hash` —
/// against what the store holds plus every batch planned before it, and nothing is
/// appended.
///
/// What earlier batches planned (each stream's version, each id's record) is kept in a
/// scratch LMDB environment beside the store, written without syncing and removed by
/// ``close()``, so memory stays bounded by the batch size whatever the file's size.
///
/// A dry run's preview stands for the store as it was when the dry run began: if
/// anything is appended meanwhile, the next batch is refused with a message saying so.
/// An import's plan before appending (``EventImporter/Phase/planning``) goes on
/// instead: it looks for the lines the store refuses, and the append pass checks each
/// batch again anyway.
final class ImportPreview: ImportTarget, @unchecked Sendable {
    /// What the file is previewed against; `nil` for an empty log (no store yet).
    private let store: (any ImportPreviewing)?
    private let folder: ScratchLease
    private let scratch: LMDBEnvironment
    private let streams: MDB_dbi
    private let ids: MDB_dbi
    /// Whether planned records are kept by id, for later batches giving their ids again.
    private let keepsPlannedIDs: Bool
    /// Whether appends to the store during the preview are let be.
    private let followsStore: Bool
    /// The store's head when the preview began.
    private var startHead: LogHead?
    /// Where the log would stand after the batches planned so far.
    private var state: (head: LogHead, lastRecordedAt: Timestamp)?

    /// A preview against `store` (an empty log when `nil`), keeping its scratch
    /// environment in a new folder inside `scratchDirectory`.
    ///
    /// - Parameters:
    ///   - keepsPlannedIDs: `false` when no event's id is one an earlier event of the
    ///     file has (the check pass knows): its planned records are then not kept.
    ///   - followsStore: go on planning when the store is appended to meanwhile,
    ///     rather than refuse the next batch.
    init(store: (any ImportPreviewing)?, scratchDirectory: URL, keepsPlannedIDs: Bool = true, followsStore: Bool = false) throws {
        self.store = store
        self.keepsPlannedIDs = keepsPlannedIDs
        self.followsStore = followsStore
        folder = try ScratchLease.folder(".ledgerline-preview-\(UUID().uuidString)", in: scratchDirectory)
        do {
            scratch = try LMDBEnvironment(directory: folder.url, mapSize: 256 << 20, maxDatabases: 2, maxReaders: 4, sync: false)
        } catch {
            folder.release()
            throw error
        }
        let created = Result { [scratch] in
            try scratch.write { txn in
                (try scratch.openDatabase("streams", flags: MDB_CREATE, in: txn), try scratch.openDatabase("ids", flags: MDB_CREATE, in: txn))
            }
        }
        switch created {
        case .success(let dbis): (streams, ids) = dbis
        case .failure(let error):
            scratch.close()
            folder.release()
            throw error
        }
    }

    /// Closes and removes the scratch environment.
    func close() {
        scratch.close()
        folder.release()
    }

    deinit { close() }

    func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult {
        var batch = batch
        do {
            return try plan(&batch)
        } catch {
            var error = error.asEventLogError
            // The planner found the id's other event at a position; when an earlier
            // batch of this file planned it there, nothing is stored at that position
            // (nothing is appended while planning), so say what the plan found.
            if error.code == .idConflict, error.earlierBatchIndex == nil, let id = error.eventID, let position = error.position, (try? planned(id)) == true {
                error.message =
                    "event \(id) is given by an earlier line of this file too, with different content (the plan puts that line at position \(position)); "
                    + "give each event its own id"
            }
            throw error
        }
    }

    /// Whether the batches planned so far hold `id` (kept only with `keepsPlannedIDs`).
    private func planned(_ id: EventID) throws -> Bool {
        try scratch.read { txn in
            var key = [UInt8](repeating: 0, count: 16)
            key.withUnsafeMutableBytes { id.store(to: $0, at: 0) }
            return try key.withUnsafeBytes { try txn.get(ids, $0) } != nil
        }
    }

    func head() throws(EventLogError) -> LogHead {
        if let state { return state.head }
        do {
            return try store?.withCommittedState { _, head, _ in head } ?? .empty
        } catch {
            throw error.asEventLogError
        }
    }

    /// Plans `batch` after the batches planned so far, then records what it adds.
    private func plan(_ batch: inout PreparedBatch) throws -> AppendResult {
        var planner: AppendPlanner?
        let result = try scratch.read { txn in
            let planned = ScratchState(txn: txn, streams: streams, ids: ids)
            func plan(over committed: some AppendLookup, head: LogHead, lastRecordedAt: Timestamp) throws -> AppendResult {
                if startHead == nil { startHead = head }
                guard head == startHead || followsStore else {
                    throw EventLogError(
                        .storage,
                        "the store changed during the dry run (its head moved from \(startHead!.position) to \(head.position)): "
                            + "something else appended meanwhile; run the dry run again")
                }
                let base = state ?? (head, lastRecordedAt)
                var next = AppendPlanner(head: base.head, lastRecordedAt: base.lastRecordedAt)
                let result = try next.plan(from: &batch, lookup: PlannedOverlay(planned: planned, committed: committed), now: store?.now() ?? .now)
                planner = next
                return result
            }
            if let store {
                return try store.withCommittedState { lookup, head, lastRecordedAt in try plan(over: lookup, head: head, lastRecordedAt: lastRecordedAt) }
            }
            return try plan(over: EmptyLog(), head: .empty, lastRecordedAt: Timestamp(rawValue: 0))
        }
        guard let planner else { return result }
        try scratch.write { txn in
            var key = [UInt8](repeating: 0, count: 16)
            try planner.forEachStreamEntry { stream, _ in
                guard let version = planner.version(of: stream) else { return }
                var name = stream.rawValue
                try name.withUTF8 { name in try withUInt64Bytes(version) { try txn.put(streams, UnsafeRawBufferPointer(name), $0) } }
            }
            guard keepsPlannedIDs else { return }
            try planner.forEachRecord { _, record in
                key.withUnsafeMutableBytes { EventRecord.id(record).store(to: $0, at: 0) }
                try key.withUnsafeBytes { try txn.put(ids, $0, record) }
            }
        }
        state = (LogHead(position: planner.head, hash: planner.headHash), planner.lastRecordedAt)
        return result
    }

    /// What the batches planned so far add, as the scratch environment holds it.
    private struct ScratchState: PlannedState {
        let txn: LMDBTransaction
        let streams: MDB_dbi
        let ids: MDB_dbi

        func version(of stream: StreamName) throws -> UInt64? {
            var name = stream.rawValue
            return try name.withUTF8 { bytes in try txn.get(streams, UnsafeRawBufferPointer(bytes)).map(readUInt64) }
        }

        func withPlannedRecord(id: EventID, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Bool {
            var key = [UInt8](repeating: 0, count: 16)
            key.withUnsafeMutableBytes { id.store(to: $0, at: 0) }
            guard let record = try key.withUnsafeBytes({ try txn.get(ids, $0) }) else { return false }
            body(record)
            return true
        }
    }
}
