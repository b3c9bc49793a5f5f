import CLMDB
import Foundation

// MARK: - Reading through the indexes: streams, types, links, ids, times

extension LMDBEventStore {
    public func readStream(_ stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try readListed(
            in: databases.streams, { cursor in try streamPositions(cursor, stream: stream, from: version, direction: direction, limit: limit) },
            missing: { position in Self.streamListsMissing(stream, position) })
    }

    /// The events at the positions `positions` finds with a cursor on index `index`,
    /// read in one read transaction; a position not in the log fails the read with
    /// `missing`'s error (the index is damaged).
    private func readListed(
        in index: MDB_dbi, _ positions: (LMDBCursor) throws -> [UInt64], missing: @escaping @Sendable (UInt64) -> EventLogError
    ) throws(EventLogError) -> [RecordedEvent] {
        try guarded {
            try env.read { txn in
                let found = try withCursor(txn, index, positions)
                return try readRecords(txn, at: found, missing: missing)
            }
        }
    }

    /// The positions of a stream's events from `version` in `direction`, at most `limit`.
    ///
    /// Cost: forward reads walk whole pages of positions (about 500 per page) to the
    /// first wanted one; backward reads from the end step one position at a time.
    private func streamPositions(_ cursor: LMDBCursor, stream: StreamName, from version: StreamVersion?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var name = stream.rawValue
        let found = try name.withUTF8 { key in try cursor.get(MDB_SET, key: UnsafeRawBufferPointer(key)) }
        guard found != nil else { return [] }
        let count = UInt64(try cursor.duplicateCount())
        var out: [UInt64] = []
        if count == 1 {
            // A single value is stored inline, not as a duplicate set: GET_MULTIPLE has nothing to give.
            // Version 1 is the only one: forward it is read from versions up to 1,
            // backward from versions 1 and up.
            let wanted = direction == .forward ? (version?.rawValue ?? 1) <= 1 : (version?.rawValue ?? 1) >= 1
            guard wanted, let current = try cursor.get(MDB_GET_CURRENT) else { return [] }
            return [try readUInt64(current.value)]
        }
        switch direction {
        case .forward:
            let first = max(version?.rawValue ?? 1, 1)
            guard first <= count else { return [] }
            out.reserveCapacity(min(limit, Int(count - first + 1)))
            var seen: UInt64 = 0
            var page = try cursor.get(MDB_GET_MULTIPLE)
            while let current = page, out.count < limit {
                let n = UInt64(current.value.count / 8)
                if seen + n >= first {
                    let startIndex = first > seen ? Int(first - seen - 1) : 0
                    for i in startIndex..<Int(n) where out.count < limit {
                        out.append(current.value.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    }
                }
                seen += n
                page = try cursor.get(MDB_NEXT_MULTIPLE)
            }
        case .backward:
            let last = min(version?.rawValue ?? count, count)
            guard last >= 1 else { return [] }
            out.reserveCapacity(min(limit, Int(last)))
            if last == count {
                var entry = try cursor.get(MDB_LAST_DUP)
                while let current = entry, out.count < limit {
                    out.append(try readUInt64(current.value))
                    entry = try cursor.get(MDB_PREV_DUP)
                }
            } else {
                var all: [UInt64] = []
                all.reserveCapacity(Int(last))
                var page = try cursor.get(MDB_GET_MULTIPLE)
                while let current = page, UInt64(all.count) < last {
                    for i in 0..<(current.value.count / 8) { all.append(current.value.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
                    page = try cursor.get(MDB_NEXT_MULTIPLE)
                }
                for i in stride(from: Int(last) - 1, through: 0, by: -1) where out.count < limit { out.append(all[i]) }
            }
        }
        return out
    }

    public func readType(_ type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try readListed(
            in: databases.types, { cursor in try typePositions(cursor, type: type, from: position, direction: direction, limit: limit) },
            missing: { position in
                EventLogError(.corrupted, "the type index lists position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position))
            })
    }

    public func readLinked(_ link: EventLink, from position: LogPosition?, direction: ReadDirection, limit: Int) throws(EventLogError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try readListed(
            in: databases.links,
            { cursor in try link.withKey { key in try listedPositions(cursor, key: key, from: position, direction: direction, limit: limit) } },
            missing: { position in
                EventLogError(.corrupted, "the link index lists position \(position), which is not in the log; run `ledgerline verify`", position: LogPosition(position))
            })
    }

    /// The positions of a type's events from `position` in `direction`, at most `limit`.
    private func typePositions(_ cursor: LMDBCursor, type: EventType, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var name = type.rawValue
        return try name.withUTF8 { utf8 in try listedPositions(cursor, key: UnsafeRawBufferPointer(utf8), from: position, direction: direction, limit: limit) }
    }

    /// The positions listed under `key` in a dup-sorted index from `position` in
    /// `direction`, at most `limit`: one seek into the sorted positions, then one step
    /// per event.
    private func listedPositions(_ cursor: LMDBCursor, key: UnsafeRawBufferPointer, from position: LogPosition?, direction: ReadDirection, limit: Int) throws -> [UInt64] {
        var out: [UInt64] = []
        switch direction {
        case .forward:
            var entry = try withUInt64Bytes(max(position?.rawValue ?? 1, 1)) { value in try cursor.get(MDB_GET_BOTH_RANGE, key: key, value: value) }
            while let current = entry, out.count < limit {
                out.append(try readUInt64(current.value))
                entry = try cursor.get(MDB_NEXT_DUP)
            }
        case .backward:
            // The first position after `position`, then one step back (nothing when
            // that was the key's first); with none after it, or no `position`, the
            // key's last.
            let after = position.flatMap { $0.rawValue < .max ? $0.rawValue + 1 : nil }
            var entry = try after.flatMap { first in
                try withUInt64Bytes(first) { value in try cursor.get(MDB_GET_BOTH_RANGE, key: key, value: value) }
            }
            if entry != nil {
                entry = try cursor.get(MDB_PREV_DUP)
            } else if try cursor.get(MDB_SET, key: key) != nil {
                entry = try cursor.get(MDB_LAST_DUP)
            }
            while let current = entry, out.count < limit {
                out.append(try readUInt64(current.value))
                entry = try cursor.get(MDB_PREV_DUP)
            }
        }
        return out
    }

    public func firstPosition(recordedAtOrAfter time: Timestamp) throws(EventLogError) -> LogPosition? {
        try guarded {
            try env.read { txn in
                let head = try Self.readHead(txn, databases).position.rawValue
                // The first position in [low, high) recorded at or after `time`; high if none.
                var (low, high) = (UInt64(1), head + 1)
                while low < high {
                    let mid = low + (high - low) / 2
                    guard let record = try withUInt64Bytes(mid, { key in try txn.get(databases.events, key) }), record.count >= EventRecord.headerSize else {
                        throw EventLogError(.corrupted, "position \(mid) is missing from the log or damaged; run `ledgerline verify`", position: LogPosition(mid))
                    }
                    if EventRecord.i64(record, 60) < time.rawValue { low = mid + 1 } else { high = mid }
                }
                return low <= head ? LogPosition(low) : nil
            }
        }
    }

    public func event(id: EventID) throws(EventLogError) -> RecordedEvent? {
        try guarded {
            try env.read { txn in
                try lookupRecord(txn, id: id) { bytes in
                    guard let bytes else { return nil }
                    return try decodeRecord(bytes, at: EventRecord.position(bytes).rawValue)
                }
            }
        }
    }

    public func head() throws(EventLogError) -> LogHead {
        try guarded { try env.read { txn in try Self.readHead(txn, databases) } }
    }

    public func streamVersion(_ stream: StreamName) throws(EventLogError) -> StreamVersion {
        try guarded {
            try env.read { txn in
                try withCursor(txn, databases.streams) { cursor in StreamVersion(try Self.committedVersion(cursor, stream)) }
            }
        }
    }

    public func streams(prefix: String, after: StreamName?, limit: Int) throws(EventLogError) -> [StreamSummary] {
        // No stream name is longer than the maximum, so no longer prefix starts one (and
        // LMDB refuses keys over 511 bytes).
        guard limit > 0, prefix.utf8.count <= StreamName.maximumLength else { return [] }
        return try guarded {
            try env.read { txn in
                try withCursor(txn, databases.streams) { cursor in
                    var out: [StreamSummary] = []
                    var prefix = prefix
                    try prefix.withUTF8 { prefix in
                        let prefix = UnsafeRawBufferPointer(prefix)
                        // The first key at or after the prefix, or after `after` when that is later.
                        var entry: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
                        if var after = after?.rawValue, !after.utf8.lexicographicallyPrecedes(prefix) {
                            entry = try after.withUTF8 { after in
                                let after = UnsafeRawBufferPointer(after)
                                let found = try cursor.get(MDB_SET_RANGE, key: after)
                                guard let found, found.key.elementsEqual(after) else { return found }
                                return try cursor.get(MDB_NEXT_NODUP)
                            }
                        } else {
                            entry = try prefix.isEmpty ? cursor.get(MDB_FIRST) : cursor.get(MDB_SET_RANGE, key: prefix)
                        }
                        while let current = entry, out.count < limit, current.key.starts(with: prefix) {
                            out.append(try streamSummary(txn, cursor, name: current.key, first: current.value))
                            entry = try cursor.get(MDB_NEXT_NODUP)
                        }
                    }
                    return out
                }
            }
        }
    }

    /// The summary of the stream at the cursor, which stands on its first position.
    /// Leaves the cursor on the stream's last position.
    private func streamSummary(_ txn: LMDBTransaction, _ cursor: LMDBCursor, name: UnsafeRawBufferPointer, first: UnsafeRawBufferPointer) throws -> StreamSummary {
        let stream = StreamName(unchecked: String(decoding: name, as: UTF8.self))
        let count = try cursor.duplicateCount()
        let firstPosition = try readUInt64(first)
        // A lone position is stored inline: the cursor is already on the last one.
        let lastPosition = count == 1 ? firstPosition : try cursor.get(MDB_LAST_DUP).map { try readUInt64($0.value) } ?? firstPosition
        func record(_ position: UInt64) throws -> StoredEvent {
            guard let bytes = try withUInt64Bytes(position, { key in try txn.get(databases.events, key) }) else {
                throw Self.streamListsMissing(stream, position)
            }
            if let problem = EventRecord.structuralProblem(bytes) { throw EventLogError.damagedRecord(at: position, problem) }
            return StoredEvent(record: bytes)
        }
        let (firstEvent, lastEvent) = (try record(firstPosition), try record(lastPosition))
        return StreamSummary(
            stream: stream, version: StreamVersion(UInt64(count)), firstPosition: LogPosition(firstPosition), lastPosition: LogPosition(lastPosition),
            firstRecordedAt: firstEvent.recordedAt, lastRecordedAt: lastEvent.recordedAt, lastType: lastEvent.type)
    }

    /// The error for a stream index entry whose record is not in the log.
    private static func streamListsMissing(_ stream: StreamName, _ position: UInt64) -> EventLogError {
        EventLogError(.corrupted, "stream \(stream) lists position \(position), which is not in the log; run `ledgerline verify`", stream: stream, position: LogPosition(position))
    }

    public func subscribe(after position: LogPosition) -> EventSubscription {
        var subscription = EventSubscription(after: position, notifier: notifier) { [self] (from, limit) throws(EventLogError) in
            let page = try read(from: from, direction: .forward, limit: limit)
            // Caught up: a data.mdb put in place of ours (a restore) would go unseen.
            if page.isEmpty, let problem = env.dataFileProblem() { throw EventLogError(.storage, problem) }
            return page
        }
        subscription.watchOtherProcesses = { [commitWatcher] in commitWatcher.acquire() }
        return subscription
    }
}
