import Dispatch
import Foundation
import Synchronization

// MARK: - Pass 1: check (and encode)

extension EventImporter {
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
    func scan(url: URL, displayName: String, spool: URL?, progress: (@Sendable (Progress) -> Void)?) throws(ImportFailure) -> CheckedFile {
        let reader: LineReader
        let advice = options.standardInput
        let refusing = { (start: [UInt8]) in ImportLine.fileFormatProblem(start, file: displayName, advice: advice) }
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
            // An export line is history: held to the rules it was first appended under.
            let version =
                parsed.restore.position != nil
                ? try validator?.validateRestored(type: parsed.event.type, schemaVersion: parsed.event.schemaVersion, data: parsed.data)
                : try validator?.validate(type: parsed.event.type, schemaVersion: parsed.event.schemaVersion, data: parsed.data)
            if let version { parsed.event.schemaVersion = version }
        } catch {
            throw ImportLineError(error.message(stream: parsed.event.stream, type: parsed.event.type))
        }
        return parsed
    }

    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
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
