import Dispatch
import Foundation

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim") func malloc_trim(_ pad: Int) -> Int32
#endif

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
/// ``importFile(at:displayName:into:progress:)`` asks for its store only once the check
/// pass is done, so that an import into a store yet to be created creates none for a
/// file it refuses; ``preview(url:displayName:progress:)`` runs both passes and appends nothing;
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
        /// How the advice for a compressed, zipped or UTF-16 file imports what it holds
        /// (`gzip -dc FILE | ledgerline import -`).
        public var standardInput = StandardInputAdvice(command: "ledgerline import -")
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
        let target = try Self.appendTarget(store, file: displayName)
        let checked = try checkedSpool(url: url, displayName: displayName, progress: progress)
        defer { checked.lease.release() }
        return try await append(checked, to: target, url: url, displayName: displayName, progress: progress)
    }

    /// Imports `url` into the store `openStore` returns, which it calls only once every
    /// line has passed the check pass: a file with a bad line, or an import interrupted
    /// while checking, never gets as far as opening (or creating) a store. The importer's
    /// own ``store`` is not used, so an importer made to check files can import them.
    ///
    /// - Throws: ``ImportFailure``, or what `openStore` throws, unchanged.
    public func importFile(
        at url: URL, displayName: String, into openStore: () async throws -> any EventStore,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws -> Summary {
        let checked = try checkedSpool(url: url, displayName: displayName, progress: progress)
        defer { checked.lease.release() }
        let target = try Self.appendTarget(try await openStore(), file: displayName)
        return try await append(checked, to: target, url: url, displayName: displayName, progress: progress)
    }

    /// `store` as the append pass writes to it; refuses an importer made without a store
    /// (to check files) and a store that cannot take an import's prepared batches.
    static func appendTarget(_ store: (any EventStore)?, file: String) throws(ImportFailure) -> any PreparedAppending {
        guard let store else { throw ImportFailure(file: file, reason: "this importer was made to check files; make it with a store, or pass one, to import") }
        guard let target = store as? any PreparedAppending else { throw ImportFailure(file: file, reason: "this store does not support imports") }
        return target
    }

    /// A file through the check pass: its events in a held spool, and when it started.
    struct CheckedSpool {
        let lease: ScratchLease
        let file: CheckedFile
        let started: DispatchTime
        let checked: DispatchTime
    }

    /// The check pass of an import over `url`, into a new spool the caller releases.
    private func checkedSpool(url: URL, displayName: String, progress: (@Sendable (Progress) -> Void)?) throws(ImportFailure) -> CheckedSpool {
        let started = DispatchTime.now()
        let lease = try leaseSpool(displayName: displayName)
        let file: CheckedFile
        do {
            file = try scan(url: url, displayName: displayName, spool: lease.url, progress: progress)
        } catch {
            lease.release()
            throw error
        }
        #if canImport(Glibc)
        // The check pass parsed on two threads; hand what their arenas freed back to the
        // system before the append pass starts its own allocations.
        _ = malloc_trim(0)
        #endif
        return CheckedSpool(lease: lease, file: file, started: started, checked: DispatchTime.now())
    }

    /// The append pass of an import over what `checked` holds, into `target`.
    private func append(
        _ checked: CheckedSpool, to target: any PreparedAppending, url: URL, displayName: String, progress: (@Sendable (Progress) -> Void)?
    ) async throws(ImportFailure) -> Summary {
        var summary = try await appendChecked(
            checked.lease.url, checked.file, to: target, displayName: displayName, fileSize: fileSize(url), progress: progress)
        summary.seconds = DispatchTime.now().seconds(since: checked.started)
        summary.checkSeconds = checked.checked.seconds(since: checked.started)
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
    /// ``Options/scratchDirectory`` (the file's size plus about 150 bytes a line, removed
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
