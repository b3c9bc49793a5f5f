import Foundation

// MARK: - Pass 2: append

extension EventImporter {
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
                if let logError, let index = logError.batchIndex {
                    var reason = Self.lineReason(logError)
                    if let earlier = logError.earlierBatchIndex, let id = logError.eventID {
                        reason = "event \(id) is on line \(current.block.lines[earlier]) too, with different content; give each event its own id"
                    }
                    var failure = ImportFailure(file: displayName, problems: [.init(line: current.block.lines[index], reason: reason)], totalProblems: 1, appended: committed)
                    // Refused for what the store holds, not for the line alone: as for `append`.
                    failure.isConflict = logError.earlierBatchIndex == nil && (logError.code == .wrongExpectedVersion || logError.code == .idConflict)
                    throw failure
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

    /// The store's reason for refusing one line, said of the line. The store words it
    /// for one append ("the append expected", "nothing was appended — retry"); the
    /// import's last line says what became of the file and what to do.
    static func lineReason(_ error: EventLogError) -> String {
        var reason = error.message
        if error.code == .wrongExpectedVersion, let tail = reason.range(of: "; nothing was appended") {
            reason = String(reason[..<tail.lowerBound])
        }
        return reason.replacing("; nothing was appended — ", with: "; ").replacing(" but the append expected", with: " but the line expected")
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
