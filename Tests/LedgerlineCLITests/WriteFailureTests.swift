import Foundation
import JSON
import Testing

/// Writes the system refuses: a scratch file or the store's `data.mdb` that reaches the
/// file size limit (`ulimit -f`), which the CLI meets as `EFBIG` (it ignores SIGXFSZ).
/// A full disk takes the same paths; `WriteFailureAdviceTests` covers what each
/// says.
@Suite struct WriteFailureTests {
    /// 5,000 small orders, each in a stream of its own, so the store (its indexes
    /// most of all) grows larger than the import's spool.
    static let lines: String = (0..<5_000).map { i in
        #"{"stream":"customer-\#((i &* 7_919) % 100_003)","type":"OrderPlaced","data":{"orderId":"O-\#(i)","customerId":"C\#(i)","quantity":1,"amount":"\#(i).50","currency":"USD"}}"#
    }.joined(separator: "\n") + "\n"

    private func stats(_ data: String) async throws -> (events: Int, fileBytes: Int) {
        let result = try await CLI.run(["--data", data, "stats", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let stats = try JSONParser.parse(result.stdout)
        return (stats["events"]?.numberValue?.int64Value.map(Int.init) ?? -1, stats["fileBytes"]?.numberValue?.int64Value.map(Int.init) ?? -1)
    }

    /// The check pass cannot write its spool: the message names the folder, the
    /// limit and the room the spool needs; nothing is appended, and no scratch file is
    /// left behind.
    @Test func aSpoolPastTheFileSizeLimitIsRefusedBeforeAnythingIsAppended() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("orders.jsonl", Self.lines)
        try #require(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let result = try await CLI.run(["--data", scratch.data, "import", file], fileSizeLimit: 200_000)
        // A failure of the disk, not of the file's lines (65): those are fine.
        #expect(result.status == 1)
        #expect(result.stderr.contains("ledgerline: \(file): cannot write the import's scratch file in \(scratch.data) "), "\(result.stderr)")
        #expect(result.stderr.contains("File too large; the scratch file reached the largest file this process may write (`ulimit -f`, 200 KB)"), "\(result.stderr)")
        #expect(result.stderr.contains("1.5 to 3 times the file's"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was appended; run the import again once that is fixed"), "\(result.stderr)")
        #expect(try await stats(scratch.data).events == 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.data).filter { $0.hasPrefix(".ledgerline-") }
        #expect(left.isEmpty, "\(left)")
    }

    /// A commit that cannot write its pages: the batches before it stay, the chain
    /// holds, the message names `data.mdb` and the limit and says the commit left
    /// nothing; the same import without the limit then appends only the rest.
    @Test func aCommitPastTheFileSizeLimitKeepsTheStoreAsItWas() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("orders.jsonl", Self.lines)
        // How large the store grows with all 5,000 events: the limit is set below that,
        // above the spool (which is smaller: see `lines`).
        let reference = scratch.url.appendingPathComponent("reference").path
        let whole = try await CLI.run(["--data", reference, "import", file, "--batch-size", "500"])
        try #require(whole.status == 0, "\(whole.stderr)")
        let fullSize = try await stats(reference).fileBytes
        let limit = fullSize * 85 / 100

        try #require(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let result = try await CLI.run(["--data", scratch.data, "import", file, "--batch-size", "500"], fileSizeLimit: limit)
        #expect(result.status == 1)
        let dataFile = URL(fileURLWithPath: scratch.data).appendingPathComponent("data.mdb").path
        #expect(result.stderr.contains("failed: LMDB failed while committing to \(dataFile): Input/output error; nothing of this commit was kept; "), "\(result.stderr)")
        #expect(result.stderr.contains("data.mdb reached the largest file this process may write (`ulimit -f`"), "\(result.stderr)")
        #expect(result.stderr.contains("were appended before this; run the same import again once that is fixed"), "\(result.stderr)")
        let kept = try await stats(scratch.data).events
        // Whole batches only: the events before the batch that failed.
        #expect(kept > 0 && kept < 5_000)
        #expect(result.stderr.contains("appending lines \(kept + 1)–"), "\(kept) kept: \(result.stderr)")
        #expect(result.stderr.contains(": \(kept) events were appended before this"), "\(result.stderr)")
        let verify = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")

        let again = try await CLI.run(["--data", scratch.data, "import", file, "--batch-size", "500", "--json"])
        try #require(again.status == 0, "\(again.stderr)")
        let summary = try JSONParser.parse(again.stdout)
        #expect(summary["appended"]?.numberValue?.int64Value == Int64(5_000 - kept))
        #expect(summary["duplicates"]?.numberValue?.int64Value == Int64(kept))
        #expect(try await stats(scratch.data).events == 5_000)
    }

    /// Standard output that cannot be written — a full disk (`/dev/full`), the file
    /// size limit — ends `export` with exit 74 and a line saying the output is
    /// incomplete, never status 0 and half a backup. So for every command printing
    /// through the CLI's buffer, and for the few lines `print` writes.
    @Test(arguments: [
        ("export > /dev/full", "No space left on device; what was printed is incomplete; free space where the output goes"),
        ("export > \"$1/export.jsonl\"", "File too large; what was printed is incomplete; the output reached the largest file this process may write"),
        ("stats > /dev/full", "No space left on device; what was printed is incomplete"),
        ("schemas list > /dev/full", "No space left on device; what was printed is incomplete"),
    ])
    func outputThatCannotBeWrittenEndsTheCommandWithExit74(command: String, message: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("orders.jsonl", Self.lines)
        try #require(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // $0 is the executable, $1 the scratch folder; the export of 5,000 events is
        // about 1.5 MB, over the 100 KB limit.
        process.arguments = ["-c", "LEDGERLINE_DATA=\"$1/store\" exec /usr/bin/prlimit --fsize=100000 \"$0\" \(command)", try CLI.requireExecutable().path, scratch.url.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74, "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(stderr.hasPrefix("ledgerline: cannot write standard output: \(message)"), "\(stderr)")
    }

    /// When the change is made before its report cannot be written, "run the command
    /// again" would make it twice: a second `append` stores the event again. The line
    /// says what was done instead, and how to repeat an append safely (with its id).
    @Test func aChangeMadeBeforeItsReportFailedIsSaidToBeMade() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("orders.jsonl", Self.lines)
        try #require(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        func run(_ command: String) async throws -> CLI.Outcome {
            try await CLI.runShell(#"ledgerline --data "$D" "# + command + " > /dev/full", directory: scratch.url, environment: ["D": scratch.data])
        }

        let appended = try await run("append --stream customer-9 --type ContactCreated --data '{\"customerId\":\"9\"}'")
        #expect(appended.status == 74)
        #expect(appended.stderr.split(separator: "\n").count == 1, "\(appended.stderr)")
        #expect(appended.stderr.hasPrefix("ledgerline: cannot write standard output: No space left on device; event "), "\(appended.stderr)")
        #expect(appended.stderr.contains(" was appended at position 5001 (customer-9 version 1): do not append it again, or give --id "), "\(appended.stderr)")
        #expect(appended.stderr.hasSuffix("; only the report of it is incomplete\n"), "\(appended.stderr)")
        #expect(!appended.stderr.contains("run the command again"))
        #expect(try await stats(scratch.data).events == 5_001)

        // The id the line names makes the second append find the event stored.
        let afterEvent = try #require(appended.stderr.range(of: "; event ")).upperBound
        let id = appended.stderr[afterEvent...].prefix { $0 != " " }
        #expect(id.count == 36, "\(id)")
        let again = try await run("append --stream customer-9 --type ContactCreated --data '{\"customerId\":\"9\"}' --id \(id)")
        #expect(again.status == 74)
        #expect(again.stderr.contains("event \(id) was stored already, at position 5001; nothing was appended"), "\(again.stderr)")
        #expect(try await stats(scratch.data).events == 5_001)

        let backup = try await run("backup copy")
        #expect(backup.status == 74)
        #expect(backup.stderr.contains("; the backup in \(scratch.url.path)/copy is complete (5,001 events, head sealed by "), "\(backup.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.url.path + "/copy/data.mdb"))
    }
}
