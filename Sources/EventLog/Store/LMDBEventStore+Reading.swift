import CLMDB
import Foundation

// MARK: - Reading the log by position

extension LMDBEventStore {
    public func read(from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try guarded { try env.read { txn in try readEvents(txn, from: position, direction: direction, limit: limit) } }
    }

    /// The events from `position` on, read in `txn`, which must be a read transaction:
    /// a long read hands it to another thread (see ``readForwardInParts(_:from:limit:)``),
    /// which LMDB allows for read transactions only.
    func readEvents(_ txn: LMDBTransaction, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        // A long forward read walks the file in order: let the kernel read ahead.
        guard direction == .forward, try isScan(txn, from: max(position?.rawValue ?? 1, 1), limit: limit) else {
            return try readEventsUnadvised(txn, from: position, direction: direction, limit: limit)
        }
        return try env.scanning { try readEventsUnadvised(txn, from: position, direction: direction, limit: limit) }
    }

    /// Forward reads of at least this many events are scans (see ``LMDBEnvironment/scanning(_:)``):
    /// the pages a subscription catches up by (512 events) and longer.
    static let scanThreshold = 256

    /// Whether a forward read from `first` of at most `limit` events reads at least
    /// ``scanThreshold`` of them. A subscription that has caught up asks for a whole
    /// page and finds an event or two: that is no scan, and costs no `madvise`. One
    /// look at the head, only for a read that asks for that many.
    func isScan(_ txn: LMDBTransaction, from first: UInt64, limit: Int) throws -> Bool {
        guard limit >= Self.scanThreshold else { return false }
        let head = try Self.readHead(txn, databases).position.rawValue
        return head >= first && head - first + 1 >= UInt64(Self.scanThreshold)
    }

    private func readEventsUnadvised(_ txn: LMDBTransaction, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        if direction == .forward, let events = try readForwardInParts(txn, from: max(position?.rawValue ?? 1, 1), limit: limit) {
            return events
        }
        return try withCursor(txn, databases.events) { cursor in
            var entry: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
            switch direction {
            case .forward:
                entry = try withUInt64Bytes(max(position?.rawValue ?? 1, 1)) { key in try cursor.get(MDB_SET_RANGE, key: key) }
            case .backward:
                if let position {
                    entry = try withUInt64Bytes(position.rawValue) { key in try cursor.get(MDB_SET_RANGE, key: key) }
                    if let found = entry, try readUInt64(found.key) > position.rawValue {
                        entry = try cursor.get(MDB_PREV)
                    } else if entry == nil {
                        entry = try cursor.get(MDB_LAST)
                    }
                } else {
                    entry = try cursor.get(MDB_LAST)
                }
            }
            let step = direction == .forward ? MDB_NEXT : MDB_PREV
            // Walking the cursor is cheap; decoding is most of a read. Collect the
            // records (valid while the transaction lives), then decode them.
            var records: [(position: UInt64, bytes: UnsafeRawBufferPointer)] = []
            records.reserveCapacity(min(limit, 4096))
            // Positions have no gaps, so each key but a backward read's first is known
            // before it is read; one that is not is damage, and a number read from it
            // would name a position that never existed.
            var expected = direction == .forward ? max(position?.rawValue ?? 1, 1) : nil
            var damagedKey: EventLogError?
            while let current = entry, records.count < limit {
                if let problem = Self.damagedKey(current.key, expected: expected, after: records.last?.position, direction: direction) {
                    damagedKey = problem
                    break
                }
                let key = try readUInt64(current.key)
                records.append((key, current.value))
                expected = direction == .forward ? key + 1 : key - 1
                entry = try cursor.get(step)
            }
            // The records before the damaged key are damaged first, if any is.
            let events = try decodeRecords(records)
            if let damagedKey { throw damagedKey }
            return events
        }
    }

    /// Why a key of the log, where the read expected position `expected` (`nil` when
    /// any will do) after `previous`, cannot be a position, or `nil` when it can.
    ///
    /// A key that is damaged reads as a number like any other. Named as the position
    /// of a damaged record it sends the reader looking for, say, position
    /// 3,770,585,493,217,504,385; what can be said is where the log stops reading well.
    static func damagedKey(_ key: UnsafeRawBufferPointer, expected: UInt64?, after previous: UInt64?, direction: ReadDirection = .forward) -> EventLogError? {
        let found: String
        let value = key.count == 8 ? key.loadUnaligned(as: UInt64.self) : 0
        if key.count != 8 {
            found = "it is \(key.count) bytes, not 8"
        } else if value == 0 {
            found = "it reads 0, which is no position"
        } else if let expected, value != expected {
            found = "it reads \(value), not \(expected)"
        } else {
            return nil
        }
        let advice = "run `ledgerline verify` to see how far the log holds, then restore data.mdb from a backup or an export"
        let place: String
        if let previous {
            place =
                direction == .forward
                ? "the log reads well up to position \(previous), but the next record's key is damaged"
                : "the log reads well back to position \(previous), but the key of the record before it is damaged"
        } else if let expected {
            place = "the key of the record where position \(expected) belongs is damaged"
        } else {
            place = "the key of the log's last record is damaged"
        }
        return EventLogError(.corrupted, "\(place) (\(found)); \(advice)", position: expected.map { LogPosition($0) })
    }

    /// Reads of at least this many events decode them on every core.
    static let parallelDecodeThreshold = 1_024
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// A long forward read split by position into one part per core, each walked and
    /// decoded on its own thread in a transaction of its own on `txn`'s snapshot.
    ///
    /// Positions run without gaps from 1 to the head, so where each part starts is known
    /// before anything is read, and the walk (a cache miss per record) is shared out as
    /// well as the decoding. `nil` — read it on one cursor instead — for a short read,
    /// when a commit landed before the other transactions began, or when a part finds a
    /// gap, which only a damaged log has.
    private func readForwardInParts(_ txn: LMDBTransaction, from first: UInt64, limit: Int) throws -> [RecordedEvent]? {
        guard Self.cores > 1, limit >= Self.parallelDecodeThreshold else { return nil }
        let head = try Self.readHead(txn, databases).position.rawValue
        guard head >= first else { return nil }
        let n = Int(min(UInt64(limit), head - first + 1))
        guard n >= Self.parallelDecodeThreshold else { return nil }
        let events = databases.events
        return try readInParts(txn, count: n, threshold: Self.parallelDecodeThreshold) { txn, range, emit in
            try self.withCursor(txn, events) { cursor in
                var expected = first + UInt64(range.lowerBound)
                var entry = try withUInt64Bytes(expected) { key in try cursor.get(MDB_SET_RANGE, key: key) }
                for _ in range {
                    guard let current = entry, try readUInt64(current.key) == expected else { return false }
                    // Step first and ask for the next record, so that loading it
                    // overlaps with decoding this one.
                    entry = try cursor.get(MDB_NEXT)
                    if let next = entry { ledgerline_prefetch(next.value.baseAddress, next.value.count) }
                    guard emit(expected, current.value) else { return true }
                    expected += 1
                }
                return true
            }
        }
    }

    /// Reads of at least this many scattered positions (a stream, a type) look them up
    /// on every core.
    ///
    /// Waking a second thread costs tens of microseconds here, and more at the tail: a
    /// lookup costs about one. Measured on 2 cores (`readType`, 1,000 reads each), the
    /// split lost below 256 positions (p50 136 µs on one thread against 181 split, at
    /// 128; p99 251 against 1,074), was even at 512 (p50 12-18% better split, p99 mixed)
    /// and won from 768 (p50 484-494 µs against 650-711). At the old 64, a 100-event
    /// stream read (`ledgerline-bench stream-read`) had a p99 of 234-361 µs in four runs;
    /// on one thread, 190-221.
    static let parallelLookupThreshold = 512

    /// The events at `positions`, an index's list, in that order; `missing` says what a
    /// position the log lacks means. `txn` must be a read transaction, as for
    /// ``readEvents(_:from:direction:limit:)``.
    ///
    /// Each lookup descends the `events` tree to a leaf page nothing else read, so a
    /// stream's read is a chain of cache misses. A long list is looked up in one
    /// contiguous part per core, each in a transaction of its own on `txn`'s snapshot.
    /// Either way each record is found first and asked into the cache at once, then
    /// decoded, so its misses overlap with the next lookups.
    func readRecords(_ txn: LMDBTransaction, at positions: [UInt64], missing: @escaping @Sendable (UInt64) -> EventLogError) throws -> [RecordedEvent] {
        let events = databases.events
        @Sendable func lookUp(_ txn: LMDBTransaction, _ range: Range<Int>) throws -> [(position: UInt64, bytes: UnsafeRawBufferPointer)] {
            try positions[range].map { position in
                guard let bytes = try withUInt64Bytes(position, { key in try txn.get(events, key) }) else { throw missing(position) }
                ledgerline_prefetch(bytes.baseAddress, bytes.count)
                return (position, bytes)
            }
        }
        if Self.cores > 1, positions.count >= Self.parallelLookupThreshold,
            let found = try readInParts(txn, count: positions.count, threshold: Self.parallelLookupThreshold, { txn, range, emit in
                for record in try lookUp(txn, range) where !emit(record.position, record.bytes) { break }
                return true
            })
        {
            return found
        }
        return try decodeRecords(lookUp(txn, positions.indices))
    }

    /// `count` events read in one contiguous part per core (each at least half of
    /// `threshold` long), every part on its own thread: the first in `txn`, whose thread
    /// waits for all of them meanwhile, the others each in a read transaction of its own
    /// on `txn`'s snapshot. `read(txn, range, emit)` is ``decodeInParts(count:parts:_:)``'s
    /// producer, given the transaction its part reads in. `nil` when a commit landed
    /// before a part's transaction began, or a part could not read its whole range.
    private func readInParts(
        _ txn: LMDBTransaction, count: Int, threshold: Int,
        _ read: @escaping @Sendable (LMDBTransaction, Range<Int>, (UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Bool
    ) throws -> [RecordedEvent]? {
        nonisolated(unsafe) let txn = txn  // a read transaction, used by one thread at a time
        return try decodeInParts(count: count, parts: Self.parts(count, threshold: threshold)) { part, range, emit in
            if part == 0 { return try read(txn, range, emit) }
            return try self.env.readSameSnapshot(as: txn) { sibling in try read(sibling, range, emit) } ?? false
        }
    }

    /// One part per core, each at least half of `threshold` long.
    private static func parts(_ count: Int, threshold: Int) -> Int {
        max(1, min(cores, count / (threshold / 2)))
    }

    /// Decodes `records` in order: on this thread for a short read, else a contiguous
    /// part per core. A damaged record fails the whole read, with the first damaged
    /// position, either way.
    private func decodeRecords(_ records: [(position: UInt64, bytes: UnsafeRawBufferPointer)]) throws -> [RecordedEvent] {
        guard Self.cores > 1, records.count >= Self.parallelDecodeThreshold else {
            var strings = RecordStrings()
            return try records.map { try decodeRecord($0.bytes, at: $0.position, strings: &strings) }
        }
        nonisolated(unsafe) let records = records
        let events = try decodeInParts(count: records.count, parts: Self.parts(records.count, threshold: Self.parallelDecodeThreshold)) { _, range, emit in
            for i in range where !emit(records[i].position, records[i].bytes) { break }
            return true
        }
        return events!
    }

    /// Builds `count` events on `parts` threads at once, part `k` holding the events at
    /// `k * count / parts ..< (k + 1) * count / parts`.
    ///
    /// `produce(k, range, emit)` calls `emit(position, record)` for each record of its
    /// range in order, stopping when `emit` returns `false` (a damaged record), and
    /// returns whether it could produce its whole range. Returns `nil` when a part could
    /// not; throws the first damaged record, or the first error a part threw.
    private func decodeInParts(
        count n: Int, parts: Int,
        _ produce: @Sendable (Int, Range<Int>, (UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Bool
    ) throws -> [RecordedEvent]? {
        var failure: Error?
        var incomplete = false
        let events = [RecordedEvent](unsafeUninitializedCapacity: n) { buffer, count in
            // `done[k]` events from part k's start are initialized; `problems[k]` holds its
            // first damaged record; `outcomes[k]` whether it produced its range or threw.
            var done = [Int](repeating: 0, count: parts)
            var problems = [(position: UInt64, problem: String)?](repeating: nil, count: parts)
            var outcomes = [Result<Bool, Error>](repeating: .success(false), count: parts)
            @Sendable func bounds(_ part: Int) -> Range<Int> { (part * n / parts)..<((part + 1) * n / parts) }
            done.withUnsafeMutableBufferPointer { done in
                problems.withUnsafeMutableBufferPointer { problems in
                    outcomes.withUnsafeMutableBufferPointer { outcomes in
                        nonisolated(unsafe) let buffer = buffer
                        nonisolated(unsafe) let done = done
                        nonisolated(unsafe) let problems = problems
                        nonisolated(unsafe) let outcomes = outcomes
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            var strings = RecordStrings()
                            let range = bounds(part)
                            outcomes[part] = Result {
                                try produce(part, range) { position, bytes in
                                    if let problem = EventRecord.structuralProblem(bytes) {
                                        problems[part] = (position, problem)
                                        return false
                                    }
                                    (buffer.baseAddress! + range.lowerBound + done[part]).initialize(to: EventRecord.decode(bytes, strings: &strings))
                                    done[part] += 1
                                    return true
                                }
                            }
                        }
                    }
                }
            }
            let damaged = problems.lazy.compactMap { $0 }.first
            for outcome in outcomes {
                switch outcome {
                case .failure(let error): failure = failure ?? error
                case .success(let complete): incomplete = incomplete || !complete
                }
            }
            if let damaged, failure == nil { failure = EventLogError.damagedRecord(at: damaged.position, damaged.problem) }
            if failure != nil || incomplete {
                for part in 0..<parts { (buffer.baseAddress! + bounds(part).lowerBound).deinitialize(count: done[part]) }
                count = 0
            } else {
                count = n
            }
        }
        if let failure { throw failure }
        return incomplete ? nil : events
    }
}
