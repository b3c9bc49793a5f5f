import EventLog
import Foundation
import JSON
import Testing

/// Damage to LMDB's own B-tree pages, which the hash chain does not cover: `verify`
/// must name how far the log holds whether LMDB reports the damage as an error or
/// stops the process on it.
@Suite struct DamagedPagesTests {
    /// 1,500 events of about 1.5 KB: two records fill a leaf, so the log's tree has a
    /// root over several branch pages, and the id index has a branch page too.
    static let events = 1_500

    /// A store of ``events`` events in a scratch folder, closed, then damaged on disk by
    /// `damage`, which edits the file's pages and returns what the test needs to know
    /// about the damage (the first position it cuts off, say).
    private func damagedStore<T>(_ damage: (inout LMDBFile) throws -> T) async throws -> (Scratch, T) {
        let scratch = Scratch()
        let directory = URL(fileURLWithPath: scratch.data)
        let store = try LMDBEventStore(directory: directory)
        let padding = String(repeating: "notes on the call; ", count: 78)
        // One transaction, so the file holds no stale copies of pages that an earlier
        // one replaced: every branch page found below is in use.
        _ = try await store.append(try (0..<Self.events).map { n in
            ProposedEvent(
                stream: try #require(StreamName("customer-\(n % 97)")), type: n % 3 == 0 ? "CallLogged" : "EmailSent",
                data: ["n": .number(JSONNumber(n)), "notes": .string(padding)])
        })
        store.close()
        var file = try LMDBFile(directory.appendingPathComponent("data.mdb"))
        let found = try damage(&file)
        try file.write()
        return (scratch, found)
    }

    /// `ledgerline verify` on the damaged store, as text and as JSON: both must end
    /// with verify's own exit code for damage, not a signal.
    private func verifyDamaged(_ scratch: Scratch) async throws -> (stderr: String, report: JSONValue) {
        let text = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(text.status == 1, "verify must end with its own exit code, not a signal: \(text.stderr)")
        let json = try await CLI.run(["--data", scratch.data, "verify", "--json"])
        #expect(json.status == 1, "\(json.stderr)")
        return (text.stderr, try JSONParser.parse(Array(json.stdout.utf8)))
    }

    /// What the report must say stopped the process, from what LMDB printed itself: the
    /// message of the assertion it failed before it aborted (`mdb.c:LINE: Assertion '…'
    /// failed in …()`), else a fault.
    private func lmdbReasons(_ stderr: String) -> [String] {
        let printed = stderr.split(separator: "\n").first { $0.contains(": Assertion '") && !$0.hasPrefix("ledgerline:") }
        return printed.map { ["assertion failed: \($0))"] } ?? ["(a segmentation fault)", "(a bus error)"]
    }

    @Test func aBranchPageLMDBCrashesOnIsReportedWithThePositionWhereTheChainStops() async throws {
        let (scratch, firstPosition) = try await damagedStore { file in
            let (page, firstPosition) = try file.logSubtree(2)
            file.zero(page: page)
            return firstPosition
        }
        defer { scratch.cleanup() }

        // LMDB fails one of its assertions (or faults) walking into the zeroed page.
        let (stderr, report) = try await verifyDamaged(scratch)
        #expect(stderr.contains("ledgerline: the chain breaks at position \(firstPosition): the file's pages are damaged: LMDB stopped the process ("))
        #expect(stderr.contains("reading past position \(firstPosition - 1); \((firstPosition - 1).formatted()) events before it verified. Restore data.mdb"))
        // An abort quotes the assertion LMDB failed, in the text and in the JSON.
        let reasons = lmdbReasons(stderr)
        #expect(reasons.contains { stderr.contains($0) }, "\(stderr)")
        #expect(reasons.contains { report["problem"]?.stringValue?.contains($0) == true }, "\(report)")
        #expect(report["intact"] == .bool(false))
        #expect(report["verified"]?.numberValue?.int64Value == Int64(firstPosition - 1))
        #expect(report["firstBadPosition"]?.numberValue?.int64Value == Int64(firstPosition))
        #expect(report["head"]?.numberValue?.int64Value == Int64(Self.events))
        #expect(report["problem"]?.stringValue?.hasPrefix("the file's pages are damaged: LMDB stopped the process") == true)
        #expect(report["indexProblem"] == .null)
    }

    @Test func aBranchPageWhoseChildrenAreNotThereIsReportedAtTheFirstUnreachablePosition() async throws {
        let (scratch, firstPosition) = try await damagedStore { file in
            let (page, firstPosition) = try file.logSubtree(2)
            file.pointChildrenOutside(page: page)
            return firstPosition
        }
        defer { scratch.cleanup() }

        var options = LMDBEventStore.Options()
        options.create = false
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(report.firstBadPosition == LogPosition(firstPosition))
        #expect(report.verifiedEvents == firstPosition - 1)
        #expect(report.problem == "the file's pages are damaged: LMDB cannot read past position \(firstPosition - 1) (MDB_PAGE_NOTFOUND: Requested page not found)")
    }

    @Test func anIndexPageLMDBCrashesOnIsReportedAfterTheWholeChainVerified() async throws {
        // A node of the id index marked as holding duplicates: the id index has none,
        // so LMDB follows a cursor for them that does not exist.
        let (scratch, _) = try await damagedStore { file in file.setNodeFlags(page: try file.firstIdLeaf(), node: 0, flags: 0x04) }
        defer { scratch.cleanup() }

        let (stderr, report) = try await verifyDamaged(scratch)
        #expect(stderr.contains("ledgerline: the chain holds (1,500 events verified), but the id index's pages are damaged: LMDB stopped the process ("))
        #expect(stderr.contains("`ledgerline export` and an `import` of it into an empty store rebuild the indexes from the log"))
        #expect(report["verified"]?.numberValue?.int64Value == Int64(Self.events))
        #expect(report["firstBadPosition"] == .null)
        #expect(report["indexProblem"]?.stringValue?.hasPrefix("the id index's pages are damaged: LMDB stopped the process (") == true)
    }

    /// A stream index entry shorter than the 8 bytes of a position (a damaged node's
    /// size) is refused with one line by the commands that read it, where reading it
    /// used to trap (SIGILL, a crash report), and named by `verify`.
    @Test func aStreamIndexEntryShorterThanAPositionIsOneLineNotATrap() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let directory = URL(fileURLWithPath: scratch.data)
        let store = try LMDBEventStore(directory: directory)
        // One event per stream: each stream's one position is stored in its node.
        _ = try await store.append(try (0..<50).map { n in
            ProposedEvent(stream: try #require(StreamName("customer-\(n)")), type: "CallLogged", data: ["n": .number(JSONNumber(n))])
        })
        store.close()
        var file = try LMDBFile(directory.appendingPathComponent("data.mdb"))
        let leaf = try #require(
            (0..<file.pageCount).first { page in
                file.flags(page) == 2 && file.nodeCount(page) > 0
                    && file.bytes[(file.node(page, 0) + 8)..<(file.node(page, 0) + 17)].elementsEqual("customer-".utf8)
            }, "no leaf page of the stream index")
        let node = file.node(leaf, 0)
        try #require(file.u16(node) == 8 && file.u16(node + 4) == 0, "the first stream's position is not stored in its node")
        file.bytes[node] = 3
        try file.write()

        let line = "ledgerline: the store is damaged: an index entry is 3 bytes where a position takes 8; run `ledgerline verify` to see where, "
            + "then restore data.mdb from a backup or an export\n"
        for arguments in [["streams"], ["read", "--stream", "customer-0"]] {
            let result = try await CLI.run(["--data", scratch.data] + arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr == line, "\(arguments)")
        }
        let (stderr, _) = try await verifyDamaged(scratch)
        #expect(stderr.contains("the stream index lists an entry of 3 bytes for customer-0, not 8"), "\(stderr)")
    }

    @Test func anIndexPageOfTheWrongKindIsAnIndexProblemNamingTheIndex() async throws {
        let (scratch, _) = try await damagedStore { file in file.zero(page: try file.idBranch()) }
        defer { scratch.cleanup() }

        // A command that meets the damage as an error says what to do about it.
        let append = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactCreated", "--data", #"{"customerId":"9","email":"zoe@example.com"}"#,
        ])
        #expect(append.status == 1)
        #expect(
            append.stderr
                == "ledgerline: LMDB failed while reading a key: MDB_CORRUPTED: Located page was wrong type; "
                + "data.mdb is damaged: `ledgerline verify` finds where, and a backup or an export restores it\n")

        let (stderr, report) = try await verifyDamaged(scratch)
        #expect(report["indexProblem"]?.stringValue?.hasPrefix("the id index's pages are damaged") == true)
        #expect(
            stderr.contains(
                "the chain holds (1,500 events verified), but the id index's pages are damaged: LMDB cannot read them (MDB_CORRUPTED: Located page was wrong type)"))
    }

    @Test func otherCommandsLMDBCrashesOnSayToRunVerifyOnTheStore() async throws {
        let (scratch, _) = try await damagedStore { file in file.zero(page: try file.logSubtree(2).page) }
        defer { scratch.cleanup() }
        // A folder name the shell would split, so the advice must quote it to be pasted.
        let folder = scratch.url.appendingPathComponent("the store").path
        try FileManager.default.moveItem(atPath: scratch.data, toPath: folder)

        for command in [["read", "--limit", "\(Self.events)"], ["export"], ["read", "--backward", "--from", "\(Self.events)", "--limit", "\(Self.events)"]] {
            let result = try await CLI.run(["--data", folder] + command)
            #expect(result.status == 1, "\(command) must end with exit 1, not a signal: \(result.stderr)")
            #expect(result.stderr.contains("ledgerline: the process stopped ("), "\(command): \(result.stderr)")
            #expect(lmdbReasons(result.stderr).contains { result.stderr.contains($0) }, "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains(
                    ") while reading the store in '\(folder)'. LMDB stops a process like this when data.mdb's pages are damaged: "
                        + "run `ledgerline --data '\(folder)' verify` to find where the log breaks, then restore data.mdb from a backup or an export."),
                "\(command): \(result.stderr)")
        }

        // Asked for, the crash goes to Swift's own reporter, as any other crash does.
        let reported = try await CLI.run(["--data", folder, "export"], environment: ["LEDGERLINE_CRASH_REPORT": "1", "SWIFT_BACKTRACE": "enable=no"])
        #expect(reported.status != 0 && reported.status != 1, "\(reported.stderr)")
        #expect(!reported.stderr.contains("the process stopped"))
    }

    @Test func anAbortThatIsNotOneOfLMDBsAssertionsIsNotBlamedOnTheStore() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        // A real abort, with the store open and its report installed; LMDB asserted nothing.
        let result = try await CLI.run(["--data", scratch.data, "debug", "abort"])
        #expect(result.status == 1, "it must end with exit 1, not a signal: \(result.stderr)")
        #expect(
            result.stderr.hasSuffix(
                "\nledgerline: the process aborted, not on one of LMDB's assertions, while it had the store in \(scratch.data) open. "
                    + "Nothing says the store is damaged: this is a bug in ledgerline. Run the command again with LEDGERLINE_CRASH_REPORT=1 "
                    + "for a crash report; `ledgerline --data \(scratch.data) verify` checks the store\n"),
            "\(result.stderr)")
        #expect(!result.stderr.contains("pages are damaged"))
        #expect(!result.stderr.contains("LMDB stops"))
    }
}
