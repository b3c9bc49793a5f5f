import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim") private func malloc_trim(_ pad: Int) -> Int32
#endif
import JSON

/// Imports a JSON Lines file of events (see ``ImportLine``) into a store.
///
/// The import runs in two passes:
/// 1. **Check.** Every line is parsed, validated (shape, names, ids, timestamps,
///    schema, size) and encoded as a record template, on both cores, without touching
///    the store. The templates go to a scratch file beside the store. Any bad line
///    stops the import before anything is appended, reporting each as
///    `FILE:LINE: reason`; so does a line giving an id that an earlier line gives
///    with other content (see ``RepeatedIDs``), wherever the two lines are in the file.
/// 2. **Append.** The scratch file is read back and appended in large batches
///    (``Options/batchSize`` events, or fewer when their records would pass
///    ``Options/batchBytes``, 32 MiB). While
///    the writer writes one batch, the importer reads the next and plans it (positions,
///    versions, duplicates, hashes) as if the batch in flight commits as planned, so
///    the writer thread only writes it. If anything else was appended in between, the
///    writer plans that batch again itself. Nothing is parsed twice.
///
/// Re-running an import that was interrupted — even by `kill -9` — appends only what
/// is missing: lines keep their ids (given, or derived from content and line number),
/// and the store skips ids it holds. Memory is bounded by the chunk size and the batch
/// byte cap, whatever the file's size and however large its events.
///
/// Some lines are good or bad only for what the store holds: a line with an
/// `expectedVersion`, a line giving an id the store may hold with other content, an
/// export's line saying where it goes (`seq`, `version`), what it hashes to there
/// (`hash`), and when it was recorded (`recordedAt`). When such a line is in a batch
/// after the first, the import first plans every batch against the store, appending
/// nothing (the *planning* phase, a dry run's second pass), so a line the store would
/// refuse stops the import before anything is appended, reported as `FILE:LINE: reason`
/// like any bad line; a restore into the wrong store, or of an altered export, appends
/// nothing. A file of one batch needs no plan: a batch is appended whole or not at all.
///
/// What the plan found can still be overtaken by appends from elsewhere during the
/// import (to the same stream, say). The batch that then no longer fits is refused
/// whole; the batches before it stay appended, and the error says which line failed and
/// that re-running the same import resumes where it stopped.
///
/// ``preview(url:displayName:progress:)`` runs both passes and appends nothing;
/// ``check(url:displayName:progress:)`` finds what the check pass finds, repeated ids
/// included, without a store.
public struct EventImporter: Sendable {
    public struct Options: Sendable {
        /// Events per append, at most. Larger batches write the indexes more
        /// efficiently. A batch also ends before its records pass ``batchBytes``.
        public var batchSize = 50_000
        /// Bytes of records per append, at most (32 MiB), whatever ``batchSize`` says.
        /// A batch is held in memory while it is read from the scratch file, the one
        /// before it while it is written, and the store's transaction copies it, so
        /// this bounds an import's memory when events are large (138 MB at its peak
        /// for a file of 300 KB events). 50,000 events of a few hundred bytes (20 MB or so) stay
        /// within it, so such batches are cut by count alone. A batch holds at least one
        /// spool block (a part of a 4 MiB chunk of lines) even when that is larger.
        /// Smaller in tests. ``CSVImporter`` hands its own to the append pass it shares.
        var batchBytes = defaultBatchBytes
        static let defaultBatchBytes = 32 << 20
        /// Bad lines reported in detail before the rest are only counted.
        public var maxReportedProblems = 20
        /// Where the check pass keeps its scratch file (removed afterwards).
        public var scratchDirectory = FileManager.default.temporaryDirectory
        /// Lines giving an id held in memory before they go to a scratch file (see
        /// ``RepeatedIDs``); smaller in tests.
        var idsHeldInMemory = RepeatedIDs.defaultBudget
        /// Bytes of templates held at once to compare lines giving the same id.
        var repeatedTemplatesHeld = 64 << 20
        /// The command that reads events from standard input, which the advice for a
        /// compressed, zipped or UTF-16 file pipes what the file holds into
        /// (`gzip -dc FILE | ledgerline import -`). The CLI gives the command that ran,
        /// with the `--data` it was given, so that the advice imports into the same store.
        public var standardInputCommand = "ledgerline import -"
        /// Whether the file is what came on standard input (or a copy of it): the advice
        /// for a compressed file then puts the unpacking step in the pipe.
        public var readsStandardInput = false
        public init() {}
    }

    /// `previewing` is a dry run's second pass (``preview(url:displayName:progress:)``);
    /// `planning` the same pass when an import runs it before appending, to find the
    /// lines the store would refuse before anything is appended.
    public enum Phase: String, Sendable { case checking, planning, appending, previewing }

    public struct Progress: Sendable {
        public var phase: Phase
        public var bytesDone: Int
        public var bytesTotal: Int
        public var lines: Int
        public var appended: Int
        public var duplicates: Int
    }

    public struct Summary: Sendable, Hashable {
        public var lines: Int
        public var appended: Int
        public var duplicates: Int
        public var head: LogPosition
        public var seconds: Double
        /// Of ``seconds``, the time the check pass took.
        public var checkSeconds: Double = 0
        /// Of ``seconds``, the time an import took to plan every batch before
        /// appending (0 when it needed no plan; see ``Phase/planning``).
        public var planSeconds: Double = 0
    }

    /// The store to append to; `nil` for an importer that only checks files.
    public let store: (any EventStore)?
    public let validator: (any EventValidator)?
    public var options: Options

    public init(store: any EventStore, validator: (any EventValidator)?, options: Options = Options()) {
        self.store = store
        self.validator = validator
        self.options = options
    }

    /// An importer that checks files (``check(url:displayName:progress:)``) without a store.
    public init(checkingWith validator: (any EventValidator)?, options: Options = Options()) {
        store = nil
        self.validator = validator
        self.options = options
    }

    /// Imports `url`, naming it `displayName` in messages.
    public func importFile(at url: URL, displayName: String, progress: (@Sendable (Progress) -> Void)? = nil) async throws(ImportFailure) -> Summary {
        guard let target = store as? any PreparedAppending else {
            throw ImportFailure(file: displayName, reason: "this store does not support imports")
        }
        let started = DispatchTime.now()
        let lease = try leaseSpool(displayName: displayName)
        defer { lease.release() }
        let spool = lease.url
        let file = try scan(url: url, displayName: displayName, spool: spool, progress: progress)
        #if canImport(Glibc)
        // The check pass parsed on two threads; hand what their arenas freed back to the
        // system before the append pass starts its own allocations.
        _ = malloc_trim(0)
        #endif
        let checked = DispatchTime.now()
        var summary = try await appendChecked(spool, file, to: target, displayName: displayName, fileSize: fileSize(url), progress: progress)
        summary.seconds = DispatchTime.now().seconds(since: started)
        summary.checkSeconds = checked.seconds(since: started)
        return summary
    }

    /// Runs the import dry: checks every line, then plans every batch exactly as
    /// ``importFile(at:displayName:progress:)`` would append it — against what the store
    /// holds now (an empty log for an importer without a store) and the batches before
    /// it — and appends nothing. The summary says what the import would append, what it
    /// would skip as already stored, and where the head would be; a line the import
    /// would refuse (a wrong `expectedVersion`, an id stored with other content, an
    /// export line out of place) fails the preview the same way, `FILE:LINE: reason`.
    ///
    /// Memory stays bounded as for an import: what earlier batches planned is kept in a
    /// scratch store in ``Options/scratchDirectory``, removed afterwards.
    public func preview(url: URL, displayName: String, progress: (@Sendable (Progress) -> Void)? = nil) async throws(ImportFailure) -> Summary {
        let previewed = try previewedStore(store, file: displayName)
        let started = DispatchTime.now()
        do {
            let lease = try leaseSpool(displayName: displayName)
            defer { lease.release() }
            let spool = lease.url
            let file = try scan(url: url, displayName: displayName, spool: spool, progress: progress)
            let checked = DispatchTime.now()
            var summary = try await previewSpool(spool, file, against: previewed, displayName: displayName, fileSize: fileSize(url), progress: progress)
            summary.seconds = DispatchTime.now().seconds(since: started)
            summary.checkSeconds = checked.seconds(since: started)
            return summary
        } catch {
            var failure = error
            failure.isDryRun = true
            throw failure
        }
    }

    /// The append pass of a dry run over `spool`, holding `file`, against `store` (an
    /// empty log when `nil`); with `phase` ``Phase/planning``, an import's plan before
    /// it appends, which a store appended to meanwhile does not stop.
    func previewSpool(
        _ spool: URL, _ file: CheckedFile, against store: (any ImportPreviewing)?, displayName: String, fileSize: Int, phase: Phase = .previewing,
        progress: (@Sendable (Progress) -> Void)?
    ) async throws(ImportFailure) -> Summary {
        let preview: ImportPreview
        do {
            preview = try ImportPreview(
                store: store, scratchDirectory: options.scratchDirectory, keepsPlannedIDs: file.mayRepeatIDs, followsStore: phase == .planning)
        } catch {
            // The message names the folder and what failed.
            throw ImportFailure(file: displayName, failed: error)
        }
        defer { preview.close() }
        return try await appendSpool(spool, to: preview, lines: file.lines, displayName: displayName, fileSize: fileSize, phase: phase, progress: progress)
    }

    /// The append pass of an import over `spool`, holding `file`, into `target`; first
    /// plans every batch without appending when the store could refuse a line in a
    /// batch after the first (``needsPlan(_:in:displayName:)``), so that such a line appends
    /// nothing. When the plan finds every event stored already, nothing is left to append.
    func appendChecked(
        _ spool: URL, _ file: CheckedFile, to target: any PreparedAppending, displayName: String, fileSize: Int,
        progress: (@Sendable (Progress) -> Void)?
    ) async throws(ImportFailure) -> Summary {
        guard try needsPlan(file, in: target, displayName: displayName) else {
            return try await appendSpool(spool, to: target, lines: file.lines, displayName: displayName, fileSize: fileSize, progress: progress)
        }
        let started = DispatchTime.now()
        let planned = try await previewSpool(spool, file, against: target, displayName: displayName, fileSize: fileSize, phase: .planning, progress: progress)
        let planSeconds = DispatchTime.now().seconds(since: started)
        var summary = planned
        if planned.appended > 0 {
            summary = try await appendSpool(spool, to: target, lines: file.lines, displayName: displayName, fileSize: fileSize, progress: progress)
        }
        summary.planSeconds = planSeconds
        return summary
    }

    /// Whether `file` holds a line that what `store` holds could refuse, in a batch
    /// after the first (a batch is refused whole, so one batch needs no plan): a line
    /// with an `expectedVersion` other than `any` or an export line's placement, or a
    /// given id that the store, or an earlier line, may hold with other content.
    /// Lines without an `id` get one derived from their bytes and line number, which
    /// the store only holds for the same line.
    func needsPlan(_ file: CheckedFile, in store: any EventStore, displayName: String) throws(ImportFailure) -> Bool {
        // One batch: no more events than a batch takes, and records within its byte cap.
        guard file.events > options.batchSize || file.bytes > options.batchBytes else { return false }
        if file.conditional > 0 { return true }
        guard file.idsGiven > 0 else { return false }
        // An id given twice with the same content is a duplicate, unless the earlier
        // line leaves occurredAt to be stamped: only appending knows that time.
        if file.idsRepeat { return true }
        do {
            return try store.head().position != .start
        } catch {
            throw ImportFailure(file: displayName, failed: error)
        }
    }

    /// A new spool for the check pass in ``Options/scratchDirectory``, held until
    /// released; first removes the scratch files and folders imports killed earlier
    /// left there (see ``ScratchLease``).
    func leaseSpool(displayName: String) throws(ImportFailure) -> ScratchLease {
        ScratchLease.sweep(options.scratchDirectory)
        do {
            return try ScratchLease.file(".ledgerline-import-\(UUID().uuidString).spool", in: options.scratchDirectory)
        } catch {
            throw ImportFailure(file: displayName, failed: error)
        }
    }

    /// Checks every line as the import's check pass does, appending nothing; throws
    /// every problem that pass would find, with the same messages: bad lines, and lines
    /// giving an id that another line has with other content (given on both, or
    /// derived for one; see ``RepeatedIDs``).
    ///
    /// Cost: one pass over the file that encodes nothing, keeping the ids lines give
    /// (32 bytes each, in bounded memory as the import does). Only when an id is given
    /// on more than one line, or a given id may be another line's derived one, are
    /// those lines compared as the import compares them, from their encoded events: a
    /// second pass then writes every line's event to a scratch file in
    /// ``Options/scratchDirectory`` (one to two times the file's size, removed
    /// afterwards) and reads back the lines that share an id, and `progress` runs
    /// through ``Phase/checking`` a second time. A file whose lines give no ids, or
    /// each its own, takes the one pass.
    public func check(url: URL, displayName: String, progress: (@Sendable (Progress) -> Void)? = nil) throws(ImportFailure) {
        do {
            // A pipe (`schemas validate <(zcat f.gz)`, /dev/stdin) cannot be read twice:
            // its one pass keeps the encoded events, as an import from a pipe does.
            guard Self.isRegularFile(url) else {
                let lease = try leaseSpool(displayName: displayName)
                defer { lease.release() }
                _ = try scan(url: url, displayName: displayName, spool: lease.url, progress: progress)
                return
            }
            let file = try scan(url: url, displayName: displayName, spool: nil, progress: progress)
            if file.idsRepeat || file.idsMayBeDerived {
                let lease = try leaseSpool(displayName: displayName)
                defer { lease.release() }
                _ = try scan(url: url, displayName: displayName, spool: lease.url, progress: progress)
            }
        } catch {
            var failure = error
            failure.isCheckOnly = true
            throw failure
        }
    }

    /// Whether a file starting with `start` (its first 8 bytes are enough) is refused
    /// from them alone: it is compressed, zipped, UTF-16 or binary, not JSON Lines. A
    /// caller copying standard input for the import stops copying once the first bytes
    /// say so, so that the refusal comes at once, whatever follows them.
    public static func refusesFile(startingWith start: [UInt8]) -> Bool {
        FileSignature(start: start) != nil
    }

    /// Whether `url` names a regular file (which, unlike a pipe, reads the same twice).
    static func isRegularFile(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    // MARK: - Pass 1: check (and encode)

    /// What the check pass found out about a file's events that decides how its append
    /// pass runs (see ``needsPlan(_:in:displayName:)``).
    struct CheckedFile {
        /// The last line's number, which scales the progress.
        var lines = 0
        var events = 0
        /// Events whose id the file gives, rather than one derived from its line.
        var idsGiven = 0
        /// Bytes of the events' record templates, which decide (with ``events``) how
        /// many batches the append pass cuts.
        var bytes = 0
        /// Whether some id is given on more than one line.
        var idsRepeat = false
        /// Whether some given id may be another line's derived id (see
        /// ``DerivedIDClaims``): a line gives an id of the derived form naming a line of
        /// the file, and some line gives no id.
        var idsMayBeDerived = false
        /// Events that what the store holds decides whether to accept besides their
        /// id: those with an `expectedVersion` other than `any`, and export lines
        /// (`seq`, `version`, `hash`, `recordedAt`).
        var conditional = 0

        /// Whether an event's id may be one an earlier event in the file has: given
        /// twice, or given by one line and derived for another.
        var mayRepeatIDs: Bool { idsRepeat || (idsGiven > 0 && idsGiven < events) }
    }

    /// Parses and validates every line on both cores; with a `spool`, also writes the
    /// encoded events there and refuses lines giving an id another line has with other
    /// content. Without one, only says whether there may be such lines
    /// (``CheckedFile/idsRepeat``, ``CheckedFile/idsMayBeDerived``), which only the
    /// encoded events can tell.
    private func scan(url: URL, displayName: String, spool: URL?, progress: (@Sendable (Progress) -> Void)?) throws(ImportFailure) -> CheckedFile {
        let reader: LineReader
        let adviceFile = options.readsStandardInput ? nil : displayName
        let command = options.standardInputCommand
        let refusing = { (start: [UInt8]) in ImportLine.fileFormatProblem(start, file: adviceFile, command: command) }
        do { reader = try LineReader(url: url, refusingStart: refusing) } catch { throw ImportFailure(file: displayName, cannotRead: error) }
        var output: FileHandle?
        if let spool {
            do { output = try FileHandle(forWritingTo: spool) } catch {
                reader.close()
                throw ImportFailure(file: displayName, cannotWrite: spool, error, fileSize: reader.size)
            }
        }
        let files = ScanFiles(reader: reader, spool: output)
        defer { files.close() }
        func cannotWriteSpool(_ error: any Error) -> ImportFailure {
            ImportFailure(file: displayName, cannotWrite: spool!, error, fileSize: reader.size)
        }
        var problems: [ImportFailure.Problem] = []
        var problemCount = 0
        var file = CheckedFile()
        var latestClaim: RecordedAtClaim?
        var repeatedIDs = RepeatedIDs(file: displayName, scratchDirectory: options.scratchDirectory, budget: options.idsHeldInMemory)
        defer { repeatedIDs.release() }
        var claimedLines = DerivedIDClaims(budget: options.idsHeldInMemory)
        // Reading the next chunk and writing the last one's blocks run on the I/O queue
        // while both cores check this chunk.
        files.readNext()
        while true {
            let chunk: LineReader.Chunk
            do {
                guard let next = try files.takeChunk() else { break }
                chunk = next
            } catch let refused as LineReader.RefusedStart {
                // A compressed file's "lines" are binary: one message for the file, not
                // one for each of them.
                throw ImportFailure(file: displayName, problems: [.init(line: 1, reason: refused.reason)], totalProblems: 1, appended: 0)
            } catch {
                throw ImportFailure(file: displayName, cannotRead: error)
            }
            files.readNext()
            // A file has no more lines than bytes (a pipe gives no size).
            let checked = processInParallel(chunk, encode: spool != nil, lastLine: reader.size > 0 ? reader.size + 1 : .max)
            var found = checked.problems
            found += Self.recordedAtProblems(checked.claims, latest: &latestClaim)
            found += chunk.overlongLines.map { line in
                .init(
                    line: line,
                    reason: "the line is longer than \(reader.maxLineBytes >> 20) MiB, so it cannot hold one event; an import file holds one JSON object per line "
                        + "(JSON Lines). A JSON array can be converted with `jq -c '.[]' FILE > FILE.jsonl`")
            }
            found.sort { $0.line < $1.line }  // the first reported are the first in the file
            problemCount += found.count
            for problem in found where problems.count < options.maxReportedProblems { problems.append(problem) }
            if problemCount == 0 {
                files.write(checked.blocks)
                try repeatedIDs.add(checked.givenIDs)
                claimedLines.add(checked.claimedLines)
                file.events += checked.events
                for block in checked.blocks {
                    file.bytes += block.batch.bytes.count
                    file.conditional += block.batch.events.reduce(0) { $0 + ($1.dependsOnStore ? 1 : 0) }
                }
            }
            // A full disk stops the check at the next chunk, not after the whole file.
            if let error = files.writeFailure { throw cannotWriteSpool(error) }
            file.lines = chunk.lines.last?.number ?? file.lines
            progress?(Progress(phase: .checking, bytesDone: chunk.fileOffset, bytesTotal: reader.size, lines: file.lines, appended: 0, duplicates: 0))
        }
        if let error = files.finishWriting() { throw cannotWriteSpool(error) }
        if problemCount > 0 {
            throw ImportFailure(file: displayName, problems: problems, totalProblems: problemCount, appended: 0)
        }
        file.idsGiven = repeatedIDs.count
        file.idsMayBeDerived = !claimedLines.isEmpty && file.idsGiven < file.events
        guard let spool else {
            if repeatedIDs.count > 1 {
                try repeatedIDs.forEachRepeated { groups in file.idsRepeat = file.idsRepeat || !groups.isEmpty }
            }
            return file
        }
        if file.idsMayBeDerived {
            try addDerivedIDs(of: claimedLines, in: spool, to: &repeatedIDs, displayName: displayName)
        }
        if repeatedIDs.count > 1 {
            file.idsRepeat = try refuseConflictingRepeats(&repeatedIDs, spool: spool, displayName: displayName)
        }
        return file
    }

    /// Refuses the file when a line gives an id that an earlier line gives with other
    /// content, or that is another line's derived id (see ``DerivedIDClaims``), naming
    /// both lines, before anything is appended. The batches of an
    /// import commit one by one, so left to the append pass such a pair in two batches
    /// would be refused only after the earlier batches were appended.
    ///
    /// The lines sharing an id are compared as the store compares a re-appended id with
    /// the event it holds (``RepeatedIDs/refuses(_:given:after:given:)``): a line that
    /// gives the same event again is a duplicate, appended once. Their templates are
    /// read back from `spool` in rounds, each holding the first lines of at most
    /// ``Options/repeatedTemplatesHeld`` bytes of templates (64 MiB): a file that
    /// repeats itself whole takes several reads of the spool, not the file's size in
    /// memory. Returns whether any id is given more than once.
    private func refuseConflictingRepeats(_ repeatedIDs: inout RepeatedIDs, spool: URL, displayName: String) throws(ImportFailure) -> Bool {
        var repeats = false
        var conflicts = ImportFailure.Tally(limit: options.maxReportedProblems)
        var round: [[RepeatedIDs.Entry]] = []
        var held = 0
        var lines = 0
        /// Reads the spool once, comparing each later line of the round's ids with its first.
        func compare() throws(ImportFailure) {
            var roles: [Int: (group: Int, first: Bool, derived: Bool)] = [:]
            roles.reserveCapacity(lines)
            for (group, entries) in round.enumerated() {
                for (k, entry) in entries.enumerated() { roles[entry.line] = (group, k == 0, entry.isDerived) }
            }
            var firsts: [Int: (template: [UInt8], given: PreparedBatch.Given)] = [:]
            var reader: ImportSpool.Reader
            do { reader = try ImportSpool.Reader(url: spool) } catch { throw ImportFailure(file: displayName, cannotRead: error) }
            defer { reader.close() }
            var remaining = roles.count
            while remaining > 0 {
                var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
                do {
                    guard try reader.next(appendingTo: &block) else { break }
                } catch {
                    throw ImportFailure(file: displayName, failed: error)
                }
                for (index, line) in block.lines.enumerated() {
                    guard let role = roles[line] else { continue }
                    remaining -= 1
                    let given = block.batch.events[index].given
                    if role.first {
                        firsts[role.group] = (block.batch.withTemplate(index) { Array($0) }, given)
                        continue
                    }
                    guard let first = firsts[role.group] else { continue }
                    let refused = first.template.withUnsafeBytes { earlier in
                        block.batch.withTemplate(index) { RepeatedIDs.refuses($0, given: given, after: earlier, given: first.given) }
                    }
                    guard refused else { continue }
                    let entry = round[role.group][0]
                    conflicts.add(.init(line: line, reason: Self.conflict(entry.id, first: entry.line, derived: entry.isDerived, laterDerived: role.derived)))
                }
            }
            round = []
            held = 0
            lines = 0
        }
        try repeatedIDs.forEachRepeated { groups throws(ImportFailure) in
            for group in groups {
                repeats = true
                let size = Int(group[0].templateLength)
                if !round.isEmpty, held + size > options.repeatedTemplatesHeld || lines + group.count > 1 << 20 { try compare() }
                round.append(group)
                held += size
                lines += group.count
            }
        }
        if !round.isEmpty { try compare() }
        if let failure = conflicts.failure(file: displayName) { throw failure }
        return repeats
    }

    /// Why a line is refused whose id line `first` has too, with different content;
    /// `derived` and `laterDerived` say whether either line gives no id, so that its id
    /// is the one derived from its bytes and line number.
    static func conflict(_ id: EventID, first: Int, derived: Bool, laterDerived: Bool) -> String {
        let why = "it gives no id, so its id is derived from its bytes and line number"
        if derived {
            return "event \(id) is also the id of line \(first) (\(why)), with different content; give this line another id"
        }
        if laterDerived {
            return "line \(first) gives id \(id), which is this line's id (\(why)), with different content; give line \(first) another id"
        }
        return "event \(id) is on line \(first) too, with different content; give each event its own id"
    }

    /// Checks (and encodes) a chunk's lines on both cores. The chunk is cut into more
    /// parts than there are cores, so a core slowed by the file work on the I/O queue
    /// takes fewer parts instead of holding the other one at the end of the chunk.
    ///
    /// Also returns, in line order, the `recordedAt` of each line that gives one (a
    /// restore's lines), for the check that they never go backward.
    ///
    /// `lastLine` bounds the line numbers the file can have (its size in bytes): a
    /// given id naming a later line as its ordinal cannot be a derived one.
    private func processInParallel(_ chunk: LineReader.Chunk, encode: Bool, lastLine: Int) -> CheckedChunk {
        let parts = 16
        let results = UnsafeMutableBufferPointer<CheckedChunk>.allocate(capacity: parts)
        results.initialize(repeating: CheckedChunk())
        defer { results.deinitialize().deallocate() }
        let slots = UnsafeSendableBox(results)
        let per = (chunk.lines.count + parts - 1) / parts
        chunk.bytes.withUnsafeBufferPointer { buffer in
            let shared = UnsafeSendableBox(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var builder = ImportSpool.Builder()
                var found: [ImportFailure.Problem] = []
                var claims: [RecordedAtClaim] = []
                var givenIDs: [RepeatedIDs.Entry] = []
                var claimedLines: [Int] = []
                var events = 0
                let range = min(chunk.lines.count, part * per)..<min(chunk.lines.count, (part + 1) * per)
                if encode, let first = range.first, let last = range.last {
                    // A template holds parts of its line (the payload is never longer than
                    // its JSON there) plus a fixed header, so this much room is never outgrown.
                    builder.reserve(lines: range.count, bytes: chunk.lines[last].end - chunk.lines[first].start)
                }
                for line in chunk.lines[range] {
                    let bytes = UnsafeBufferPointer(rebasing: shared.value[line.start..<line.end])
                    if isBlank(bytes) { continue }
                    do throws(ImportLineError) {
                        let parsed = try prepare(bytes, lineNumber: line.number, checkOnly: !encode)
                        if let recordedAt = parsed.event.recordedAt { claims.append(RecordedAtClaim(time: recordedAt, line: line.number)) }
                        // Once a part has a bad line, the file is refused: the rest of
                        // the part is only checked.
                        if found.isEmpty {
                            events += 1
                            if encode { builder.add(parsed, line: line.number) }
                            if parsed.givesID, let id = parsed.event.id {
                                // A check alone has no template, so no length to budget by.
                                let length = encode ? UInt32(builder.batch.events[builder.batch.count - 1].length) : 0
                                givenIDs.append(.init(id: id, line: line.number, templateLength: length))
                                if let ordinal = id.derivedOrdinal, ordinal != UInt64(line.number), ordinal <= UInt64(lastLine) {
                                    claimedLines.append(Int(ordinal))
                                }
                            }
                        }
                    } catch {
                        found.append(.init(line: line.number, reason: error.reason))
                    }
                }
                slots.value[part] = CheckedChunk(
                    events: events, blocks: [builder], problems: found, claims: claims, givenIDs: givenIDs, claimedLines: claimedLines)
            }
        }
        var chunkResult = CheckedChunk()
        for part in results {
            chunkResult.events += part.events
            chunkResult.blocks += part.blocks
            chunkResult.problems += part.problems
            chunkResult.claims += part.claims
            chunkResult.givenIDs += part.givenIDs
            chunkResult.claimedLines += part.claimedLines
        }
        return chunkResult
    }

    /// What checking one chunk found: its events (its good lines, counted until a part
    /// finds a bad one), their templates (a block per part; none for a check alone), its
    /// bad lines, the `recordedAt` its lines give, the ids they give, and the lines
    /// whose derived id a given id may be (see ``EventID/derivedOrdinal``), all in line
    /// order.
    private struct CheckedChunk {
        var events = 0
        var blocks: [ImportSpool.Builder] = []
        var problems: [ImportFailure.Problem] = []
        var claims: [RecordedAtClaim] = []
        var givenIDs: [RepeatedIDs.Entry] = []
        var claimedLines: [Int] = []
    }

    /// A line that gives `recordedAt`.
    struct RecordedAtClaim {
        var time: Timestamp
        var line: Int
    }

    /// The lines among `claims` whose `recordedAt` is earlier than an earlier line's, or
    /// later than `now` (beyond the clock skew the store allows); `latest` is the latest
    /// claim so far in the file, carried from chunk to chunk.
    static func recordedAtProblems(_ claims: [RecordedAtClaim], latest: inout RecordedAtClaim?, now: Timestamp = .now) -> [ImportFailure.Problem] {
        var problems: [ImportFailure.Problem] = []
        for claim in claims {
            if claim.time.rawValue > now.rawValue &+ AppendPlanner.clockSkewAllowed {
                problems.append(
                    .init(
                        line: claim.line,
                        reason: "recordedAt \(claim.time) is later than this machine's clock (\(now)): an event cannot have been recorded in the future; "
                            + "check the clock here and where the export came from"))
                continue
            }
            guard let before = latest, claim.time < before.time else {
                latest = claim
                continue
            }
            problems.append(
                .init(
                    line: claim.line,
                    reason: "recordedAt \(claim.time) is earlier than line \(before.line)'s (\(before.time)): recordedAt never goes backward in the log, "
                        + "so lines that give it must give it in order, as an export does; give when an event happened as occurredAt instead"))
        }
        return problems
    }

    /// One line, parsed and validated.
    private func prepare(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int, checkOnly: Bool) throws(ImportLineError) -> ImportLine.Parsed {
        var parsed = try ImportLine.parse(bytes, lineNumber: lineNumber, checkOnly: checkOnly)
        // A check alone has no payload for lines too short to be over the limit; the
        // other limits hold all the same.
        if let (_, problem) = parsed.event.limitProblem(maxRecordBytes: 1 << 20) { throw ImportLineError(problem) }
        // Called through the optional in place: `if let` would copy the catalog out of
        // its existential for every line (2.7% of the check pass in `perf`).
        do throws(PayloadViolation) {
            if let version = try validator?.validate(type: parsed.event.type, schemaVersion: parsed.event.schemaVersion, data: parsed.data) {
                parsed.event.schemaVersion = version
            }
        } catch {
            throw ImportLineError(error.message(stream: parsed.event.stream, type: parsed.event.type))
        }
        return parsed
    }

    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    // MARK: - Pass 2: append

    /// Appends the blocks of a spool written by a check pass (this one's, or the CSV
    /// importer's) in batches of ``Options/batchSize`` events whose records stay
    /// within ``Options/batchBytes``; `lines` (the last line number) scales the progress.
    func appendSpool(
        _ spool: URL, to target: any ImportTarget, lines: Int, displayName: String, fileSize: Int, phase: Phase = .appending,
        progress: (@Sendable (Progress) -> Void)?
    ) async throws(ImportFailure) -> Summary {
        var reader: ImportSpool.Reader
        do { reader = try ImportSpool.Reader(url: spool) } catch { throw ImportFailure(file: displayName, cannotRead: error) }
        defer { reader.close() }
        var appended = 0
        var duplicates = 0
        var linesDone = 0
        var head = LogPosition.start
        var pending = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        // Each batch is read into the buffer of one the writer committed before it.
        let recycler = ByteRecycler()
        var inFlight: (task: Task<AppendResult, Error>, block: ImportSpool.Block)?
        /// The plan of the batch in flight, which the next batch is planned after.
        var inFlightPlan: PreplannedBatch?

        func settle() async throws(ImportFailure) {
            guard let current = inFlight else { return }
            inFlight = nil
            let result: AppendResult
            do {
                result = try await current.task.value
            } catch {
                let logError = error as? EventLogError
                let reason = logError?.message ?? "\(error)"
                // What was committed before: nothing, when the pass only plans.
                let committed = phase == .appending ? appended : 0
                if let index = logError?.batchIndex {
                    var reason = reason
                    if let logError, let earlier = logError.earlierBatchIndex, let id = logError.eventID {
                        reason = "event \(id) is on line \(current.block.lines[earlier]) too, with different content; give each event its own id"
                    }
                    throw ImportFailure(file: displayName, problems: [.init(line: current.block.lines[index], reason: reason)], totalProblems: 1, appended: committed)
                }
                // Not about any one line (the disk is full, the store was closed): say
                // which lines were being appended, and blame none of them.
                let lines = current.block.lines
                let span = lines.count > 1 ? "lines \(lines[0])–\(lines[lines.count - 1])" : "line \(lines.first ?? 0)"
                let doing = phase == .appending ? "appending" : "planning"
                var failure = ImportFailure(file: displayName, problems: [.init(line: 0, reason: "\(doing) \(span) failed: \(reason)")], totalProblems: 1, appended: committed)
                failure.isStorageFailure = true
                throw failure
            }
            #if canImport(Glibc)
            // The batch just written (tens of megabytes) was freed on the writer's
            // thread; without a trim its arena keeps the pages for the whole import.
            _ = malloc_trim(0)
            #endif
            appended += result.appendedCount
            duplicates += result.duplicateCount
            head = result.head
            linesDone = current.block.lines.last ?? linesDone
            progress?(Progress(phase: phase, bytesDone: lines > 0 ? fileSize * linesDone / lines : fileSize, bytesTotal: fileSize, lines: linesDone, appended: appended, duplicates: duplicates))
        }

        func submit() async throws(ImportFailure) {
            // Plan this batch while the writer writes the one in flight, as if that one
            // commits as planned; the writer then only has to write this one.
            let plan = pending.batch.isEmpty ? nil : target.preplan(&pending.batch, after: inFlightPlan)
            // The writer holds what it writes; keeping the plan in flight here too would
            // keep its batch alive past the write.
            inFlightPlan = nil
            try await settle()
            guard plan != nil || !pending.batch.isEmpty else { return }
            // The lines stay here for messages; the store takes the only reference to
            // the batch or plan (see `Handover`).
            let sent = ImportSpool.Block(batch: PreparedBatch(), lines: pending.lines)
            if let plan {
                inFlightPlan = plan
                let handover = Handover(plan)
                inFlight = (Task { try await target.append(preplanned: handover.take()) }, sent)
            } else {
                let batch = BatchHandover(pending.batch)
                inFlight = (Task { try await target.append(prepared: batch.take()) }, sent)
            }
            pending = ImportSpool.Block(batch: PreparedBatch(), lines: [])
        }

        while true {
            let next: (events: Int, bytes: Int)
            do {
                guard let size = try reader.peek() else { break }
                next = size
            } catch {
                throw ImportFailure(file: displayName, cannotRead: error)
            }
            // A block that would take the batch's records past the byte cap starts the
            // next batch (a dry run's and a plan's batches are cut the same way, so they
            // agree with the append's).
            if !pending.batch.isEmpty, pending.batch.bytes.count + next.bytes > options.batchBytes { try await submit() }
            if pending.batch.isEmpty {
                pending.batch.bytes = recycler.take()
                pending.batch.recycler = recycler
                reserveBatch(&pending, first: next)
            }
            do {
                _ = try reader.next(appendingTo: &pending)
            } catch {
                throw ImportFailure(file: displayName, cannotRead: error)
            }
            if pending.batch.count >= options.batchSize { try await submit() }
        }
        try await submit()
        try await settle()
        if head == .start { head = (try? target.head().position) ?? .start }
        progress?(Progress(phase: phase, bytesDone: fileSize, bytesTotal: fileSize, lines: lines, appended: appended, duplicates: duplicates))
        return Summary(lines: lines, appended: appended, duplicates: duplicates, head: head, seconds: 0)
    }

    /// Makes room in the empty `batch` for the batch that starts with a block of
    /// `first`'s size, guessing its events' sizes from that block's: room for as many
    /// events as the batch may take (``Options/batchSize`` plus one more block, as a
    /// batch is sent once it holds that many, or as many as fit in
    /// ``Options/batchBytes``), so filling it copies nothing — doubling a 25 MB array
    /// holds the old and the new at once.
    ///
    /// The bytes reserved never pass the byte cap, which no batch outgrows (unless its
    /// one block is larger): a first block of large events must not make the guess for
    /// 50,000 of them, tens of gigabytes.
    func reserveBatch(_ batch: inout ImportSpool.Block, first: (events: Int, bytes: Int)) {
        let perEvent = max(1, (first.bytes + first.events - 1) / max(1, first.events))
        let events = min(options.batchSize, options.batchBytes / perEvent) + first.events
        let bytes = max(first.bytes, min(options.batchBytes, events * perEvent / 8 * 9))
        batch.batch.bytes.reserveCapacity(bytes)
        batch.batch.events.reserveCapacity(events)
        batch.lines.reserveCapacity(events)
    }
}

/// An import that stopped: which lines were bad and why, and how much was appended
/// before it stopped (zero whenever the check pass or a plan found the problems).
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable {
        public var line: Int
        public var reason: String
    }

    public var file: String
    public var problems: [Problem]
    public var totalProblems: Int
    public var appended: Int
    /// The file was only being checked, not imported.
    public var isCheckOnly = false
    /// The file was being imported dry (``EventImporter/preview(url:displayName:progress:)``):
    /// nothing was appended.
    public var isDryRun = false
    /// The import failed for the store or the disk (a scratch file it could not write,
    /// a store it could not read), not for any line of the file.
    public var isStorageFailure = false

    init(file: String, problems: [Problem], totalProblems: Int, appended: Int) {
        self.file = file
        self.problems = problems.sorted { $0.line < $1.line }
        self.totalProblems = totalProblems
        self.appended = appended
    }

    /// Problems found in any order: all counted, the first ``limit`` in the file kept,
    /// in memory that stays within twice the limit however many there are.
    struct Tally {
        let limit: Int
        private(set) var count = 0
        private var kept: [Problem] = []

        init(limit: Int) { self.limit = max(1, limit) }

        mutating func add(_ problem: Problem) {
            count += 1
            kept.append(problem)
            if kept.count >= 2 * limit { trim() }
        }

        private mutating func trim() {
            kept.sort { $0.line < $1.line }
            kept.removeSubrange(min(kept.count, limit)...)
        }

        /// The failure reporting them, before anything was appended; `nil` when there are none.
        func failure(file: String) -> ImportFailure? {
            guard count > 0 else { return nil }
            var first = self
            first.trim()
            return ImportFailure(file: file, problems: first.kept, totalProblems: count, appended: 0)
        }
    }

    /// A failure about no one line (the store, the scratch space), before anything
    /// was appended.
    init(file: String, reason: String) {
        self.init(file: file, problems: [.init(line: 0, reason: reason)], totalProblems: 1, appended: 0)
    }

    /// The store or the scratch space failed (see ``isStorageFailure``); the message
    /// names what and where.
    init(file: String, failed error: any Error) {
        self.init(file: file, reason: error.asEventLogError.message)
        isStorageFailure = true
    }

    init(file: String, cannotRead error: Error) {
        self.init(file: file, reason: "cannot read the file: \(error.localizedDescription)")
    }

    /// The import's scratch file `scratch` could not be written: what the system said,
    /// and, for a full disk or a file size limit, what to do. `fileSize`, the size of
    /// the file being imported, says how much room the spool needs: one to two times
    /// as much (each event's template holds a fixed header besides its payload).
    init(file: String, cannotWrite scratch: URL, _ error: any Error, fileSize: Int?) {
        var reason = "cannot write the import's scratch file in \(scratch.deletingLastPathComponent().path)"
        if let fileSize, fileSize > 0 {
            reason += " (the import keeps the events it checked there until they are appended: one to two times the file's \(WriteFailure.bytes(fileSize)))"
        }
        if let failure = error as? FileIO.Failure {
            reason += ": \(failure.message)"
            if let advice = WriteFailure.advice(code: failure.code, file: scratch, name: "the scratch file") { reason += "; \(advice)" }
        } else {
            reason += ": \(error.localizedDescription)"
        }
        self.init(file: file, reason: reason)
        isStorageFailure = true
    }

    /// `FILE:LINE: reason` for each reported problem, one per line: control characters
    /// the reason quotes from the file are escaped (``MessageText/oneLine(_:)``).
    public var lines: [String] {
        let file = MessageText.oneLine(file)
        return problems.map { problem in
            let reason = MessageText.oneLine(problem.reason)
            return problem.line > 0 ? "\(file):\(problem.line): \(reason)" : "\(file): \(reason)"
        }
    }

    public var description: String {
        var out = lines
        let file = MessageText.oneLine(file)
        if totalProblems > problems.count { out.append("\(file): … and \(totalProblems - problems.count) more bad lines") }
        if isCheckOnly {
            out.append("\(file): \(totalProblems) bad line\(totalProblems == 1 ? "" : "s")")
            return out.joined(separator: "\n")
        }
        // A problem with no line (the file, the scratch space, the store) is fixed
        // outside the file.
        let aboutLines = problems.contains { $0.line > 0 }
        if isDryRun {
            out.append("\(file): nothing was appended (dry run); \(aboutLines ? "fix the lines above" : "fix that") and run it again")
            return out.joined(separator: "\n")
        }
        switch (appended, aboutLines) {
        case (0, true): out.append("\(file): nothing was appended; fix the lines above and run the import again")
        case (0, false): out.append("\(file): nothing was appended; run the import again once that is fixed")
        case (_, true):
            out.append("\(file): \(appended) events were appended before this; fix the line and run the same import again — lines already stored are skipped")
        case (_, false):
            out.append("\(file): \(appended) events were appended before this; run the same import again once that is fixed — lines already stored are skipped")
        }
        return out.joined(separator: "\n")
    }
}

/// The check pass's file work on a serial queue of its own: reading the next chunk of
/// the input ahead and writing checked blocks to the spool, in the order asked, so
/// neither leaves a core idle while the lines are checked. At most one chunk is read
/// ahead and one chunk's blocks wait to be written, which keeps memory bounded.
private final class ScanFiles: @unchecked Sendable {
    private var reader: LineReader
    private let spool: FileHandle?
    private let queue = DispatchQueue(label: "ledgerline.import-files")
    private let chunkReady = DispatchSemaphore(value: 0)
    /// Set on the queue before `chunkReady` is signalled; read after waiting for it.
    private var readAhead: Result<LineReader.Chunk?, Error> = .success(nil)
    /// The first failed write; later blocks are dropped.
    private let writeError = Mutex<(any Error)?>(nil)

    init(reader: LineReader, spool: FileHandle?) {
        self.reader = reader
        self.spool = spool
    }

    /// Starts reading the next chunk.
    func readNext() {
        queue.async { [self] in
            readAhead = Result { try reader.next() }
            chunkReady.signal()
        }
    }

    /// The chunk ``readNext()`` read, once it is there.
    func takeChunk() throws -> LineReader.Chunk? {
        chunkReady.wait()
        return try readAhead.get()
    }

    /// Queues `blocks` to be written to the spool after those before them.
    func write(_ blocks: [ImportSpool.Builder]) {
        guard let spool else { return }
        queue.async { [self] in
            guard writeFailure == nil else { return }
            do {
                for block in blocks where !block.isEmpty { try block.write(to: spool) }
            } catch {
                writeError.withLock { $0 = error }
            }
        }
    }

    /// The first write that failed so far, if any.
    var writeFailure: (any Error)? { writeError.withLock { $0 } }

    /// Waits for the queued writes; the first error among them, if any.
    func finishWriting() -> (any Error)? {
        queue.sync {}
        return writeFailure
    }

    /// Waits for the queue, then closes both files.
    func close() {
        queue.sync {
            reader.close()
            try? spool?.close()
        }
    }
}

extension DispatchTime {
    /// The seconds from `start` to this time, as an import's summary gives them.
    func seconds(since start: DispatchTime) -> Double {
        Double(uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// Hands a pointer to `concurrentPerform` workers that touch disjoint parts of its memory.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
