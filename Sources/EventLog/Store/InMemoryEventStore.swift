import Foundation
import Synchronization

/// The event log in memory: same contract, same record format, same hashes as
/// ``LMDBEventStore``, nothing on disk.
///
/// For unit tests of folds and rules, and as the reference the contract suite holds
/// the LMDB store to. Appending the same events with the same clock to both stores
/// gives the same positions, versions and head hash.
public final class InMemoryEventStore: EventStore, PreparedAppending, Sendable {
    private struct State {
        var records: [[UInt8]] = []
        var ids: [EventID: UInt64] = [:]
        var streams: [StreamName: [UInt64]] = [:]
        var types: [EventType: [UInt64]] = [:]
        var links: [EventLink: [UInt64]] = [:]
        var lastRecordedAt = Timestamp(rawValue: 0)
        var head: LogHead = .empty
        var recordBytes = 0
    }

    private let state = Mutex(State())
    private let notifier = HeadNotifier()
    let views = InMemoryViews()
    private let validator: (any EventValidator)?
    private let clock: @Sendable () -> Timestamp
    private let maxRecordBytes: Int

    public init(validator: (any EventValidator)? = nil, maxRecordBytes: Int = 1 << 20, clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.validator = validator
        self.clock = clock
        self.maxRecordBytes = maxRecordBytes
    }

    private struct Lookup: AppendLookup {
        let state: State

        func committedVersions(of streams: [StreamName]) throws -> [UInt64] {
            streams.map { UInt64(state.streams[$0]?.count ?? 0) }
        }

        func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {
            for id in ids {
                guard let position = state.ids[id] else { continue }
                state.records[Int(position - 1)].withUnsafeBytes { body(id, $0) }
            }
        }
    }

    public func append(_ events: [ProposedEvent]) async throws(EventLogError) -> AppendResult {
        let now = clock()
        let batch = try ProposedEvent.prepare(events, validator: validator, maxRecordBytes: maxRecordBytes, now: now)
        return try append(prepared: batch, now: now)
    }

    func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult {
        try append(prepared: batch, now: clock())
    }

    private func append(prepared batch: PreparedBatch, now: Timestamp) throws(EventLogError) -> AppendResult {
        let result: Result<AppendResult, EventLogError> = state.withLock { state in
            var planner = AppendPlanner(head: state.head, lastRecordedAt: state.lastRecordedAt)
            let result: AppendResult
            do {
                result = try planner.plan(batch, lookup: Lookup(state: state), now: now)
            } catch {
                return .failure(error.asEventLogError)
            }
            _ = try? planner.forEachRecord { position, record in
                state.records.append(Array(record))
                state.ids[EventRecord.id(record)] = position
                EventLink.forEach(in: record) { state.links[$0, default: []].append(position) }
            }
            planner.forEachStreamEntry { stream, positions in state.streams[stream, default: []].append(contentsOf: positions) }
            planner.forEachTypeEntry { type, positions in state.types[type, default: []].append(contentsOf: positions) }
            state.head = LogHead(position: planner.head, hash: planner.headHash)
            state.lastRecordedAt = planner.lastRecordedAt
            state.recordBytes += planner.recordBytes
            return .success(result)
        }
        if case .success(let appended) = result, appended.appendedCount > 0 { notifier.publish() }
        return try result.get()
    }

    public func read(from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        state.withLock { state in
            let count = UInt64(state.records.count)
            guard limit > 0, count > 0 else { return [] }
            switch direction {
            case .forward:
                let first = max(position?.rawValue ?? 1, 1)
                guard first <= count else { return [] }
                let last = min(count, first + UInt64(limit) - 1)
                return (first...last).map { decode(state, $0) }
            case .backward:
                let first = min(position?.rawValue ?? count, count)
                guard first >= 1 else { return [] }
                return stride(from: first, through: max(1, first >= UInt64(limit) ? first - UInt64(limit) + 1 : 1), by: -1).map { decode(state, $0) }
            }
        }
    }

    public func readStream(_ stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        state.withLock { state in
            guard let positions = state.streams[stream], limit > 0 else { return [] }
            switch direction {
            case .forward:
                let first = Int(max(version?.rawValue ?? 1, 1))
                guard first <= positions.count else { return [] }
                return positions[(first - 1)..<min(positions.count, first - 1 + limit)].map { decode(state, $0) }
            case .backward:
                let last = Int(min(version?.rawValue ?? UInt64(positions.count), UInt64(positions.count)))
                guard last >= 1 else { return [] }
                return positions[max(0, last - limit)..<last].reversed().map { decode(state, $0) }
            }
        }
    }

    public func readType(_ type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        state.withLock { state in read(state.types[type], state, from: position, direction: direction, limit: limit) }
    }

    public func readLinked(_ link: EventLink, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        state.withLock { state in read(state.links[link], state, from: position, direction: direction, limit: limit) }
    }

    /// The events at `positions` (an index's list, ascending) from `position` going
    /// `direction`, at most `limit`.
    private func read(_ positions: [UInt64]?, _ state: State, from position: LogPosition?, direction: ReadDirection, limit: Int) -> [RecordedEvent] {
        guard let positions, limit > 0 else { return [] }
        switch direction {
        case .forward:
            let first = position?.rawValue ?? 1
            return positions.lazy.filter { $0 >= first }.prefix(limit).map { decode(state, $0) }
        case .backward:
            let last = position?.rawValue ?? UInt64.max
            return positions.reversed().lazy.filter { $0 <= last }.prefix(limit).map { decode(state, $0) }
        }
    }

    public func firstPosition(recordedAtOrAfter time: Timestamp) throws(EventLogError) -> LogPosition? {
        state.withLock { state in
            var (low, high) = (0, state.records.count)
            while low < high {
                let mid = (low + high) / 2
                let recorded = state.records[mid].withUnsafeBytes { EventRecord.i64($0, 60) }
                if recorded < time.rawValue { low = mid + 1 } else { high = mid }
            }
            return low < state.records.count ? LogPosition(UInt64(low + 1)) : nil
        }
    }

    public func event(id: EventID) throws(EventLogError) -> RecordedEvent? {
        state.withLock { state in state.ids[id].map { decode(state, $0) } }
    }

    public func head() throws(EventLogError) -> LogHead {
        state.withLock { $0.head }
    }

    public func streamVersion(_ stream: StreamName) throws(EventLogError) -> StreamVersion {
        state.withLock { StreamVersion(UInt64($0.streams[stream]?.count ?? 0)) }
    }

    public func streams(prefix: String, after: StreamName?, limit: Int) throws(EventLogError) -> [StreamSummary] {
        state.withLock { state in
            guard limit > 0 else { return [] }
            // Byte order, as StreamName sorts and as the LMDB store keeps names.
            let names = state.streams.keys.filter { name in
                name.rawValue.utf8.starts(with: prefix.utf8) && after.map { $0 < name } ?? true
            }.sorted()
            return names.prefix(limit).map { name in
                let positions = state.streams[name]!
                let (first, last) = (positions[0], positions[positions.count - 1])
                return state.records[Int(first - 1)].withUnsafeBytes { firstRecord in
                    state.records[Int(last - 1)].withUnsafeBytes { lastRecord in
                        let (first, last) = (StoredEvent(record: firstRecord), StoredEvent(record: lastRecord))
                        return StreamSummary(
                            stream: name, version: StreamVersion(UInt64(positions.count)), firstPosition: first.position, lastPosition: last.position,
                            firstRecordedAt: first.recordedAt, lastRecordedAt: last.recordedAt, lastType: last.type)
                    }
                }
            }
        }
    }

    public func subscribe(after position: LogPosition) -> EventSubscription {
        EventSubscription(after: position, notifier: notifier) { [self] (from, limit) throws(EventLogError) in
            try read(from: from, direction: .forward, limit: limit)
        }
    }

    public func verify(progress: (@Sendable (LogPosition, LogPosition) -> Void)?) throws(EventLogError) -> VerificationReport {
        let (records, head) = state.withLock { ($0.records, $0.head) }
        return try guarded {
            try LMDBEventStore.verifyChain(head: head, progress: progress) { visit in
                for (index, record) in records.enumerated() {
                    guard record.withUnsafeBytes({ visit(UInt64(index + 1), $0) }) else { return }
                }
            }
        }
    }

    public func statistics() throws(EventLogError) -> LogStatistics {
        state.withLock { state in
            LogStatistics(
                events: UInt64(state.records.count), streams: state.streams.count, head: state.head,
                types: state.types.mapValues(\.count), fileBytes: 0, usedBytes: state.recordBytes, recordBytes: state.recordBytes,
                firstRecordedAt: state.records.first.map { decodeRecord($0).recordedAt },
                lastRecordedAt: state.records.last.map { decodeRecord($0).recordedAt })
        }
    }

    /// Up to `limit` records from position `first`, copied out of the lock (the copy
    /// shares the records' storage).
    func recordsSlice(from first: Int, limit: Int) -> ArraySlice<[UInt8]> {
        state.withLock { state in
            guard first <= state.records.count else { return [] }
            return state.records[(first - 1)..<min(state.records.count, first - 1 + limit)]
        }
    }

    private func decode(_ state: State, _ position: UInt64) -> RecordedEvent {
        decodeRecord(state.records[Int(position - 1)])
    }

    private func decodeRecord(_ record: [UInt8]) -> RecordedEvent {
        record.withUnsafeBytes { EventRecord.decode($0) }
    }
}

extension InMemoryEventStore: ImportPreviewing {
    func now() -> Timestamp { clock() }

    func withCommittedState<T>(_ body: (any AppendLookup, LogHead, Timestamp) throws -> T) throws -> T {
        // A copy of the state (its arrays and tables are shared until written), so the
        // lock is not held while `body` plans.
        let snapshot = state.withLock { $0 }
        return try body(Lookup(state: snapshot), snapshot.head, snapshot.lastRecordedAt)
    }
}
