import Foundation

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
    /// A line was refused for what the store holds (an `expectedVersion` the stream is
    /// not at, an id stored with other content), as `append` refuses it: a conflict
    /// (exit 75), not a bad file. With ``appended`` above zero, another writer changed
    /// the store after the import planned its batches.
    public var isConflict = false

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
    /// the file being imported, says how much room the spool needs: the file's size
    /// plus about 150 bytes a line (each event's template holds a fixed header besides
    /// its payload): 1.4 times a file of 370-byte lines, 3 times one of 80-byte lines.
    init(file: String, cannotWrite scratch: URL, _ error: any Error, fileSize: Int?) {
        var reason = "cannot write the import's scratch file in \(scratch.deletingLastPathComponent().path)"
        if let fileSize, fileSize > 0 {
            reason += " (the import keeps the events it checked there until they are appended: 1.5 to 3 times the file's \(MessageText.size(fileSize)), the more the shorter its lines)"
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

    /// `1 event was appended`, `3 events were appended`.
    private var wereAppended: String { appended == 1 ? "1 event was appended" : "\(appended) events were appended" }

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
        case (_, true) where isConflict:
            out.append(
                "\(file): \(wereAppended) before this: the store changed after the import planned its batches (another writer appended meanwhile); "
                    + "fix the line and run the same import again — lines already stored are skipped")
        case (_, true):
            out.append("\(file): \(wereAppended) before this; fix the line and run the same import again — lines already stored are skipped")
        case (_, false):
            out.append("\(file): \(wereAppended) before this; run the same import again once that is fixed — lines already stored are skipped")
        }
        return out.joined(separator: "\n")
    }
}
