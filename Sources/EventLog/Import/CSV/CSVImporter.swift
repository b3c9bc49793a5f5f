import Dispatch
import Foundation
import JSON

/// Imports a delimited file (CSV and its relatives) into a store, turning each row
/// into events as a ``CSVMapping`` says.
///
/// Like ``EventImporter``, the import runs in two passes:
/// 1. **Check.** The file is streamed in chunks; every row is mapped, validated
///    against the catalog and encoded on both cores, and written to a scratch file.
///    Any bad row stops the import before anything is appended; every bad row is
///    reported (up to ``Options/maxReportedProblems``) as `FILE:LINE: column: reason`.
/// 2. **Append.** The scratch file is appended in large batches by the JSON Lines
///    importer's append pass.
///
/// Event ids are derived from each event's type and key template, so re-importing the
/// same file appends nothing; two rows whose keys collide are reported in the check
/// pass. Memory is bounded by the chunk and batch sizes, plus 40 bytes or so per event
/// for that collision check.
public struct CSVImporter: Sendable {
    public struct Options: Sendable {
        /// Events per append, at most; a batch also ends before its records pass
        /// ``batchBytes`` (see ``EventImporter``).
        public var batchSize = 50_000
        /// Bytes of records per append, at most (32 MiB), whatever ``batchSize`` says, as
        /// for JSON Lines (``EventImporter/Options/batchBytes``): the append pass is that
        /// importer's, and cuts batches between spool blocks (half a chunk of rows each,
        /// see ``chunkSize``). Smaller in tests.
        var batchBytes = EventImporter.Options.defaultBatchBytes
        /// Problems reported in detail before the rest are only counted.
        public var maxReportedProblems = 20
        /// Where the check pass keeps its scratch file (removed afterwards).
        public var scratchDirectory = FileManager.default.temporaryDirectory
        /// Bytes read at a time.
        public var chunkSize = 4 << 20
        /// Events' ids held in memory before they go to a scratch file (see
        /// ``RepeatedIDs``); smaller in tests.
        var idsHeldInMemory = RepeatedIDs.defaultBudget
        /// How the advice for a compressed, zipped or UTF-16 file imports what it holds,
        /// with the same mapping.
        public var standardInput = StandardInputAdvice(command: "ledgerline import-csv - --mapping MAPPING")
        public init() {}
    }

    public struct Summary: Sendable {
        /// Data rows read (the header and blank lines not counted).
        public var rows = 0
        /// Events the rows yielded.
        public var events = 0
        public var appended = 0
        public var duplicates = 0
        public var head = LogPosition.start
        public var seconds = 0.0
        /// Of ``seconds``, the time the check pass took.
        public var checkSeconds = 0.0
        /// Of ``seconds``, the time the import took to plan every batch before appending
        /// (0 when it needed no plan; see ``EventImporter/Phase/planning``).
        public var planSeconds = 0.0
        /// Events per type.
        public var eventsByType: [EventType: Int] = [:]
    }

    public let mapping: CSVMapping
    /// The store to append to; `nil` for an importer that only checks files.
    public let store: (any EventStore)?
    public let validator: (any EventValidator)?
    public var options: Options

    public init(
        mapping: CSVMapping, store: any EventStore, validator: (any EventValidator)?, options: Options = Options()
    ) {
        self.mapping = mapping
        self.store = store
        self.validator = validator
        self.options = options
    }

    /// An importer that only checks files (``check(url:displayName:progress:)``).
    public init(checking mapping: CSVMapping, validator: (any EventValidator)?, options: Options = Options()) {
        self.mapping = mapping
        store = nil
        self.validator = validator
        self.options = options
    }

    /// Imports `url`, naming it `displayName` in messages.
    ///
    /// - Throws: ``CSVMappingError`` when the mapping does not fit the file (unknown
    ///   columns, unknown event types), ``ImportFailure`` for bad rows or a failed append.
    public func importFile(
        at url: URL, displayName: String, progress: (@Sendable (EventImporter.Progress) -> Void)? = nil
    ) async throws -> Summary {
        let target = try EventImporter.appendTarget(store, file: displayName)
        return try await importFile(at: url, displayName: displayName, into: { target }, progress: progress)
    }

    /// Imports `url` into the store `openStore` returns, which it calls only once every
    /// row has passed the check pass, as
    /// ``EventImporter/importFile(at:displayName:into:progress:)`` does: a file with a
    /// bad row, or an import interrupted while checking, never opens (or creates) a
    /// store. The importer's own ``store`` is not used.
    ///
    /// - Throws: ``CSVMappingError``, ``ImportFailure``, or what `openStore` throws.
    public func importFile(
        at url: URL, displayName: String, into openStore: () async throws -> any EventStore,
        progress: (@Sendable (EventImporter.Progress) -> Void)? = nil
    ) async throws -> Summary {
        try await run(url: url, displayName: displayName, progress: progress) { appender, spool, file in
            let target = try EventImporter.appendTarget(try await openStore(), file: displayName)
            return try await appender.appendChecked(spool, file, to: target, displayName: displayName, fileSize: appender.fileSize(url), progress: progress)
        }
    }

    /// Runs the import dry, as ``EventImporter/preview(url:displayName:progress:)`` does:
    /// maps and checks every row, then plans every batch against what the store holds
    /// (an empty log for an importer without a store), appending nothing. The summary's
    /// ``Summary/appended`` and ``Summary/duplicates`` say what the import would do.
    ///
    /// - Throws: ``CSVMappingError``, or ``ImportFailure`` (marked as a dry run).
    public func preview(
        url: URL, displayName: String, progress: (@Sendable (EventImporter.Progress) -> Void)? = nil
    ) async throws -> Summary {
        let previewed = try previewedStore(store, file: displayName)
        do {
            return try await run(url: url, displayName: displayName, progress: progress) { appender, spool, file in
                try await appender.previewSpool(
                    spool, file, against: previewed, displayName: displayName, fileSize: appender.fileSize(url), progress: progress)
            }
        } catch var failure as ImportFailure {
            failure.isDryRun = true
            throw failure
        }
    }

    /// What to do about a row whose event the store holds with other content.
    static let changedRowAdvice =
        "the row changed since it was imported, and its `id` key still gives the stored event's id: "
        + "record a change as an event that says so (DealStageChanged, ContactUpdated…), "
        + "or put what changed in the `id` key"

    /// The check pass into a scratch file, then `appendPass` over it with an importer
    /// set up for it.
    private func run(
        url: URL, displayName: String, progress: (@Sendable (EventImporter.Progress) -> Void)?,
        appendPass: (EventImporter, URL, EventImporter.CheckedFile) async throws -> EventImporter.Summary
    ) async throws -> Summary {
        let started = DispatchTime.now()
        var appendOptions = EventImporter.Options()
        appendOptions.batchSize = options.batchSize
        appendOptions.batchBytes = options.batchBytes
        appendOptions.scratchDirectory = options.scratchDirectory
        let appender = EventImporter(checkingWith: nil, options: appendOptions)
        let lease = try appender.leaseSpool(displayName: displayName)
        defer { lease.release() }
        var summary = try scan(url: url, displayName: displayName, spool: lease.url, progress: progress)
        let checked = DispatchTime.now()
        // Every event's id comes from its id key, and no two are the same (or the scan
        // refused the file), so only the store can hold one with other content.
        let file = EventImporter.CheckedFile(
            lines: summary.lastLine, events: summary.summary.events, idsGiven: summary.summary.events, bytes: summary.templateBytes, idsRepeat: false,
            conditional: 0)
        let appended: EventImporter.Summary
        do {
            appended = try await appendPass(appender, lease.url, file)
        } catch var failure as ImportFailure {
            // The id is derived from the row, so "give it a new id" is not something a
            // person importing a CSV can do: the row changed since it was imported.
            let advice = AppendPlanner.changedEventAdvice
            for i in failure.problems.indices where failure.problems[i].reason.hasSuffix(advice) {
                failure.problems[i].reason.removeLast(advice.count)
                failure.problems[i].reason += Self.changedRowAdvice
            }
            throw failure
        }
        summary.summary.appended = appended.appended
        summary.summary.duplicates = appended.duplicates
        summary.summary.head = appended.head
        summary.summary.planSeconds = appended.planSeconds
        summary.summary.seconds = DispatchTime.now().seconds(since: started)
        summary.summary.checkSeconds = checked.seconds(since: started)
        return summary.summary
    }

    /// Maps and validates every row without appending anything: what an import would
    /// append (before the store skips ids it holds).
    ///
    /// - Throws: ``CSVMappingError`` or ``ImportFailure`` (marked check-only), as
    ///   ``importFile(at:displayName:progress:)`` does.
    public func check(url: URL, displayName: String, progress: (@Sendable (EventImporter.Progress) -> Void)? = nil)
        throws -> Summary
    {
        let started = DispatchTime.now()
        do {
            var summary = try scan(url: url, displayName: displayName, spool: nil, progress: progress).summary
            summary.seconds = DispatchTime.now().seconds(since: started)
            summary.checkSeconds = summary.seconds
            return summary
        } catch var failure as ImportFailure {
            failure.isCheckOnly = true
            throw failure
        }
    }

    // MARK: - The check pass

    private struct Scan {
        var summary = Summary()
        var lastLine = 0
        /// Bytes of the events' record templates in the spool, which decide (with the
        /// events) how many batches the append pass cuts.
        var templateBytes = 0
    }

    /// What one half of a chunk produced.
    private struct Part {
        var builder = ImportSpool.Builder()
        var problems: [ImportFailure.Problem] = []
        var ids: [RepeatedIDs.Entry] = []
        var byType: [EventType: Int] = [:]
        var rows = 0
    }

    private func scan(
        url: URL, displayName: String, spool: URL?, progress: (@Sendable (EventImporter.Progress) -> Void)?
    ) throws -> Scan {
        try checkTypes()
        var reader: CSVReader
        do { reader = try CSVReader(url: url, dialect: mapping.dialect, chunkSize: options.chunkSize) } catch {
            throw ImportFailure(file: displayName, cannotRead: error)
        }
        defer { reader.close() }
        var output: FileHandle?
        if let spool {
            do { output = try FileHandle(forWritingTo: spool) } catch {
                throw ImportFailure(file: displayName, cannotWrite: spool, error, fileSize: reader.size)
            }
        }
        defer { try? output?.close() }

        var resolved: CSVMapping?
        var header: [String] = mapping.dialect.hasHeader ? [] : mapping.dialect.columns
        if !mapping.dialect.hasHeader { resolved = try mapping.resolved(header: header, dataFile: displayName) }
        var scan = Scan()
        var problems = ImportFailure.Tally(limit: options.maxReportedProblems)
        // Every event's id, to refuse two rows (or two events of one row) that make the
        // same one, in bounded memory.
        var ids = RepeatedIDs(file: displayName, scratchDirectory: options.scratchDirectory, budget: options.idsHeldInMemory)
        defer { ids.release() }
        while true {
            var chunk: CSVReader.Chunk
            do {
                guard let next = try reader.next() else { break }
                chunk = next
            } catch {
                throw ImportFailure(file: displayName, cannotRead: error)
            }
            var first = 0
            if resolved == nil, let record = chunk.records.first {
                if let problem = chunk.problems[0] {
                    throw ImportFailure(
                        file: displayName, problems: [.init(line: record.line, reason: "the header row: \(problem)")],
                        totalProblems: 1, appended: 0)
                }
                let texts = chunk.texts(record)
                header = texts.map { CSVRow.trim($0 ?? "") }
                do {
                    resolved = try mapping.resolved(header: header, dataFile: displayName)
                } catch {
                    // Columns the header lacks are most often a file read with the wrong
                    // encoding, line ends or delimiter: one line saying so beats a line
                    // per column.
                    guard
                        let problem = Self.headerProblem(
                            fileStart: Array(chunk.bytes.prefix(8)), texts: texts, dialect: mapping.dialect,
                            file: displayName, advice: options.standardInput)
                    else { throw error }
                    throw ImportFailure(
                        file: displayName, problems: [.init(line: record.line, reason: problem)], totalProblems: 1,
                        appended: 0)
                }
                first = 1
            }
            guard let resolved, first < chunk.records.count else { continue }
            let parts = mapInParallel(
                chunk, records: first..<chunk.records.count, firstRow: scan.summary.rows + 1, mapping: resolved,
                header: header, encode: output != nil)
            for part in parts {
                scan.summary.rows += part.rows
                for (type, count) in part.byType { scan.summary.eventsByType[type, default: 0] += count }
                try ids.add(part.ids)
                for problem in part.problems { problems.add(problem) }
            }
            scan.summary.events += parts.reduce(0) { $0 + $1.ids.count }
            scan.templateBytes += parts.reduce(0) { $0 + $1.builder.batch.bytes.count }
            scan.lastLine = chunk.records.last?.line ?? scan.lastLine
            if problems.count == 0, let output {
                do {
                    for part in parts where !part.builder.isEmpty {
                        try part.builder.write(to: output)
                    }
                } catch {
                    throw ImportFailure(file: displayName, cannotWrite: spool!, error, fileSize: reader.size)
                }
            }
            progress?(
                EventImporter.Progress(
                    phase: .checking, bytesDone: chunk.fileOffset, bytesTotal: reader.size, lines: scan.summary.rows,
                    appended: 0, duplicates: 0))
        }
        guard let resolved else {
            throw ImportFailure(file: displayName, reason: "the file is empty; expected a header row naming the columns")
        }
        // Each event making the id an earlier one made.
        try ids.forEachRepeated { groups in
            for group in groups {
                for (earlier, entry) in zip(group, group.dropFirst()) {
                    let event = resolved.events[Int(entry.source)]
                    let other = earlier.line == entry.line ? "another event of this row" : "line \(earlier.line)'s"
                    problems.add(
                        .init(
                            line: entry.line,
                            reason:
                                "its \(event.type) event has the same id key as \(other): `\(event.idKey.source)` (mapping line \(event.idKey.line)) must tell rows apart; put in a column that does, or {line}"
                        ))
                }
            }
        }
        if let failure = problems.failure(file: displayName) { throw failure }
        return scan
    }

    /// Refuses a mapping whose event types (or versions) the validator does not know.
    private func checkTypes() throws(CSVMappingError) {
        guard let validator else { return }
        var problems: [CSVMappingError.Problem] = []
        for event in mapping.events {
            if let problem = validator.typeProblem(type: event.type, schemaVersion: event.schemaVersion) {
                problems.append(.init(line: event.line, message: problem))
            }
        }
        if !problems.isEmpty { throw CSVMappingError(file: mapping.file, problems: problems) }
    }

    /// Maps, validates and (with `encode`) encodes a chunk's records on two threads,
    /// each taking one half.
    private func mapInParallel(
        _ chunk: CSVReader.Chunk, records: Range<Int>, firstRow: Int, mapping: CSVMapping, header: [String],
        encode: Bool
    ) -> [Part] {
        let halves = records.count >= 256 ? 2 : 1
        let results = UnsafeMutableBufferPointer<Part>.allocate(capacity: halves)
        results.initialize(repeating: Part())
        defer { results.deinitialize().deallocate() }
        let slots = UnsafeSendableBox(results)
        let per = (records.count + halves - 1) / halves
        DispatchQueue.concurrentPerform(iterations: halves) { half in
            var part = Part()
            let start = records.lowerBound + half * per
            let range = start..<min(records.upperBound, start + per)
            for index in range {
                let record = chunk.records[index]
                let row = CSVRow(
                    cells: chunk.texts(record), line: record.line, number: firstRow + index - records.lowerBound)
                part.rows += 1
                if let problem = chunk.problems[index] {
                    part.problems.append(.init(line: row.line, reason: problem))
                    continue
                }
                if row.cells.count != header.count {
                    part.problems.append(
                        .init(
                            line: row.line,
                            reason:
                                "expected \(header.count) fields as \(mapping.dialect.hasHeader ? "in the header" : "`csv.columns` names"), found \(row.cells.count)\(row.cells.count > header.count ? " (a value that holds the delimiter must be quoted)" : "")"
                        ))
                    continue
                }
                switch mapping.map(row) {
                case .failure(let problems):
                    part.problems += problems.list.map { .init(line: row.line, reason: $0.text) }
                case .success(let events):
                    for mapped in events {
                        do throws(ImportLineError) {
                            let parsed = try prepare(mapped, encode: encode)
                            if encode && part.problems.isEmpty { part.builder.add(parsed, line: row.line) }
                            part.ids.append(RepeatedIDs.Entry(id: mapped.event.id!, line: row.line, source: UInt32(mapped.entry)))
                            part.byType[mapped.event.type, default: 0] += 1
                        } catch {
                            part.problems.append(.init(line: row.line, reason: error.reason))
                        }
                    }
                }
            }
            slots.value[half] = part
        }
        return Array(results)
    }

    /// One mapped event, validated and size-checked.
    private func prepare(_ mapped: CSVMapping.Mapped, encode: Bool) throws(ImportLineError) -> ImportLine.Parsed {
        var parsed = ImportLine.Parsed(event: mapped.event, data: mapped.data, restore: ImportLine.Restore(), givesID: true)
        if let validator {
            do throws(PayloadViolation) {
                parsed.event.schemaVersion = try validator.validate(
                    type: mapped.event.type, schemaVersion: mapped.event.schemaVersion, data: mapped.data)
            } catch {
                throw ImportLineError(error.message(stream: mapped.event.stream, type: mapped.event.type))
            }
        }
        if let (_, problem) = parsed.event.limitProblem(maxRecordBytes: 1 << 20) { throw ImportLineError("\(mapped.event.type): \(problem)") }
        return parsed
    }
}
