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

/// The committed state of a log with nothing in it (a dry run without a store plans
/// against it).
struct EmptyLog: AppendLookup {
    func committedVersions(of streams: [StreamName]) throws -> [UInt64] { streams.map { _ in 0 } }
    func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {}
}

/// What planned batches add to the committed state: the versions of the streams they
/// met, and the records of the ids they append.
protocol PlannedState {
    /// The version `stream` has once the planned batches are in; `nil` when they did
    /// not meet it.
    func version(of stream: StreamName) throws -> UInt64?
    /// Calls `body` with the sealed record of `id` if the planned batches append it;
    /// returns whether they do.
    func withPlannedRecord(id: EventID, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Bool
}

/// Committed state as it will be once `planned` is in: what `planned` appends (its
/// streams' versions, its ids and records) over what `committed` holds.
///
/// The writer and the importer plan a batch against the plan still being written
/// (an ``AppendPlanner``), so the next batch is planned while that one is written; the
/// writer uses such a plan only if the one before it did commit as planned. `committed`
/// may then be a snapshot from before or after `planned` committed: for everything
/// `planned` touched, the overlay answers, and it answers the same either way. A dry
/// run (``ImportPreview``) plans each batch against all the batches before it.
struct PlannedOverlay<Planned: PlannedState, Committed: AppendLookup>: AppendLookup {
    /// `nil`: nothing is in flight, `committed` answers alone.
    let planned: Planned?
    let committed: Committed

    func committedVersions(of streams: [StreamName]) throws -> [UInt64] {
        var versions = [UInt64](repeating: 0, count: streams.count)
        var unmet: [Int] = []
        for (index, stream) in streams.enumerated() {
            if let version = try planned?.version(of: stream) { versions[index] = version } else { unmet.append(index) }
        }
        guard !unmet.isEmpty else { return versions }
        let found = try committed.committedVersions(of: unmet.map { streams[$0] })
        for (index, version) in zip(unmet, found) { versions[index] = version }
        return versions
    }

    func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws {
        var unmet: [EventID] = []
        for id in ids where try planned?.withPlannedRecord(id: id, { body(id, $0) }) != true { unmet.append(id) }
        guard !unmet.isEmpty else { return }
        try committed.forEachCommittedRecord(ids: unmet, body)
    }
}

/// Turns prepared batches into sealed, hash-chained records and index entries,
/// checking expected versions and ids along the way.
///
/// Shared by both stores, so they assign positions, versions and hashes identically.
/// A planner covers one write transaction (a group of batches): planning a batch
/// either succeeds as a whole or leaves the planner's answers exactly as they were.
///
/// Cost per event: one dictionary lookup for its stream, one for its id, a sort of the
/// batch's ids, and a SHA-256 of its record. Streams and types are numbered ("slots")
/// the first time the transaction meets them, so index entries can be bucketed into
/// key order without comparing names per event.
struct AppendPlanner: PlannedState {
    /// The end of the refusal of an id the store holds with other content; an importer
    /// that derives ids (``CSVImporter``) puts its own advice in its place.
    static let changedEventAdvice = "give a changed event a new id"

    private(set) var head: LogPosition
    private(set) var headHash: EventHash
    private(set) var lastRecordedAt: Timestamp

    /// The batches planned so far; their templates are sealed in place, so no record
    /// is copied on its way to the store.
    private(set) var batches: [PreparedBatch] = []
    /// (batch, offset, length, stream slot, type slot) of each sealed record; record i
    /// has position `firstPosition + i`.
    private var records: [(batch: Int, offset: Int, length: Int, stream: Int32, type: Int32)] = []
    /// Total bytes of sealed records.
    private(set) var recordBytes = 0
    /// Streams that did not exist before this transaction.
    private(set) var newStreamCount = 0

    let firstPosition: LogPosition

    private var streamSlots: [StreamName: Int] = [:]
    private var streamNames: [StreamName] = []
    /// Each stream's version: committed, plus what this transaction planned.
    private var streamVersions: [UInt64] = []
    private var typeSlots: [EventType: Int] = [:]
    private var typeNames: [EventType] = []
    /// Ids this transaction appended, with the index of their record.
    private var plannedIds: [EventID: Int] = [:]
    /// Bounds of every id planned (a refused batch's may widen them; they never shrink).
    private(set) var plannedIDBounds: ClosedRange<EventID>?

    init(head: LogHead, lastRecordedAt: Timestamp) {
        self.head = head.position
        headHash = head.hash
        self.lastRecordedAt = lastRecordedAt
        firstPosition = head.position.next
    }

    var isEmpty: Bool { records.isEmpty }
    var recordCount: Int { records.count }

    /// Plans `batch` atomically, recording it at `now`. The planner takes the batch
    /// over and seals its templates in place.
    mutating func plan(_ batch: consuming PreparedBatch, lookup: some AppendLookup, now: Timestamp) throws -> AppendResult {
        var batch = batch
        return try plan(from: &batch, lookup: lookup, now: now)
    }

    /// Plans `batch` like ``plan(_:lookup:now:)``, taking it only when planning
    /// succeeds: a refused batch is left in `batch`, so the caller can still hand it to
    /// someone else. A failed lookup may leave slots behind; drop the planner then.
    mutating func plan(from batch: inout PreparedBatch, lookup: some AppendLookup, now: Timestamp) throws -> AppendResult {
        let streams = try assignStreamSlots(batch, lookup: lookup)
        let types = assignTypeSlots(batch)
        let stored = try committedMatches(batch, lookup: lookup)
        let saved = (head, headHash, lastRecordedAt, recordBytes, records.count, newStreamCount)
        var touched: [(slot: Int, version: UInt64)] = []
        var added: [EventID] = []
        var taken = PreparedBatch()
        swap(&taken, &batch)
        batches.append(consume taken)
        do {
            return try planUnchecked(
                batchIndex: batches.count - 1, streams: streams, types: types, stored: stored, now: now, touched: &touched, added: &added)
        } catch {
            (head, headHash, lastRecordedAt, recordBytes) = (saved.0, saved.1, saved.2, saved.3)
            records.removeSubrange(saved.4...)
            newStreamCount = saved.5
            batch = batches.removeLast()
            for (slot, version) in touched.reversed() { streamVersions[slot] = version }
            for id in added { plannedIds[id] = nil }
            throw error
        }
    }

    /// Hands back the planned batches (their templates sealed), leaving none here.
    mutating func takeBatches() -> [PreparedBatch] {
        defer { batches = [] }
        return batches
    }

    // MARK: - What this transaction will have committed

    /// The version `stream` has once this transaction commits, if the transaction met
    /// the stream (appended to it or looked it up); `nil` otherwise.
    func version(of stream: StreamName) -> UInt64? {
        streamSlots[stream].map { streamVersions[$0] }
    }

    /// Calls `body` with the sealed record of `id` if this transaction appends it;
    /// returns whether it does. An id outside ``plannedIDBounds`` is answered without
    /// hashing it: an import's next batch, planned against this one while it is written,
    /// has ids (which lead with the line number) wholly past this one's.
    func withPlannedRecord(id: EventID, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard plannedIDBounds?.contains(id) == true, let index = plannedIds[id] else { return false }
        withRecord(index, body)
        return true
    }

    /// The stream slot of each event; streams new to the transaction get their
    /// committed version, looked up in key order.
    private mutating func assignStreamSlots(_ batch: PreparedBatch, lookup: some AppendLookup) throws -> [Int32] {
        var slots: [Int32] = []
        slots.reserveCapacity(batch.count)
        // At most one new stream per event: growing the table once beats rehashing it
        // several times while an import batch of 50,000 events fills it.
        streamSlots.reserveCapacity(streamSlots.count + batch.count)
        var fresh: [Int] = []
        for event in batch.events {
            let next = streamNames.count
            let slot = Self.value(of: event.stream, in: &streamSlots, insertingIfAbsent: next)
            if slot == next {
                streamNames.append(event.stream)
                streamVersions.append(0)
                fresh.append(slot)
            }
            slots.append(Int32(slot))
        }
        if !fresh.isEmpty {
            fresh = Self.sortedByKey(fresh, streamNames)
            let versions = try lookup.committedVersions(of: fresh.map { streamNames[$0] })
            for (slot, version) in zip(fresh, versions) { streamVersions[slot] = version }
        }
        return slots
    }

    private mutating func assignTypeSlots(_ batch: PreparedBatch) -> [Int32] {
        batch.events.map { event in
            // A transaction meets a few types: comparing a name with each beats hashing it.
            if typeNames.count <= Self.typesSearchedInOrder {
                if let slot = typeNames.firstIndex(of: event.type) { return Int32(slot) }
            } else if let slot = typeSlots[event.type] {
                return Int32(slot)
            }
            typeSlots[event.type] = typeNames.count
            typeNames.append(event.type)
            return Int32(typeNames.count - 1)
        }
    }

    /// Up to this many types, a type's slot is found by comparing names in order.
    private static let typesSearchedInOrder = 16

    /// The value of `key` in `table`, inserting `new` first when it has none: one hash
    /// of the key, where a lookup followed by an insert takes two. The planner does
    /// this for every event's stream and id.
    @inline(__always)
    private static func value<Key: Hashable>(of key: Key, in table: inout [Key: Int], insertingIfAbsent new: Int) -> Int {
        func read(_ value: inout Int) -> Int { value }
        return read(&table[key, default: new])
    }

    private typealias Found = (matches: Bool, position: LogPosition, version: StreamVersion, hash: EventHash)

    /// For each event whose id is committed already: whether it matches, and where it is.
    private func committedMatches(_ batch: PreparedBatch, lookup: some AppendLookup) throws -> [Int: Found] {
        var candidates: [(id: EventID, index: Int)] = []
        candidates.reserveCapacity(batch.count)
        for (index, event) in batch.events.enumerated() where plannedIds.isEmpty || plannedIds[event.id] == nil {
            candidates.append((event.id, index))
        }
        guard !candidates.isEmpty else { return [:] }
        candidates.sort { $0.id < $1.id }
        var ids: [EventID] = []
        ids.reserveCapacity(candidates.count)
        for candidate in candidates where ids.last != candidate.id { ids.append(candidate.id) }
        var found: [Int: Found] = [:]
        try lookup.forEachCommittedRecord(ids: ids) { id, record in
            var low = 0
            var high = candidates.count
            while low < high {
                let mid = (low + high) / 2
                if candidates[mid].id < id { low = mid + 1 } else { high = mid }
            }
            while low < candidates.count, candidates[low].id == id {
                let index = candidates[low].index
                let matches = batch.withTemplate(index) { EventRecord.matches(stored: record, template: $0, given: batch.events[index].given) }
                found[index] = (matches, EventRecord.position(record), EventRecord.version(record), EventRecord.hash(record))
                low += 1
            }
        }
        return found
    }

    private mutating func planUnchecked(
        batchIndex: Int, streams: [Int32], types: [Int32], stored: [Int: Found], now: Timestamp,
        touched: inout [(slot: Int, version: UInt64)], added: inout [EventID]
    ) throws -> AppendResult {
        let events = batches[batchIndex].events
        var results: [AppendedEvent] = []
        results.reserveCapacity(events.count)
        plannedIds.reserveCapacity(plannedIds.count + events.count)
        for (index, event) in events.enumerated() {
            // Stored before this transaction: no record here can hold its id.
            if !stored.isEmpty, let found = stored[index] {
                try checkDuplicate(found.matches, event: event, index: index, position: found.position, batchIndex: batchIndex)
                try checkPlacement(event, index: index, position: found.position, version: found.version, stored: true)
                try checkClaimedHash(event, index: index, position: found.position, hash: found.hash, stored: true)
                results.append(AppendedEvent(id: event.id, stream: event.stream, position: found.position, version: found.version, isDuplicate: true))
                continue
            }
            // The id is taken for this event's record (the next) unless a record planned
            // before holds it; `added` gives it back if the batch is refused.
            let next = records.count
            let planned = Self.value(of: event.id, in: &plannedIds, insertingIfAbsent: next)
            if planned != next {
                let (same, version, hash) = withRecord(planned) { record in
                    (
                        batches[batchIndex].withTemplate(index) { EventRecord.matches(stored: record, template: $0, given: event.given) },
                        EventRecord.version(record), EventRecord.hash(record)
                    )
                }
                let position = LogPosition(firstPosition.rawValue + UInt64(planned))
                try checkDuplicate(same, event: event, index: index, position: position, batchIndex: batchIndex, planned: planned)
                try checkPlacement(event, index: index, position: position, version: version, stored: true)
                try checkClaimedHash(event, index: index, position: position, hash: hash, stored: true)
                results.append(AppendedEvent(id: event.id, stream: event.stream, position: position, version: version, isDuplicate: true))
                continue
            }
            added.append(event.id)
            if let bounds = plannedIDBounds {
                if !bounds.contains(event.id) { plannedIDBounds = min(bounds.lowerBound, event.id)...max(bounds.upperBound, event.id) }
            } else {
                plannedIDBounds = event.id...event.id
            }
            let slot = Int(streams[index])
            let current = streamVersions[slot]
            guard event.expectedVersion.isSatisfied(by: StreamVersion(current)) else {
                throw EventLogError.wrongExpectedVersion(stream: event.stream, expected: event.expectedVersion, actual: StreamVersion(current), batchIndex: index)
            }
            try checkPlacement(event, index: index, position: head.next, version: StreamVersion(current + 1), stored: false)
            // recordedAt never goes backward along the log (reads by time search for it):
            // an event is stamped with the clock's time, or the last event's when the
            // clock is behind it; a restored event keeps its own, which must not be earlier.
            if event.given.contains(.recordedAt) {
                let given = Timestamp(rawValue: batches[batchIndex].bytes.withUnsafeBytes { EventRecord.i64($0, event.offset + 60) })
                guard given >= lastRecordedAt else { throw recordedBackward(event, index: index, given: given) }
                // Every event after it would be stamped with that time until the clock
                // caught up: refuse a time no clock here has reached.
                guard given.rawValue <= now.rawValue &+ Self.clockSkewAllowed else { throw recordedInTheFuture(event, index: index, given: given, now: now) }
            }
            touched.append((slot, current))
            if current == 0 { newStreamCount += 1 }
            streamVersions[slot] = current + 1

            let position = head.next
            let version = StreamVersion(current + 1)
            let previous = headHash
            let recordedAt = max(now, lastRecordedAt)
            let (hash, stamp) = batches[batchIndex].bytes.withUnsafeMutableBytes { all in
                let record = UnsafeMutableRawBufferPointer(rebasing: all[event.offset..<(event.offset + event.length)])
                let hash = EventRecord.seal(record, position: position, version: version, recordedAt: recordedAt, given: event.given, previous: previous)
                return (hash, Timestamp(rawValue: EventRecord.i64(UnsafeRawBufferPointer(record), 60)))
            }
            // Sealing changed only what sealing the batch again sets anew, so a refused
            // batch can still be planned by someone else.
            try checkClaimedHash(event, index: index, position: position, hash: hash, stored: false)
            headHash = hash
            lastRecordedAt = stamp
            records.append((batchIndex, event.offset, event.length, streams[index], types[index]))
            recordBytes += event.length
            head = position
            results.append(AppendedEvent(id: event.id, stream: event.stream, position: position, version: version, isDuplicate: false))
        }
        return AppendResult(events: results, head: head)
    }

    /// Refuses event `index`, a restored event that says where it goes (an export
    /// line's `seq` and `version`), when it is at `position` and `version` instead:
    /// `stored` there already (a duplicate), or to be appended there.
    private func checkPlacement(_ event: PreparedBatch.Event, index: Int, position: LogPosition, version: StreamVersion, stored: Bool) throws {
        let problem: String
        if event.claimedPosition != 0 && event.claimedPosition != position.rawValue {
            problem =
                "says it is seq \(event.claimedPosition), but this log \(stored ? "holds it" : "would place it") at \(position): "
                + "restore an export into an empty store, and an `export --from N` into a store that holds the N − 1 events before it"
        } else if event.claimedVersion != 0 && event.claimedVersion != version.rawValue {
            problem =
                "says it is version \(event.claimedVersion) of \(event.stream), but in this log it \(stored ? "is" : "would be") version \(version): "
                + "the export was altered or misses events of that stream; restore a whole, unaltered export"
        } else {
            return
        }
        throw EventLogError(.invalidEvent, "event \(event.id) \(problem)", stream: event.stream, eventID: event.id, batchIndex: index)
    }

    /// Refuses event `index`, a restored event that gives the hash it had (an export
    /// line's `hash`), when its hash at `position` in this log is `hash` instead. The
    /// chain makes the first such line the first altered one (or the first after
    /// events the export misses).
    private func checkClaimedHash(_ event: PreparedBatch.Event, index: Int, position: LogPosition, hash: EventHash, stored: Bool) throws {
        guard let claimed = event.claimedHash, claimed != hash else { return }
        throw EventLogError(
            .invalidEvent,
            "event \(event.id) says its hash is \(claimed.description), but this log \(stored ? "holds it" : "would chain it") at seq \(position) "
                + "with hash \(hash.description): the line, or one before it, was altered, or the export misses events; restore a whole, unaltered export",
            stream: event.stream, eventID: event.id, batchIndex: index)
    }

    /// How far past this machine's clock a restored event's `recordedAt` may be (the
    /// clocks of the machine it was exported from and of this one differ): 5 minutes.
    static let clockSkewAllowed: Int64 = 5 * 60 * 1_000_000

    /// Refuses event `index`, which gives a `recordedAt` later than the clock.
    private func recordedInTheFuture(_ event: PreparedBatch.Event, index: Int, given: Timestamp, now: Timestamp) -> EventLogError {
        EventLogError(
            .invalidEvent,
            "event \(event.id) gives recordedAt \(given), later than this machine's clock (\(now)): an event cannot have been recorded in the future, "
                + "and every event after it would be stamped with that time. Check the clock here and where the export came from",
            stream: event.stream, eventID: event.id, batchIndex: index)
    }

    /// Refuses event `index`, which gives a `recordedAt` earlier than the last event's.
    private func recordedBackward(_ event: PreparedBatch.Event, index: Int, given: Timestamp) -> EventLogError {
        EventLogError(
            .invalidEvent,
            "event \(event.id) gives recordedAt \(given), but the event before it (position \(head)) was recorded at \(lastRecordedAt): "
                + "recordedAt never goes backward in the log, so only a restore gives it, in order, into a log recorded before it; "
                + "give when the event happened as occurredAt instead",
            stream: event.stream, eventID: event.id, batchIndex: index)
    }

    private func withRecord<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let record = records[index]
        return batches[record.batch].bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.offset..<(record.offset + record.length)])) }
    }

    /// Refuses event `index` of batch `batchIndex` unless it `matches` the event its id
    /// already has at `position`: stored, or `planned` (an index in ``records``) in this
    /// transaction.
    private func checkDuplicate(_ matches: Bool, event: PreparedBatch.Event, index: Int, position: LogPosition, batchIndex: Int, planned: Int? = nil) throws {
        guard !matches else { return }
        if let planned, records[planned].batch == batchIndex {
            // Not stored anywhere: the batch itself gives the id twice.
            let events = batches[batchIndex].events
            let earlier = events.firstIndex { $0.offset == records[planned].offset } ?? 0
            var error = EventLogError(
                .idConflict,
                "event \(event.id) is given twice in this append, with different content (events \(earlier + 1) and \(index + 1) of \(events.count)); nothing was appended — give each event its own id",
                stream: event.stream, eventID: event.id, batchIndex: index)
            error.earlierBatchIndex = earlier
            throw error
        }
        throw EventLogError(
            .idConflict,
            "event \(event.id) is stored already at position \(position) with different content; nothing was appended — \(Self.changedEventAdvice)",
            stream: event.stream, position: position, eventID: event.id, batchIndex: index)
    }

    // MARK: - What the transaction writes

    /// Runs `body` over each sealed record with its position, in position order.
    func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        try forEachRecord(in: records.indices) { _, position, record in try body(position, record) }
    }

    /// Runs `body` over the records whose indexes are in `range` (the first record has
    /// index 0), with each one's index and position.
    func forEachRecord(in range: Range<Int>, _ body: (Int, UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        for i in range {
            let record = records[i]
            try batches[record.batch].bytes.withUnsafeBytes { all in
                try body(i, firstPosition.rawValue + UInt64(i), UnsafeRawBufferPointer(rebasing: all[record.offset..<(record.offset + record.length)]))
            }
        }
    }

    /// The (id, position) index entries, sorted by id.
    func sortedIdEntries() -> [(id: EventID, position: UInt64)] {
        var ids: [(id: EventID, position: UInt64)] = []
        ids.reserveCapacity(records.count)
        for (i, record) in records.enumerated() {
            let id = batches[record.batch].bytes.withUnsafeBytes { EventRecord.id(UnsafeRawBufferPointer(rebasing: $0[record.offset..<(record.offset + record.length)])) }
            ids.append((id, firstPosition.rawValue + UInt64(i)))
        }
        ids.sort { $0.id < $1.id }
        return ids
    }

    /// The link index entries (see ``EventLink``) of the records, in key order (kind,
    /// then id), positions ascending within a key: written in this order, consecutive
    /// puts land on the same pages.
    func sortedLinkEntries() -> [(link: EventLink, position: UInt64)] {
        var links: [(link: EventLink, position: UInt64)] = []
        for (i, record) in records.enumerated() {
            batches[record.batch].bytes.withUnsafeBytes { all in
                EventLink.forEach(in: UnsafeRawBufferPointer(rebasing: all[record.offset..<(record.offset + record.length)])) {
                    links.append(($0, firstPosition.rawValue + UInt64(i)))
                }
            }
        }
        // The sort is stable and positions arrive ascending, so they stay ascending per key.
        links.sort { $0.link.precedes($1.link) }
        return links
    }

    /// Calls `body` with each stream appended to and its new positions, streams in key
    /// order and positions ascending.
    func forEachStreamEntry(_ body: (StreamName, ArraySlice<UInt64>) throws -> Void) rethrows {
        try forEachBucket(count: streamNames.count, slot: { Int($0.stream) }, order: { Self.sortedByKey($0, streamNames) }) {
            try body(streamNames[$0], $1)
        }
    }

    /// Calls `body` with each event type appended and its new positions, in key order.
    func forEachTypeEntry(_ body: (EventType, ArraySlice<UInt64>) throws -> Void) rethrows {
        try forEachBucket(count: typeNames.count, slot: { Int($0.type) }, order: { $0.sorted { JSONObject.precedes(typeNames[$0].rawValue, typeNames[$1].rawValue) } }) {
            try body(typeNames[$0], $1)
        }
    }

    /// Buckets record positions by slot (a counting sort: positions stay ascending within
    /// a slot) and visits the non-empty slots in `order`.
    private func forEachBucket(
        count: Int, slot: ((batch: Int, offset: Int, length: Int, stream: Int32, type: Int32)) -> Int, order: ([Int]) -> [Int],
        _ body: (Int, ArraySlice<UInt64>) throws -> Void
    ) rethrows {
        var counts = [Int](repeating: 0, count: count + 1)
        for record in records { counts[slot(record) + 1] += 1 }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        var next = counts
        var positions = [UInt64](repeating: 0, count: records.count)
        for (i, record) in records.enumerated() {
            let s = slot(record)
            positions[next[s]] = firstPosition.rawValue + UInt64(i)
            next[s] += 1
        }
        let used = order((0..<count).filter { counts[$0 + 1] > counts[$0] })
        for s in used { try body(s, positions[counts[s]..<counts[s + 1]]) }
    }
}

extension AppendPlanner {
    /// `slots` ordered by their names' UTF-8 bytes (LMDB's key order). Names are compared
    /// by their first 16 bytes as two integers, and in full only when those tie: a batch
    /// of 50,000 events meets tens of thousands of streams, and comparing strings was the
    /// planner's largest cost.
    static func sortedByKey(_ slots: [Int], _ names: [StreamName]) -> [Int] {
        var keyed: [(k0: UInt64, k1: UInt64, slot: Int)] = []
        keyed.reserveCapacity(slots.count)
        for slot in slots {
            var name = names[slot].rawValue
            let (k0, k1) = name.withUTF8 { bytes -> (UInt64, UInt64) in
                var k0: UInt64 = 0
                var k1: UInt64 = 0
                for i in 0..<8 { k0 = k0 << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
                for i in 8..<16 { k1 = k1 << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
                return (k0, k1)
            }
            keyed.append((k0, k1, slot))
        }
        keyed.sort { a, b in
            if a.k0 != b.k0 { return a.k0 < b.k0 }
            if a.k1 != b.k1 { return a.k1 < b.k1 }
            return names[a.slot] < names[b.slot]
        }
        return keyed.map(\.slot)
    }
}
