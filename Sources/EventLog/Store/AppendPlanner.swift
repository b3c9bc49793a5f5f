import JSON

/// What a store must answer for the planner: the current state of streams and ids,
/// as committed (the planner layers the batch being built on top).
protocol AppendLookup {
    /// A stream's committed version (number of events).
    func committedVersion(of stream: StreamName) throws(EventLogError) -> UInt64
    /// Runs `body` with the committed record stored under `id`, or `nil`.
    func withCommittedRecord<T>(id: EventID, _ body: (UnsafeRawBufferPointer?) -> T) throws(EventLogError) -> T
}

/// Turns batches of proposed events into encoded, hash-chained records and index
/// entries, checking expected versions and ids along the way.
///
/// Shared by both stores, so they assign positions, versions and hashes identically.
/// A planner covers one write transaction (a group of batches): planning a batch
/// either succeeds as a whole or leaves the planner exactly as it was.
struct AppendPlanner {
    private(set) var head: LogPosition
    private(set) var headHash: EventHash
    private(set) var lastRecordedAt: Timestamp

    /// Every planned record, back to back.
    private(set) var buffer: [UInt8] = []
    /// (offset, length) of each planned record in ``buffer``; record i has position `firstPosition + i`.
    private(set) var records: [(offset: Int, length: Int)] = []
    private(set) var idEntries: [(id: EventID, position: UInt64)] = []
    private(set) var streamEntries: [(stream: StreamName, position: UInt64)] = []
    private(set) var typeEntries: [(type: EventType, position: UInt64)] = []
    /// Streams that did not exist before this transaction.
    private(set) var newStreamCount = 0

    let firstPosition: LogPosition
    private var versions: [StreamName: UInt64] = [:]
    private var plannedIds: [EventID: Int] = [:]

    init(head: LogHead, lastRecordedAt: Timestamp) {
        self.head = head.position
        headHash = head.hash
        self.lastRecordedAt = lastRecordedAt
        firstPosition = head.position.next
    }

    var isEmpty: Bool { records.isEmpty }

    /// Plans `events` as one atomic batch, recording it at `now`.
    mutating func plan(_ events: [ProposedEvent], lookup: some AppendLookup, now: Timestamp) throws(EventLogError) -> AppendResult {
        let saved = (head, headHash, lastRecordedAt, buffer.count, records.count, idEntries.count, streamEntries.count, typeEntries.count, newStreamCount)
        var touchedVersions: [StreamName: UInt64?] = [:]
        var addedIds: [EventID] = []
        do throws(EventLogError) {
            let result = try planUnchecked(events, lookup: lookup, now: now, touched: &touchedVersions, addedIds: &addedIds)
            return result
        } catch {
            (head, headHash, lastRecordedAt) = (saved.0, saved.1, saved.2)
            buffer.removeSubrange(saved.3...)
            records.removeSubrange(saved.4...)
            idEntries.removeSubrange(saved.5...)
            streamEntries.removeSubrange(saved.6...)
            typeEntries.removeSubrange(saved.7...)
            newStreamCount = saved.8
            for (stream, previous) in touchedVersions { versions[stream] = previous }
            for id in addedIds { plannedIds[id] = nil }
            throw error
        }
    }

    private mutating func planUnchecked(
        _ events: [ProposedEvent], lookup: some AppendLookup, now: Timestamp,
        touched: inout [StreamName: UInt64?], addedIds: inout [EventID]
    ) throws(EventLogError) -> AppendResult {
        var results: [AppendedEvent] = []
        results.reserveCapacity(events.count)
        let recordedAt = max(now, lastRecordedAt)
        for (index, event) in events.enumerated() {
            let metadata = EventRecord.encodeMetadata(event.metadata)
            if let id = event.id, let duplicate = try existing(id: id, matching: event, metadata: metadata, index: index, lookup: lookup) {
                results.append(duplicate)
                continue
            }
            let current: UInt64
            if let known = versions[event.stream] {
                current = known
            } else {
                current = try lookup.committedVersion(of: event.stream)
            }
            guard event.expectedVersion.isSatisfied(by: StreamVersion(current)) else {
                throw EventLogError.wrongExpectedVersion(
                    stream: event.stream, expected: event.expectedVersion, actual: StreamVersion(current), batchIndex: index)
            }
            if touched[event.stream] == nil { touched[event.stream] = .some(versions[event.stream]) }
            if current == 0 { newStreamCount += 1 }
            versions[event.stream] = current + 1

            let position = head.next
            let id = event.id ?? EventID.generate(milliseconds: UInt64(max(0, recordedAt.rawValue / 1000)))
            let stamp = event.recordedAt ?? recordedAt
            let fields = EventRecord.Fields(
                position: position, version: StreamVersion(current + 1), id: id, recordedAt: stamp,
                occurredAt: event.occurredAt ?? stamp, schemaVersion: event.schemaVersion ?? 1)
            let offset = buffer.count
            headHash = EventRecord.append(event, fields: fields, metadata: metadata, previous: headHash, to: &buffer)
            records.append((offset, buffer.count - offset))
            head = position
            lastRecordedAt = max(lastRecordedAt, stamp)
            plannedIds[id] = records.count - 1
            addedIds.append(id)
            idEntries.append((id, position.rawValue))
            streamEntries.append((event.stream, position.rawValue))
            typeEntries.append((event.type, position.rawValue))
            results.append(AppendedEvent(id: id, stream: event.stream, position: position, version: fields.version, isDuplicate: false))
        }
        return AppendResult(events: results, head: head)
    }

    /// The original placement of an event whose id is stored (or planned) already with
    /// the same content; `nil` when the id is new. Throws on an id conflict.
    private func existing(id: EventID, matching event: ProposedEvent, metadata: [UInt8], index: Int, lookup: some AppendLookup) throws(EventLogError) -> AppendedEvent? {
        let found: (matches: Bool, position: LogPosition, version: StreamVersion)?
        if let planned = plannedIds[id] {
            let record = records[planned]
            found = buffer.withUnsafeBytes { all in
                let bytes = UnsafeRawBufferPointer(rebasing: all[record.offset..<(record.offset + record.length)])
                return (EventRecord.matches(bytes, event, metadata: metadata), EventRecord.position(bytes), EventRecord.version(bytes))
            }
        } else {
            found = try lookup.withCommittedRecord(id: id) { bytes in
                guard let bytes else { return nil }
                return (EventRecord.matches(bytes, event, metadata: metadata), EventRecord.position(bytes), EventRecord.version(bytes))
            }
        }
        guard let found else { return nil }
        guard found.matches else {
            throw EventLogError(
                .idConflict,
                "event \(id) is stored already at position \(found.position) with different content; nothing was appended — give a changed event a new id",
                stream: event.stream, position: found.position, eventID: id, batchIndex: index)
        }
        return AppendedEvent(id: id, stream: event.stream, position: found.position, version: found.version, isDuplicate: true)
    }

    /// Runs `body` over each planned record with its position.
    func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        let failure: Error? = buffer.withUnsafeBytes { all in
            for (i, record) in records.enumerated() {
                do {
                    try body(firstPosition.rawValue + UInt64(i), UnsafeRawBufferPointer(rebasing: all[record.offset..<(record.offset + record.length)]))
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Total bytes of planned records.
    var recordBytes: Int { buffer.count }
}

extension StreamName {
    /// Byte-wise order of the names' UTF-8, LMDB's default key order.
    static func keyOrder(_ a: StreamName, _ b: StreamName) -> Bool {
        JSONObject.precedes(a.rawValue, b.rawValue)
    }
}
