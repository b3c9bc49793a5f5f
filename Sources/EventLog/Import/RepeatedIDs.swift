import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The ids an import file gives on more than one line, found in memory that stays
/// bounded whatever the file's size.
///
/// A check pass hands over every id its lines give: the JSON Lines importer those of
/// lines that give their own `id` (a line without one gets an id derived from its
/// bytes and line number, which no other line shares), the CSV importer every event's,
/// made from its mapping's id key.
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
        /// Which of the line's events gives the id: a CSV mapping's event (0 for JSON Lines).
        var source: UInt32 = 0
    }

    static let partitions = 64

    /// Entries held in memory before a run goes to the scratch file.
    let budget: Int
    private let scratchDirectory: URL
    private var pending: [Entry] = []
    private var spill: ScratchLease?
    private var spillDescriptor: Int32 = -1
    private var spillSize = 0
    /// For each run written, each partition's segment in the scratch file.
    private var runs: [[(offset: Int, count: Int)]] = []
    /// Entries handed over so far.
    private(set) var count = 0

    init(scratchDirectory: URL, budget: Int = 1 << 19) {
        self.scratchDirectory = scratchDirectory
        self.budget = max(1, budget)
    }

    /// Whether any entries went to a scratch file.
    var spilled: Bool { !runs.isEmpty }

    mutating func add(_ entries: [Entry]) throws(EventLogError) {
        pending.append(contentsOf: entries)
        count += entries.count
        if pending.count >= budget { try writeRun() }
    }

    /// The groups of entries that share an id (two or more each), each in the order of
    /// line and source, the groups in the order of their first lines.
    mutating func repeated() throws(EventLogError) -> [[Entry]] {
        defer { release() }
        var groups: [[Entry]] = []
        if runs.isEmpty {
            groups = Self.groups(in: &pending)
        } else {
            try writeRun()
            for partition in 0..<Self.partitions {
                var entries: [Entry] = []
                entries.reserveCapacity(runs.reduce(0) { $0 + $1[partition].count })
                for run in runs { try read(run[partition], into: &entries) }
                groups += Self.groups(in: &entries)
            }
        }
        pending = []
        return groups.sorted { $0[0].line < $1[0].line }
    }

    /// Removes the scratch file, if there is one.
    mutating func release() {
        if spillDescriptor >= 0 { close(spillDescriptor) }
        spillDescriptor = -1
        spill?.release()
        spill = nil
        runs = []
    }

    /// Sorts `entries` by id and line and returns the runs of equal ids.
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

    /// An entry as written: id (16 bytes), line (8), template length (4), source (4).
    private static let recordSize = 32

    /// Writes the pending entries to the scratch file as one run, partition by partition.
    private mutating func writeRun() throws(EventLogError) {
        guard !pending.isEmpty else { return }
        if spill == nil {
            do {
                let lease = try ScratchLease.file(".ledgerline-import-\(UUID().uuidString).ids", in: scratchDirectory)
                let fd = open(lease.url.path, O_RDWR | O_CLOEXEC)
                guard fd >= 0 else {
                    lease.release()
                    throw EventLogError(.storage, "cannot open the import's scratch file in \(scratchDirectory.path): \(String(cString: strerror(errno)))")
                }
                spill = lease
                spillDescriptor = fd
            } catch {
                throw error.asEventLogError
            }
        }
        var buckets = [[Entry]](repeating: [], count: Self.partitions)
        for entry in pending { buckets[Self.partition(of: entry.id)].append(entry) }
        var segments: [(offset: Int, count: Int)] = []
        var bytes = [UInt8](repeating: 0, count: pending.count * Self.recordSize)
        var at = 0
        bytes.withUnsafeMutableBytes { out in
            for bucket in buckets {
                segments.append((spillSize + at, bucket.count))
                for entry in bucket {
                    entry.id.store(to: out, at: at)
                    out.storeBytes(of: UInt64(entry.line).littleEndian, toByteOffset: at + 16, as: UInt64.self)
                    out.storeBytes(of: entry.templateLength.littleEndian, toByteOffset: at + 24, as: UInt32.self)
                    out.storeBytes(of: entry.source.littleEndian, toByteOffset: at + 28, as: UInt32.self)
                    at += Self.recordSize
                }
            }
        }
        let written = bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(spillDescriptor, raw.baseAddress! + done, raw.count - done, off_t(spillSize + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        guard written else { throw EventLogError(.storage, "cannot write the import's scratch file in \(scratchDirectory.path): \(String(cString: strerror(errno)))") }
        spillSize += bytes.count
        runs.append(segments)
        pending.removeAll(keepingCapacity: true)
    }

    private func read(_ segment: (offset: Int, count: Int), into entries: inout [Entry]) throws(EventLogError) {
        guard segment.count > 0 else { return }
        var bytes = [UInt8](repeating: 0, count: segment.count * Self.recordSize)
        let problem: String? = bytes.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pread(spillDescriptor, raw.baseAddress! + done, raw.count - done, off_t(segment.offset + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return n < 0 ? String(cString: strerror(errno)) : "it ends early" }
                done += n
            }
            for at in stride(from: 0, to: raw.count, by: Self.recordSize) {
                entries.append(
                    Entry(
                        id: EventID(bytes: UnsafeRawBufferPointer(rebasing: raw[at..<(at + 16)])),
                        line: Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))),
                        templateLength: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 24, as: UInt32.self)),
                        source: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 28, as: UInt32.self))))
            }
            return nil
        }
        if let problem { throw EventLogError(.storage, "cannot read the import's scratch file in \(scratchDirectory.path): \(problem)") }
    }
}
