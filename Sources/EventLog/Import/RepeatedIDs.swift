import Foundation

/// The ids an import file gives on more than one line, found in memory that stays
/// bounded whatever the file's size.
///
/// A check pass hands over every id its lines give: the JSON Lines importer those of
/// lines that give their own `id` (a line without one gets an id derived from its
/// bytes and line number, which no other line shares unless one gives it — those few
/// are handed over too), the CSV importer every event's, made from its mapping's id key.
///
/// Up to ``budget`` entries (32 bytes each) are held in memory; beyond that they go to
/// a scratch file as a *run*, cut into ``partitions`` segments by a hash of the id.
/// Finding the repeated ids then takes one partition at a time: its segments from
/// every run, then sorted. So memory is about ``budget`` entries, or a partition's
/// share of the whole file, whichever is larger.
struct RepeatedIDs {
    /// One line that gives an id.
    struct Entry: Equatable {
        var id: EventID
        var line: Int
        /// The length of the line's template, for a later pass that compares it with the
        /// other lines giving the id (0 where none does).
        var templateLength: UInt32 = 0
        /// Which of the line's events gives the id: a CSV mapping's event. For JSON
        /// Lines, 0 for an id the line gives, ``derivedFromLine`` for the id derived for
        /// a line that gives none (added only where a given id may be it).
        var source: UInt32 = 0

        static let derivedFromLine: UInt32 = 1

        /// Whether this is a JSON line's derived id rather than one it gives.
        var isDerived: Bool { source == Self.derivedFromLine }
    }

    static let partitions = 64

    /// Entries held in memory before a run goes to the scratch file: 16 MiB of them.
    static let defaultBudget = 1 << 19
    let budget: Int
    private let scratchDirectory: URL
    /// The import file, for messages.
    private let file: String
    private var pending: [Entry] = []
    private var spill: ScratchLease?
    private var spillSize = 0
    /// For each run written, each partition's segment in the scratch file.
    private var runs: [[(offset: Int, count: Int)]] = []
    /// Entries handed over so far.
    private(set) var count = 0

    init(file: String, scratchDirectory: URL, budget: Int = defaultBudget) {
        self.file = file
        self.scratchDirectory = scratchDirectory
        self.budget = max(1, budget)
    }

    /// Whether any entries went to a scratch file.
    var spilled: Bool { !runs.isEmpty }

    mutating func add(_ entries: [Entry]) throws(ImportFailure) {
        pending.append(contentsOf: entries)
        count += entries.count
        if pending.count >= budget { try writeRun() }
    }

    /// Calls `body` with the groups of entries that share an id (two or more each, each
    /// in the order of line and source): all of them at once when every entry is still
    /// in memory, else a partition at a time, so a file that repeats itself whole is
    /// never held whole. Then removes the scratch file.
    mutating func forEachRepeated(_ body: ([[Entry]]) throws(ImportFailure) -> Void) throws(ImportFailure) {
        defer { release() }
        if runs.isEmpty {
            try body(Self.groups(in: &pending))
            return
        }
        try writeRun()
        for partition in 0..<Self.partitions {
            var entries: [Entry] = []
            entries.reserveCapacity(runs.reduce(0) { $0 + $1[partition].count })
            for run in runs { try read(run[partition], into: &entries) }
            try body(Self.groups(in: &entries))
        }
    }

    /// Drops what is held and removes the scratch file, if there is one.
    mutating func release() {
        pending = []
        spill?.release()
        spill = nil
        runs = []
    }

    /// Sorts `entries` by id, line and source and returns the runs of equal ids.
    private static func groups(in entries: inout [Entry]) -> [[Entry]] {
        entries.sort { ($0.id, $0.line, $0.source) < ($1.id, $1.line, $1.source) }
        var groups: [[Entry]] = []
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, entries[end].id == entries[start].id { end += 1 }
            if end - start > 1 { groups.append(Array(entries[start..<end])) }
            start = end
        }
        return groups
    }

    /// Whether the store would refuse `later` (a template) once `first`, a template of
    /// an earlier line giving the same id, is appended: whether it would find them
    /// different events (see ``EventRecord/matches(stored:template:given:)``).
    ///
    /// `first` is compared as the store would hold it, with its `occurredAt` stamped.
    /// When `first` gives neither `occurredAt` nor `recordedAt`, that stamp is the time
    /// it is appended, unknown here; if `later` gives `occurredAt`, only the append can
    /// tell, so this does not refuse it (the append still will, if they differ).
    static func refuses(
        _ later: UnsafeRawBufferPointer, given laterGiven: PreparedBatch.Given, after first: UnsafeRawBufferPointer, given firstGiven: PreparedBatch.Given
    ) -> Bool {
        guard !firstGiven.contains(.occurredAt), laterGiven.contains(.occurredAt) else {
            return !EventRecord.matches(stored: first, template: later, given: laterGiven)
        }
        guard firstGiven.contains(.recordedAt) else { return false }
        var stamped = Array(first)
        return stamped.withUnsafeMutableBytes { record in
            // As sealing does: occurredAt, when not given, is recordedAt.
            UnsafeMutableRawBufferPointer(rebasing: record[52..<60]).copyMemory(from: UnsafeRawBufferPointer(rebasing: first[60..<68]))
            return !EventRecord.matches(stored: UnsafeRawBufferPointer(record), template: later, given: laterGiven)
        }
    }

    static func partition(of id: EventID) -> Int {
        // Ids may be time-ordered or made by a client, so their own bits are not spread
        // evenly: mix them before taking the top six.
        Int(truncatingIfNeeded: ((id.high ^ (id.low &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 58)
    }

    private func failure(_ doing: String, _ problem: String) -> ImportFailure {
        ImportFailure(file: file, reason: "cannot \(doing) the import's scratch file in \(scratchDirectory.path): \(problem)")
    }

    /// Writes the pending entries to the scratch file as one run, partition by partition.
    /// Entries are written as they lie in memory (the file is this process's own, as
    /// the spool is).
    private mutating func writeRun() throws(ImportFailure) {
        guard !pending.isEmpty else { return }
        if spill == nil {
            do { spill = try ScratchLease.file(".ledgerline-import-\(UUID().uuidString).ids", in: scratchDirectory) } catch {
                throw ImportFailure(file: file, reason: error.asEventLogError.message)
            }
        }
        var buckets = [[Entry]](repeating: [], count: Self.partitions)
        for entry in pending { buckets[Self.partition(of: entry.id)].append(entry) }
        var segments: [(offset: Int, count: Int)] = []
        for bucket in buckets {
            segments.append((spillSize, bucket.count))
            do {
                try bucket.withUnsafeBytes { try FileIO.write(spill!.fileDescriptor, $0, at: spillSize) }
            } catch {
                throw ImportFailure(file: file, cannotWrite: spill!.url, error, fileSize: nil)
            }
            spillSize += bucket.count * MemoryLayout<Entry>.stride
        }
        runs.append(segments)
        pending.removeAll(keepingCapacity: true)
    }

    private func read(_ segment: (offset: Int, count: Int), into entries: inout [Entry]) throws(ImportFailure) {
        guard segment.count > 0 else { return }
        let start = entries.count
        entries.append(contentsOf: repeatElement(Entry(id: EventID(high: 0, low: 0), line: 0), count: segment.count))
        let complete: Bool
        do {
            complete = try entries.withUnsafeMutableBytes { all in
                let raw = UnsafeMutableRawBufferPointer(rebasing: all[(start * MemoryLayout<Entry>.stride)...])
                return try FileIO.read(spill!.fileDescriptor, into: raw, at: segment.offset) == raw.count
            }
        } catch {
            throw failure("read", "\(error)")
        }
        if !complete { throw failure("read", "it ends early") }
    }
}
