import CLMDB
import Foundation

extension LMDBEventStore {
    /// Recomputes the hash chain from position 1 and checks that positions are gapless,
    /// that each record is well formed and sits under its own position. Stops at the
    /// first position that does not hold together and names it.
    ///
    /// Cost: one sequential scan of the log and one SHA-256 per event, in a single read
    /// transaction (the writer keeps appending meanwhile; the scan sees the log as it
    /// stood when it began).
    public func verify(progress: (@Sendable (LogPosition, LogPosition) -> Void)?) throws(EventLogError) -> VerificationReport {
        try verify(progress: progress, walkingIndex: nil)
    }

    /// A part of the store `verify` walks once the chain holds: an index, which it
    /// checks against the log, then the databases the log does not cover, which it
    /// checks LMDB can read and, for the free-page list, that they are well formed.
    public enum Index: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        case id = 1, stream, type
        /// By correlation and causation id (``EventLink``).
        case link
        /// LMDB's list of the pages it may reuse (its database 0).
        case freePages
        /// The store's counters and format version.
        case meta
        /// The rows the views keep (see ``ViewStorage``).
        case views

        /// Whether this is an index of the log, rather than a database it does not cover.
        public var isIndex: Bool { rawValue <= Index.link.rawValue }

        public var description: String {
            switch self {
            case .id: "id"
            case .stream: "stream"
            case .type: "type"
            case .link: "link"
            case .freePages: "free-page list"
            case .meta: "meta"
            case .views: "views"
            }
        }
    }

    /// ``verify(progress:)``, also calling `walkingIndex` as the check of each index
    /// begins: for a caller that must say which index LMDB was reading should damaged
    /// pages end the process.
    public func verify(
        progress: (@Sendable (LogPosition, LogPosition) -> Void)?, walkingIndex: (@Sendable (Index) -> Void)?
    ) throws(EventLogError) -> VerificationReport {
        try guarded {
            do {
                return try verifyInSnapshot(progress: progress, walkingIndex: walkingIndex)
            } catch let failure as LMDBFailure where failure.isDamage {
                // Damage the walks do not report (the head, say) stops verify itself:
                // its usual advice, to run verify, would lead nowhere.
                throw failure.advisingRestore("where verify must begin")
            }
        }
    }

    private func verifyInSnapshot(
        progress: (@Sendable (LogPosition, LogPosition) -> Void)?, walkingIndex: (@Sendable (Index) -> Void)?
    ) throws -> VerificationReport {
        var report = try env.read { txn in try env.scanning {
            let head = try Self.readHead(txn, databases)
            var report = try withCursor(txn, databases.events) { cursor in
                try Self.verifyChain(head: head, progress: progress) { visit in
                    var entry = try cursor.get(MDB_FIRST)
                    while let current = entry {
                        let key = current.key.count == 8 ? try readUInt64(current.key) : 0
                        guard visit(key, current.value) else { return }
                        entry = try cursor.get(MDB_NEXT)
                    }
                }
            }
            // The indexes are only worth checking against a log that holds together,
            // and in the same snapshot.
            if report.isIntact { report.indexProblem = try indexProblem(txn, events: report.verifiedEvents, links: report.carriedLinks, walking: walkingIndex) }
            return report
        } }
        // In a transaction of its own: LMDB fails every later call in a transaction
        // once one met damage, as a damaged index's walk does.
        if report.firstBadPosition == nil { report.databaseProblem = try env.read { txn in try databaseProblem(txn, walking: walkingIndex) } }
        return report
    }

    /// Why the databases the log and its indexes do not cover cannot be read, or are
    /// not well formed, or `nil`: LMDB's free-page list, the meta database, the views.
    ///
    /// The chain and the index checks never read them, yet a damaged free-page list
    /// makes every write fail (LMDB reads it to find pages to reuse), or worse, hands
    /// out a page still in use. Each entry of the list must be keyed by a transaction
    /// id no later than this snapshot's and hold a count, then that many page numbers,
    /// each past the two meta pages and no later than the last page in use, and no
    /// page may be listed twice. The other databases are walked to their end.
    ///
    /// Cost: one walk of each, in `txn`; the free-page list is small, and the views
    /// are as large as the rows they keep.
    func databaseProblem(_ txn: LMDBTransaction, walking announce: (@Sendable (Index) -> Void)?) throws -> String? {
        announce?(.freePages)
        if let problem = try freePagesProblem(txn) { return problem }
        var walking = Index.meta
        do {
            for (index, dbi) in [(Index.meta, databases.meta), (.views, databases.views)] {
                walking = index
                announce?(index)
                try withCursor(txn, dbi) { cursor in
                    var entry = try cursor.get(MDB_FIRST)
                    while entry != nil { entry = try cursor.get(MDB_NEXT) }
                }
            }
            return nil
        } catch let failure as LMDBFailure where failure.isDamage {
            return "the pages of the \(walking) database are damaged: LMDB cannot read them (\(failure.lmdbMessage))"
        }
    }

    /// Why LMDB's free-page list cannot be read or is not well formed (see
    /// ``databaseProblem(_:walking:)``), or `nil`. Cost: one walk of the list, which is small.
    func freePagesProblem(_ txn: LMDBTransaction) throws -> String? {
        struct Found: Error { let problem: String }
        do {
            // LMDB's own database 0; a cursor on it may be opened in a read transaction.
            let lastPage = UInt64(env.usedBytes / max(env.pageSize, 1)) &- 1
            let snapshot = UInt64(mdb_txn_id(txn.handle))
            var pages: [UInt64] = []
            try withCursor(txn, 0) { cursor in
                var entry = try cursor.get(MDB_FIRST)
                while let current = entry {
                    guard current.key.count == 8 else {
                        throw Found(problem: "LMDB's free-page list holds an entry whose key is \(current.key.count) bytes, not a transaction id of 8")
                    }
                    let id = try readUInt64(current.key)
                    guard id >= 1, id <= snapshot else {
                        throw Found(problem: "LMDB's free-page list holds an entry for transaction \(id), but the last transaction is \(snapshot)")
                    }
                    let value = current.value
                    let count = value.count >= 8 ? value.loadUnaligned(as: UInt64.self) : 0
                    guard value.count >= 8, value.count % 8 == 0, count == UInt64(value.count / 8 - 1) else {
                        throw Found(
                            problem: "LMDB's free-page list entry for transaction \(id) is not a list of page numbers "
                                + "(\(value.count) bytes\(value.count >= 8 ? ", that say they hold \(count)" : ""))")
                    }
                    for index in 1..<(value.count / 8) {
                        let page = value.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                        guard page >= 2, page <= lastPage else {
                            throw Found(
                                problem: "LMDB's free-page list entry for transaction \(id) lists page \(page), "
                                    + (page < 2 ? "one of the two meta pages" : "past the last page in use (\(lastPage))"))
                        }
                        pages.append(page)
                    }
                    entry = try cursor.get(MDB_NEXT)
                }
            }
            pages.sort()
            if let twice = zip(pages, pages.dropFirst()).first(where: { $0 == $1 }) {
                throw Found(problem: "LMDB's free-page list lists page \(twice.0) twice")
            }
            return nil
        } catch let found as Found {
            return found.problem
        } catch let failure as LMDBFailure where failure.isDamage {
            return "the pages of LMDB's free-page list are damaged: LMDB cannot read them (\(failure.lmdbMessage))"
        }
    }

    /// Why the indexes do not describe exactly the `events` records of the log in
    /// `txn`, or `nil`.
    ///
    /// The hash chain covers the records, not the indexes derived from them, so a
    /// damaged or edited index would go unnoticed by the chain alone: a position dropped
    /// from a stream's list hides that event from reads of the stream. Every entry of
    /// each index must point to a record that carries it (the id; the stream, at the
    /// version its place in the list says; the type), and each index must have one
    /// entry per event, so together they are exactly the log's. The stream count kept
    /// for `stats` must match too.
    func indexProblem(_ txn: LMDBTransaction, events: UInt64, links: UInt64, walking announce: (@Sendable (Index) -> Void)?) throws -> String? {
        /// The first wrong entry, thrown out of the walks below.
        struct Found: Error { let problem: String }
        func text(_ bytes: UnsafeRawBufferPointer) -> String { bytes.isEmpty ? "an empty key" : MessageText.oneLine(String(decoding: bytes, as: UTF8.self)) }
        /// The index being walked, for a walk that LMDB cannot finish.
        var walking = Index.id
        announce?(walking)
        do {
            // Records are looked up through one cursor: positions listed in ascending
            // order (a type's, a stream's) then often fall on the page the last one was
            // on, which LMDB checks before searching the tree again.
            return try withCursor(txn, databases.events) { log -> String? in
                func record(_ position: UInt64) throws -> StoredEvent? {
                    guard let found = try withUInt64Bytes(position, { key in try log.get(MDB_SET_KEY, key: key) }),
                        EventRecord.structuralProblem(found.value) == nil
                    else { return nil }
                    return StoredEvent(record: found.value)
                }

                var ids: UInt64 = 0
                try withCursor(txn, databases.ids) { cursor in
                    var entry = try cursor.get(MDB_FIRST)
                    while let current = entry {
                        ids += 1
                        guard current.key.count == 16, current.value.count == 8 else {
                            throw Found(problem: "the id index holds an entry of \(current.key.count) and \(current.value.count) bytes, not 16 and 8")
                        }
                        let id = EventID(bytes: current.key)
                        let position = try readUInt64(current.value)
                        guard let stored = try record(position) else {
                            throw Found(problem: "the id index maps \(id) to position \(position), which is not in the log")
                        }
                        guard stored.id == id else {
                            throw Found(problem: "the id index maps \(id) to position \(position), which holds event \(stored.id)")
                        }
                        entry = try cursor.get(MDB_NEXT)
                    }
                }
                guard ids == events else { throw Found(problem: "the id index has \(ids.formatted()) entries for \(events.formatted()) events") }

                /// Walks a list of positions per key (a stream's, a type's, a link's),
                /// giving `check` the key, each position, its place in the list from 1
                /// and its record; returns the number of keys. The lists must hold
                /// `expected` positions in all, one per event (or per `what` there is).
                func checkLists(
                    _ dbi: MDB_dbi, _ index: Index, expecting expected: (count: UInt64, what: String)? = nil,
                    naming name: (UnsafeRawBufferPointer) -> String = text,
                    _ check: (UnsafeRawBufferPointer, UInt64, UInt64, StoredEvent) throws -> Void
                ) throws -> UInt64 {
                    let expected = expected ?? (events, "events")
                    walking = index
                    announce?(index)
                    var keys: UInt64 = 0
                    var entries: UInt64 = 0
                    try withCursor(txn, dbi) { cursor in
                        var entry = try cursor.get(MDB_FIRST)
                        while let current = entry {
                            keys += 1
                            var place: UInt64 = 0
                            var item: (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? = current
                            while let listed = item {
                                place += 1
                                entries += 1
                                guard listed.value.count == 8 else {
                                    throw Found(problem: "the \(index) index lists an entry of \(listed.value.count) bytes for \(name(current.key)), not 8")
                                }
                                let position = try readUInt64(listed.value)
                                guard let stored = try record(position) else {
                                    throw Found(problem: "the \(index) index lists position \(position) for \(name(current.key)), which is not in the log")
                                }
                                try check(current.key, position, place, stored)
                                item = try cursor.get(MDB_NEXT_DUP)
                            }
                            entry = try cursor.get(MDB_NEXT_NODUP)
                        }
                    }
                    guard entries == expected.count else {
                        throw Found(problem: "the \(index) index lists \(entries.formatted()) positions for \(expected.count.formatted()) \(expected.what)")
                    }
                    return keys
                }
                let streams = try checkLists(databases.streams, .stream) { key, position, place, stored in
                    let version = EventRecord.version(stored.record).rawValue
                    guard stored.streamBytes.elementsEqual(key), version == place else {
                        throw Found(
                            problem: "the stream index lists position \(position) as version \(place) of \(text(key)), but it is version \(version) of \(text(stored.streamBytes))")
                    }
                }
                _ = try checkLists(databases.types, .type) { key, position, _, stored in
                    guard stored.typeBytes.elementsEqual(key) else {
                        throw Found(problem: "the type index lists position \(position) under \(text(key)), but it is a \(text(stored.typeBytes))")
                    }
                }
                let counted = try Self.metaValue(txn, databases, "streams")
                guard counted == streams else {
                    throw Found(problem: "the log counts \(counted.formatted()) streams, but the stream index has \(streams.formatted())")
                }

                // Every link entry names an event that carries that id in that field,
                // and there is one entry per id the log's events carry.
                _ = try checkLists(
                    databases.links, .link, expecting: (links, "correlation and causation ids the log's events carry"),
                    naming: { key in EventLink(key: key)?.description ?? "a key that names no link" }
                ) { key, position, _, stored in
                    guard let link = EventLink(key: key) else {
                        throw Found(problem: "the link index holds a key of \(key.count) bytes that names no correlation or causation id")
                    }
                    let carries =
                        switch link {
                        case .correlation(let id): stored.correlationId == id
                        case .causation(let id): stored.causationId == id
                        }
                    guard carries else {
                        throw Found(problem: "the link index lists position \(position) under \(link), but that event does not carry it")
                    }
                }
                return nil
            }
        } catch let found as Found {
            return found.problem
        } catch let failure as LMDBFailure where failure.isDamage {
            return "the \(walking) index's pages are damaged: LMDB cannot read them (\(failure.lmdbMessage))"
        }
    }

    /// The chain check shared by both stores. `entries` calls its visitor with each
    /// (position key, record) in key order and stops when the visitor returns `false`.
    static func verifyChain(
        head: LogHead, progress: (@Sendable (LogPosition, LogPosition) -> Void)?,
        entries: ((UInt64, UnsafeRawBufferPointer) -> Bool) throws -> Void
    ) throws -> VerificationReport {
        var previous = EventHash.genesis
        var lastRecorded = Timestamp(rawValue: .min)
        /// Correlation and causation ids the records carry: the link index's size.
        var carriedLinks: UInt64 = 0
        var expected: UInt64 = 1
        var bad: (position: UInt64, problem: String)?
        do {
            try entries { key, record in
                if key != expected {
                    bad = (expected, key > expected ? "position \(expected) is missing (the next stored position is \(key))" : "a record is stored under an invalid key")
                    return false
                }
                if let problem = EventRecord.structuralProblem(record) {
                    bad = (key, "the record is damaged: \(problem)")
                    return false
                }
                if EventRecord.position(record).rawValue != key {
                    bad = (key, "the record says it is position \(EventRecord.position(record)) but is stored at \(key)")
                    return false
                }
                let computed = EventRecord.chainHash(previous: previous, body: EventRecord.body(record))
                let stored = EventRecord.hash(record)
                if computed != stored {
                    bad = (key, "the hash does not match: this event, or the chain before it, was altered (stored \(stored.description), computed \(computed.description))")
                    return false
                }
                let recorded = Timestamp(rawValue: EventRecord.i64(record, 60))
                if recorded < lastRecorded {
                    bad = (
                        key,
                        "the event was recorded at \(recorded), before the event at position \(key - 1) (\(lastRecorded)); recordedAt never goes backward "
                            + "in the log, and reads by time rely on that. Only an import by an earlier build, which did not check the order, writes this: "
                            + "export the log, put its recordedAt fields in order (or drop them and the hash fields) and import it into an empty store"
                    )
                    return false
                }
                lastRecorded = recorded
                carriedLinks += UInt64(record[1] >> 1 & 1) + UInt64(record[1] >> 2 & 1)
                previous = stored
                progress?(LogPosition(key), head.position)
                expected += 1
                return true
            }
        } catch let failure as LMDBFailure where failure.isDamage {
            // The records are fine as far as they could be reached; the B-tree pages
            // that lead past them are not. That is a finding about the file, not a
            // failure of the check.
            bad = (expected, "the file's pages are damaged: LMDB cannot read past position \(expected - 1) (\(failure.lmdbMessage))")
        }
        if bad == nil, expected - 1 != head.position.rawValue {
            bad = (expected, "the log ends at \(expected - 1) but its head is \(head.position)")
        }
        if let bad {
            return VerificationReport(verifiedEvents: expected - 1, head: head, firstBadPosition: LogPosition(bad.position), problem: bad.problem)
        }
        progress?(head.position, head.position)
        var report = VerificationReport(verifiedEvents: expected - 1, head: head, firstBadPosition: nil, problem: nil)
        report.carriedLinks = carriedLinks
        return report
    }

    public func statistics() throws(EventLogError) -> LogStatistics {
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("data.mdb").path)[.size] as? Int) ?? 0
        return try guarded {
            try env.read { txn in
                let head = try Self.readHead(txn, databases)
                var types: [EventType: Int] = [:]
                try withCursor(txn, databases.types) { cursor in
                    var entry = try cursor.get(MDB_FIRST)
                    while let current = entry {
                        types[EventType(unchecked: String(decoding: current.key, as: UTF8.self))] = try cursor.duplicateCount()
                        entry = try cursor.get(MDB_NEXT_NODUP)
                    }
                }
                func recordedAt(_ op: MDB_cursor_op) throws -> Timestamp? {
                    try withCursor(txn, databases.events) { cursor in
                        guard let entry = try cursor.get(op), EventRecord.structuralProblem(entry.value) == nil else { return nil }
                        return Timestamp(rawValue: EventRecord.i64(entry.value, 60))
                    }
                }
                return LogStatistics(
                    events: UInt64(try txn.entryCount(databases.events)),
                    streams: Int(try Self.metaValue(txn, databases, "streams")),
                    head: head,
                    types: types,
                    fileBytes: fileBytes,
                    usedBytes: env.usedBytes,
                    recordBytes: Int(try Self.metaValue(txn, databases, "recordBytes")),
                    firstRecordedAt: try recordedAt(MDB_FIRST),
                    lastRecordedAt: try recordedAt(MDB_LAST))
            }
        }
    }
}
