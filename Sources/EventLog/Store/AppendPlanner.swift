import JSON

/// What a store must answer for the planner: the committed state of streams and ids.
/// The planner asks for many keys at once, in key order, so a store can walk its
/// indexes front to back instead of jumping around them.
protocol AppendLookup {
    /// The committed versions (event counts) of `streams`, given in key order.
    func committedVersions(of streams: [StreamName]) throws -> [UInt64]
    /// Calls `body` with each of `ids` (given in order) that is stored, and its record.
    func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws
}

/// Turns prepared batches into sealed, hash-chained records and index entries,
/// checking expected versions and ids along the way.
///
/// Shared by both stores, so they assign positions, versions and hashes identically.
/// A planner covers one write transaction (a group of batches): planning a batch
/// either succeeds as a whole or leaves the planner exactly as it was.
struct AppendPlanner {
    private(set) var head: LogPosition
    private(set) var headHash: EventHash
    private(set) var lastRecordedAt: Timestamp

    /// The batches planned so far; their templates are sealed in place, so no record
    /// is copied on its way to the store.
    private(set) var batches: [PreparedBatch] = []
    /// (batch, offset, length) of each sealed record; record i has position `firstPosition + i`.
    private(set) var records: [(batch: Int, offset: Int, length: Int)] = []
    /// Total bytes of sealed records.
    private(set) var recordBytes = 0
    private(set) var idEntries: [(id: EventID, position: UInt64)] = []
    private(set) var streamEntries: [(stream: StreamName, position: UInt64)] = []
    private(set) var typeEntries: [(type: EventType, position: UInt64)] = []
    /// Streams that did not exist before this transaction.
    private(set) var newStreamCount = 0

    let firstPosition: LogPosition
    /// Versions of streams this transaction appended to.
    private var versions: [StreamName: UInt64] = [:]
    /// Committed versions looked up so far.
    private var committed: [StreamName: UInt64] = [:]
    /// Ids this transaction appended, with the index of their record.
    private var plannedIds: [EventID: Int] = [:]

    init(head: LogHead, lastRecordedAt: Timestamp) {
        self.head = head.position
        headHash = head.hash
        self.lastRecordedAt = lastRecordedAt
        firstPosition = head.position.next
    }

    var isEmpty: Bool { records.isEmpty }

    /// Plans `batch` atomically, recording it at `now`. The planner takes the batch
    /// over and seals its templates in place.
    mutating func plan(_ batch: consuming PreparedBatch, lookup: some AppendLookup, now: Timestamp) throws -> AppendResult {
        let stored = try committedMatches(batch, lookup: lookup)
        try lookUpVersions(batch, lookup: lookup)
        let saved = (head, headHash, lastRecordedAt, recordBytes, records.count, idEntries.count, streamEntries.count, typeEntries.count, newStreamCount)
        var touched: [StreamName: UInt64?] = [:]
        var added: [EventID] = []
        batches.append(batch)
        do {
            return try planUnchecked(batchIndex: batches.count - 1, stored: stored, now: now, touched: &touched, added: &added)
        } catch {
            (head, headHash, lastRecordedAt) = (saved.0, saved.1, saved.2)
            recordBytes = saved.3
            batches.removeLast()
            records.removeSubrange(saved.4...)
            idEntries.removeSubrange(saved.5...)
            streamEntries.removeSubrange(saved.6...)
            typeEntries.removeSubrange(saved.7...)
            newStreamCount = saved.8
            for (stream, previous) in touched { versions[stream] = previous }
            for id in added { plannedIds[id] = nil }
            throw error
        }
    }

    /// For each event whose id is committed already: whether it matches, and where it is.
    private func committedMatches(_ batch: PreparedBatch, lookup: some AppendLookup) throws -> [Int: (matches: Bool, position: LogPosition, version: StreamVersion)] {
        var byID: [EventID: [Int]] = [:]
        for (index, event) in batch.events.enumerated() where plannedIds[event.id] == nil {
            byID[event.id, default: []].append(index)
        }
        var found: [Int: (matches: Bool, position: LogPosition, version: StreamVersion)] = [:]
        guard !byID.isEmpty else { return found }
        try lookup.forEachCommittedRecord(ids: byID.keys.sorted()) { id, record in
            for index in byID[id] ?? [] {
                let matches = batch.withTemplate(index) { EventRecord.matches(stored: record, template: $0, given: batch.events[index].given) }
                found[index] = (matches, EventRecord.position(record), EventRecord.version(record))
            }
        }
        return found
    }

    private mutating func lookUpVersions(_ batch: PreparedBatch, lookup: some AppendLookup) throws {
        var missing = Set<StreamName>()
        for event in batch.events where versions[event.stream] == nil && committed[event.stream] == nil {
            missing.insert(event.stream)
        }
        guard !missing.isEmpty else { return }
        let sorted = missing.sorted(by: StreamName.keyOrder)
        for (stream, version) in zip(sorted, try lookup.committedVersions(of: sorted)) { committed[stream] = version }
    }

    private mutating func planUnchecked(
        batchIndex: Int, stored: [Int: (matches: Bool, position: LogPosition, version: StreamVersion)], now: Timestamp,
        touched: inout [StreamName: UInt64?], added: inout [EventID]
    ) throws -> AppendResult {
        let events = batches[batchIndex].events
        var results: [AppendedEvent] = []
        results.reserveCapacity(events.count)
        let recordedAt = max(now, lastRecordedAt)
        for (index, event) in events.enumerated() {
            if let planned = plannedIds[event.id] {
                let (same, version) = withRecord(planned) { record in
                    (batches[batchIndex].withTemplate(index) { EventRecord.matches(stored: record, template: $0, given: event.given) }, EventRecord.version(record))
                }
                let position = LogPosition(firstPosition.rawValue + UInt64(planned))
                try checkDuplicate(same, event: event, index: index, position: position)
                results.append(AppendedEvent(id: event.id, stream: event.stream, position: position, version: version, isDuplicate: true))
                continue
            }
            if let found = stored[index] {
                try checkDuplicate(found.matches, event: event, index: index, position: found.position)
                results.append(AppendedEvent(id: event.id, stream: event.stream, position: found.position, version: found.version, isDuplicate: true))
                continue
            }
            let current = versions[event.stream] ?? committed[event.stream] ?? 0
            guard event.expectedVersion.isSatisfied(by: StreamVersion(current)) else {
                throw EventLogError.wrongExpectedVersion(stream: event.stream, expected: event.expectedVersion, actual: StreamVersion(current), batchIndex: index)
            }
            if touched[event.stream] == nil { touched[event.stream] = .some(versions[event.stream]) }
            if current == 0 { newStreamCount += 1 }
            versions[event.stream] = current + 1

            let position = head.next
            let version = StreamVersion(current + 1)
            let previous = headHash
            let (hash, stamp) = batches[batchIndex].bytes.withUnsafeMutableBytes { all in
                let record = UnsafeMutableRawBufferPointer(rebasing: all[event.offset..<(event.offset + event.length)])
                let hash = EventRecord.seal(record, position: position, version: version, recordedAt: recordedAt, given: event.given, previous: previous)
                return (hash, Timestamp(rawValue: EventRecord.i64(UnsafeRawBufferPointer(record), 60)))
            }
            headHash = hash
            lastRecordedAt = max(lastRecordedAt, stamp)
            records.append((batchIndex, event.offset, event.length))
            recordBytes += event.length
            head = position
            plannedIds[event.id] = records.count - 1
            added.append(event.id)
            idEntries.append((event.id, position.rawValue))
            streamEntries.append((event.stream, position.rawValue))
            typeEntries.append((event.type, position.rawValue))
            results.append(AppendedEvent(id: event.id, stream: event.stream, position: position, version: version, isDuplicate: false))
        }
        return AppendResult(events: results, head: head)
    }

    private func withRecord<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let record = records[index]
        return batches[record.batch].bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.offset..<(record.offset + record.length)])) }
    }

    private func checkDuplicate(_ matches: Bool, event: PreparedBatch.Event, index: Int, position: LogPosition) throws {
        guard matches else {
            throw EventLogError(
                .idConflict,
                "event \(event.id) is stored already at position \(position) with different content; nothing was appended — give a changed event a new id",
                stream: event.stream, position: position, eventID: event.id, batchIndex: index)
        }
    }

    /// Runs `body` over each sealed record with its position.
    func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        for (i, record) in records.enumerated() {
            try batches[record.batch].bytes.withUnsafeBytes { all in
                try body(firstPosition.rawValue + UInt64(i), UnsafeRawBufferPointer(rebasing: all[record.offset..<(record.offset + record.length)]))
            }
        }
    }
}

extension StreamName {
    /// Byte-wise order of the names' UTF-8, LMDB's default key order.
    static func keyOrder(_ a: StreamName, _ b: StreamName) -> Bool {
        JSONObject.precedes(a.rawValue, b.rawValue)
    }
}
