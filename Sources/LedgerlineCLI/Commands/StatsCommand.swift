import ArgumentParser
import EventLog
import Foundation
import JSON

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the log holds: events, streams, head, types, size on disk.",
        discussion: """
            Example:
              ledgerline stats
              ledgerline stats --json | jq .headHash
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        try await CommandErrors.run {
            let store = try global.openStore()
            defer { store.close() }
            let stats = try store.statistics()
            if json {
                var types = JSONObject()
                for (type, count) in stats.types { types[type.rawValue] = .number(JSONNumber(count)) }
                let value: JSONValue = [
                    "path": .string(global.dataDirectory.path),
                    "events": .number(JSONNumber(stats.events)),
                    "streams": .number(JSONNumber(stats.streams)),
                    "head": .number(JSONNumber(stats.head.position.rawValue)),
                    "headHash": .string(stats.head.hash.description),
                    "types": .object(types),
                    "fileBytes": .number(JSONNumber(stats.fileBytes)),
                    "usedBytes": .number(JSONNumber(stats.usedBytes)),
                    "recordBytes": .number(JSONNumber(stats.recordBytes)),
                    "firstRecordedAt": stats.firstRecordedAt.map { .string($0.description) } ?? .null,
                    "lastRecordedAt": stats.lastRecordedAt.map { .string($0.description) } ?? .null,
                ]
                Output.line(value.description)
            } else {
                Output.line("store      \(global.dataDirectory.path)")
                Output.line("events     \(Int(stats.events).grouped)")
                Output.line("streams    \(stats.streams.grouped)")
                Output.line("head       \(Int(stats.head.position.rawValue).grouped)  \(stats.head.hash)")
                Output.line(
                    "on disk    \(MessageText.size(stats.fileBytes)) file, \(MessageText.size(stats.usedBytes)) in use, \(MessageText.size(stats.recordBytes)) of records")
                if let first = stats.firstRecordedAt, let last = stats.lastRecordedAt { Output.line("recorded   \(first) … \(last)") }
                Output.line("types")
                for (type, count) in stats.types.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                    Output.line("  \(type.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) \(count.grouped)")
                }
            }
            Output.flush()
        }
    }

}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and check the indexes; name what does not match.",
        discussion: """
            Exits 0 with a summary when every event's hash matches the chain, positions \
            are gapless, and the indexes by id, stream, type, correlation and causation \
            hold exactly the log's events; exits 1 naming the first bad position, or the first wrong index entry, \
            otherwise.

            The chain alone cannot tell a log rewritten from some position on (its \
            hashes recomputed) or cut short at its end. Keep the anchor it prints \
            (SEQ:HASH, the head and its hash; `anchor` with --json) somewhere else, and \
            pass it back with --anchor: the event at SEQ must still be sealed by HASH.

            Examples:
              ledgerline verify && echo intact
              ledgerline verify --anchor "$(cat /backups/crm.anchor)"
            """)

    /// What to do about a damaged database the log does not cover: a new store made
    /// from the log, since a backup copies the file's pages, damage included.
    /// A literal, so that the report of a crash can print it from a signal handler.
    static let databaseAdvice: StaticString =
        "reads still work, but writes fail, or could reuse pages still in use. `ledgerline export` still reads the whole log: import its output into a new, empty store (`ledgerline --data NEW import FILE`) and use that one instead (`backup` refuses a store in this state, since a copy would carry the damage)"

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("anchor"),
        help: ArgumentHelp("A head kept from an earlier verify: the event at SEQ must still be sealed by HASH (repeat for several).", valueName: "SEQ:HASH"))
    var anchors: [String] = []
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        _ = try parsedAnchors()
    }

    /// The `--anchor`s; a malformed one is a usage error, found before the store opens.
    func parsedAnchors() throws(ValidationError) -> [ChainAnchor] {
        var parsed: [ChainAnchor] = []
        for text in anchors {
            guard let anchor = ChainAnchor(parsing: text) else {
                throw ValidationError(
                    "--anchor \"\(text.prefix(80))\" is not \(ChainAnchor.formatHint)" + (ChainAnchor.flaw(in: text).map { "; \($0)" } ?? ""))
            }
            parsed.append(anchor)
        }
        return parsed
    }

    func run() async throws {
        try await CommandErrors.run {
            let anchors = try parsedAnchors()
            let store = try global.openStore()
            defer { store.close() }
            let bar = ProgressBar()
            // A file with damaged B-tree pages can make LMDB end the process; it then
            // still says how far the chain held.
            DamagedPagesReport.installForVerify(json: json)
            DamagedPagesReport.head.store(try store.head().position.rawValue, ordering: .relaxed)
            let report = try store.verify(
                progress: { done, total in
                    DamagedPagesReport.verifiedThrough.store(done.rawValue, ordering: .relaxed)
                    DamagedPagesReport.head.store(total.rawValue, ordering: .relaxed)
                    if done.rawValue % 65_536 == 0 || done == total {
                        bar.update(label: "verifying", done: Int(done.rawValue), total: Int(total.rawValue), detail: "\(Int(done.rawValue).grouped) events")
                    }
                },
                walkingIndex: { index in DamagedPagesReport.index.store(index.rawValue, ordering: .relaxed) })
            bar.finish()
            // An anchor vouches for what comes before it only through an intact chain.
            var anchorProblem: String?
            if report.isIntact && report.indexProblem == nil {
                for anchor in anchors where anchorProblem == nil { anchorProblem = try store.problem(with: anchor) }
            }
            if json {
                let value: JSONValue = [
                    "intact": .bool(report.isIntact),
                    "verified": .number(JSONNumber(report.verifiedEvents)),
                    "head": .number(JSONNumber(report.head.position.rawValue)),
                    "headHash": .string(report.head.hash.description),
                    "firstBadPosition": report.firstBadPosition.map { .number(JSONNumber($0.rawValue)) } ?? .null,
                    "problem": report.problem.map { .string($0) } ?? .null,
                    "indexProblem": report.indexProblem.map { .string($0) } ?? .null,
                    "databaseProblem": report.databaseProblem.map { .string($0) } ?? .null,
                    // The head to keep for a later `verify --anchor`, as the text output's
                    // `anchor:` line gives it; only a log that verified vouches for it.
                    "anchor": report.isIntact && report.head.position > .start
                        ? .string(ChainAnchor(position: report.head.position, hash: report.head.hash).description) : .null,
                    "anchors": .number(JSONNumber(Int64(anchors.count))),
                    "anchorProblem": anchorProblem.map { .string($0) } ?? .null,
                ]
                Output.line(value.description)
                Output.flush()
            }
            if let bad = report.firstBadPosition {
                throw EventLogError(.corrupted, "the chain breaks at position \(bad): \(report.problem ?? "mismatch"); \(report.verifiedEvents.counted("event")) before it verified")
            }
            if let problem = report.indexProblem {
                throw EventLogError(
                    .corrupted,
                    "the chain holds (\(report.verifiedEvents.counted("event")) verified), but \(problem); reads by id, stream or type may be wrong. "
                        + "`ledgerline export` and an `import` of it into an empty store rebuild the indexes from the log")
            }
            if let problem = report.databaseProblem {
                throw EventLogError(
                    .corrupted,
                    "the chain and the indexes hold (\(report.verifiedEvents.counted("event")) verified), but \(problem); \(Self.databaseAdvice)")
            }
            if let problem = anchorProblem {
                throw EventLogError(.corrupted, "the chain holds (\(report.verifiedEvents.counted("event")) verified), but \(problem)")
            }
            if !json {
                let anchored = anchors.isEmpty ? "" : ", \(anchors.count == 1 ? "the anchor holds" : "all \(anchors.count) anchors hold")"
                Output.line("intact: \(report.verifiedEvents.counted("event")) verified\(anchored), head \(report.head.position.rawValue.formatted()) sealed by \(report.head.hash)")
                if report.head.position > .start {
                    Output.line("anchor: \(ChainAnchor(position: report.head.position, hash: report.head.hash)) (keep it elsewhere; `verify --anchor` checks the log still holds it)")
                }
                Output.flush()
            }
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log as JSON Lines that `import` restores exactly.",
        discussion: """
            Every envelope is written whole, recordedAt and hash included. Importing the \
            output into an empty store gives the same positions and the same head hash: \
            a backup you can restore. The export ends at the head the log had when it \
            began: events appended meanwhile are left for the next `export --from`, so \
            it ends even while writers go on. A --from one past the head exports \
            nothing, silently (nothing new since the last export); further on, it says \
            where the log ends.

            Example:
              ledgerline export > backup.jsonl
              ledgerline --data ./restored import backup.jsonl
            """)

    @OptionGroup var global: GlobalOptions
    // Signed, so that `--from -1` is refused saying what --from takes.
    @Option(help: "Start at this position (inclusive).") var from: Int64 = 1

    func validate() throws {
        if from < 0 { throw ValidationError("--from must be a position, 0 or more: \(from)") }
    }

    func run() async throws {
        try await CommandErrors.run {
            let store = try global.openStore()
            defer { store.close() }
            // The head when the export began is where it ends: pages read later would
            // take in what writers appended meanwhile, so an export to a slow reader
            // would not be the log at any one moment, and under a writer faster than
            // the export it would never end. Positions up to the head never change.
            let head = try store.head().position
            var position = LogPosition(UInt64(max(from, 1)))
            var writer = JSONWriter(reservingCapacity: 1024)
            while position <= head {
                let page = try store.read(from: position, direction: .forward, limit: 4096)
                for event in page where event.position <= head {
                    writer.bytes.removeAll(keepingCapacity: true)
                    event.writeJSONLine(to: &writer)
                    Output.line(writer.bytes)
                }
                guard let last = page.last else { break }
                position = last.position.next
            }
            Output.flush()
            // --from just past the head is the next export of an incremental backup, with
            // nothing new yet; further on, it skips positions that will come, a likely slip.
            if from > 1, UInt64(from) > head.rawValue &+ 1 {
                Output.error(
                    "ledgerline: nothing exported: the log's head is \(head.rawValue), so --from \(from) is past its end "
                        + "(the next export of new events starts at --from \(head.rawValue + 1))")
            }
        }
    }
}
