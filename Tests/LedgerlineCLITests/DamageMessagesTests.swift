import EventLog
import Foundation
import JSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What commands say about a store they cannot use: damage in LMDB's own pages, a
/// file that is not LMDB's, a permission missing, an interrupted backup. Each must say
/// what is wrong, where, and what to do, in one line, and never send `verify` back to
/// itself.
@Suite struct DamageMessagesTests {
    /// A closed store of `batches` appends of `perBatch` small events each, in a
    /// scratch folder. Appends in several transactions leave pages on LMDB's free list.
    private func store(batches: Int = 1, perBatch: Int) async throws -> Scratch {
        let scratch = Scratch()
        var options = LMDBEventStore.Options()
        options.sync = false
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
        for batch in 0..<batches {
            _ = try await store.append(try (0..<perBatch).map { n in
                ProposedEvent(
                    stream: try #require(StreamName("customer-\((batch * perBatch + n) % 53)")), type: "CallLogged",
                    data: ["n": .number(JSONNumber(batch * perBatch + n))])
            })
        }
        store.close()
        return scratch
    }

    private func dataFile(_ scratch: Scratch) -> URL { URL(fileURLWithPath: scratch.data).appendingPathComponent("data.mdb") }

    // MARK: - The free-page list

    /// Makes the first entry of the free-page list list page
    /// 4294967295, far past the file's end; returns the entry's transaction id.
    private func listPagePastTheEnd(_ scratch: Scratch) throws -> UInt64 {
        var file = try LMDBFile(dataFile(scratch))
        let root = file.freeRoot
        try #require(root != LMDBFile.noPage && file.flags(root) == 2, "the free-page list is not one leaf")
        // The first entry: a node header of 8 bytes, the 8-byte transaction id, then
        // the count and the pages.
        let entry = file.node(root, 0)
        let id = file.u64(entry + 8)
        file.setU64(entry + 24, 0xFFFF_FFFF)
        try file.write()
        return id
    }

    @Test func aFreePageListLMDBCannotReadIsNamedByVerify() async throws {
        let scratch = try await store(batches: 20, perBatch: 50)
        defer { scratch.cleanup() }
        var file = try LMDBFile(dataFile(scratch))
        try #require(file.freeRoot != LMDBFile.noPage, "the free-page list is empty")
        file.zero(page: file.freeRoot)
        try file.write()

        let result = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ledgerline: the chain and the indexes hold (1,000 events verified), but the pages of LMDB's free-page list are damaged: "
                + "LMDB cannot read them (MDB_CORRUPTED: Located page was wrong type); reads still work, but writes fail, or could reuse pages still in use. "
                + "`ledgerline export` still reads the whole log: import its output into a new, empty store (`ledgerline --data NEW import FILE`) "
                + "and use that one instead (`backup` refuses a store in this state, since a copy would carry the damage)\n")
        let json = try JSONParser.parse(Array(try await CLI.run(["--data", scratch.data, "verify", "--json"]).stdout.utf8))
        #expect(json["intact"] == .bool(false))
        #expect(json["databaseProblem"]?.stringValue?.hasPrefix("the pages of LMDB's free-page list are damaged") == true)

        // What the advice promises: the export holds the whole log.
        let export = try await CLI.run(["--data", scratch.data, "export"])
        #expect(export.status == 0)
        #expect(export.stdout.split(separator: "\n").count == 1_000)
    }

    /// A plain copy would carry the damaged pages as they are and a compact one reads
    /// them to count what it leaves out: `backup` refuses both before writing anything.
    @Test(arguments: [false, true]) func backupRefusesAStoreWhoseFreePageListIsDamaged(compact: Bool) async throws {
        let scratch = try await store(batches: 20, perBatch: 50)
        defer { scratch.cleanup() }
        _ = try listPagePastTheEnd(scratch)
        let target = scratch.url.appendingPathComponent("backup").path

        let result = try await CLI.run(["--data", scratch.data, "backup", target] + (compact ? ["--compact"] : []))
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ledgerline: cannot back up \(scratch.data): LMDB's free-page list entry for transaction "), "\(result.stderr)")
        #expect(
            result.stderr.hasSuffix(
                ", and a copy would carry the damage; nothing was written. `ledgerline export` still reads the whole log: "
                    + "import its output into a new, empty store (`ledgerline --data NEW import FILE`) and back that one up\n"),
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target), "the backup folder was made")
    }

    @Test func aFreePageListEntryThatListsAPagePastTheEndIsNamedByVerify() async throws {
        let scratch = try await store(batches: 20, perBatch: 50)
        defer { scratch.cleanup() }
        let id = try listPagePastTheEnd(scratch)

        let result = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix(
                "ledgerline: the chain and the indexes hold (1,000 events verified), but LMDB's free-page list entry for transaction \(id) lists page 4294967295, "
                    + "past the last page in use ("),
            "\(result.stderr)")
        #expect(result.stderr.contains("; reads still work, but writes fail, or could reuse pages still in use."))
    }

    // MARK: - Damage no command can read past

    @Test func damageWhereTheStoreOpensAdvisesARestoreNotVerify() async throws {
        let scratch = try await store(perBatch: 100)
        defer { scratch.cleanup() }
        var file = try LMDBFile(dataFile(scratch))
        file.zero(page: file.mainRoot)
        try file.write()

        for command in ["verify", "stats"] {
            let result = try await CLI.run(["--data", scratch.data, command])
            #expect(result.status == 1)
            #expect(
                result.stderr
                    == "ledgerline: LMDB failed while opening the meta database: MDB_CORRUPTED: Located page was wrong type; "
                    + "data.mdb is damaged in the pages LMDB reads to open the store, so no command can read the store, `verify` included: "
                    + "restore data.mdb from a backup, or import an export of the store into a new one (`ledgerline --data NEW import FILE`)\n",
                "\(command): \(result.stderr)")
        }
    }

    /// What LMDB calls "not an LMDB file", and what that means for each way it comes about.
    @Test(arguments: [
        ("random", "does not begin with LMDB's two meta pages: it is not a store's data file, or its first pages were overwritten (LMDB: MDB_INVALID"),
        ("100 bytes", "is 100 bytes, shorter than the two 4,096-byte meta pages every LMDB file begins with"),
        ("one page", "is 4,096 bytes, shorter than the two 4,096-byte meta pages every LMDB file begins with"),
        ("first meta zeroed", "has a damaged first meta page (bytes 0–4,095): LMDB refuses a file when either of its two meta pages lacks its mark"),
        ("second meta zeroed", "has a damaged second meta page (bytes 4,096–8,191): LMDB refuses a file when either of its two meta pages lacks its mark"),
    ])
    func aLMDBFileLMDBCannotOpenSaysWhatItIsAndWhatToDo(damage: String, says: String) async throws {
        try #require(getpagesize() == 4096)
        let scratch = try await store(perBatch: 100)
        defer { scratch.cleanup() }
        let url = dataFile(scratch)
        var file = try LMDBFile(url)
        switch damage {
        case "random":
            var rng = SystemRandomNumberGenerator()
            file.bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case "100 bytes": file.bytes.removeLast(file.bytes.count - 100)
        case "one page": file.bytes.removeLast(file.bytes.count - 4096)
        case "first meta zeroed": file.zero(page: 0)
        default: file.zero(page: 1)
        }
        try Data(file.bytes).write(to: url)

        for command in ["verify", "export"] {
            let result = try await CLI.run(["--data", scratch.data, command])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("ledgerline: cannot open the store: \(url.path) \(says)"), "\(damage), \(command): \(result.stderr)")
            #expect(
                result.stderr.hasSuffix(
                    "; check that --data names the store's folder; if it does, restore data.mdb from a backup, or import an export of the store into a new one "
                        + "(`ledgerline --data NEW import FILE`)\n"),
                "\(damage), \(command): \(result.stderr)")
        }
    }

    // MARK: - A damaged key

    @Test func aRecordKeyThatIsNoPositionIsNamedByTheLastGoodPosition() async throws {
        let scratch = try await store(perBatch: 2_000)
        defer { scratch.cleanup() }
        var file = try LMDBFile(dataFile(scratch))
        // A leaf of the log past its first: 8-byte keys in sequence.
        let leaf = try #require(
            (2..<file.pageCount).first { page in
                file.flags(page) == 2 && file.nodeCount(page) > 2 && file.keySize(page, 0) == 8 && file.u64(file.node(page, 0) + 8) > 100
                    && file.u64(file.node(page, 1) + 8) == file.u64(file.node(page, 0) + 8) + 1
            })
        let before = file.u64(file.node(leaf, 0) + 8)
        file.setU64(file.node(leaf, 1) + 8, 0x3453_6F2B_1A2C_9E81)
        try file.write()

        let export = try await CLI.run(["--data", scratch.data, "export"])
        #expect(export.status == 1)
        #expect(
            export.stderr
                == "ledgerline: the log reads well up to position \(before), but the next record's key is damaged (it reads \(UInt64(0x3453_6F2B_1A2C_9E81)), not \(before + 1)); "
                + "run `ledgerline verify` to see how far the log holds, then restore data.mdb from a backup or an export\n")
    }

    // MARK: - Permissions

    static let nobody: UInt32 = 65_534

    @Test(.enabled(if: CLI.canRunAsAnotherUser, "needs root and setpriv, to run the command as nobody"))
    func aFolderTheUserMayNotEnterIsNotReportedMissing() async throws {
        let scratch = try await store(perBatch: 10)
        defer { scratch.cleanup() }
        #expect(chmod(scratch.url.path, 0o755) == 0)
        #expect(chmod(scratch.data, 0o000) == 0)
        let result = try await CLI.run(["--data", scratch.data, "stats", "--json"], user: Self.nobody)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ledgerline: permission denied on \(scratch.data): this user (nobody, uid 65534) may not enter it (owner root, mode 0000), "
                + "so the store in \(scratch.data) cannot be read; run as a user who may, or give this one search permission on it (`chmod` or `chown`)\n")
    }

    @Test(.enabled(if: CLI.canRunAsAnotherUser, "needs root and setpriv, to run the command as nobody"))
    func aLockFileTheUserMayNotWriteIsNamedEvenForAReadOnlyCommand() async throws {
        let scratch = try await store(perBatch: 10)
        defer { scratch.cleanup() }
        #expect(chmod(scratch.url.path, 0o755) == 0)
        #expect(chmod(scratch.data, 0o755) == 0)
        let lock = URL(fileURLWithPath: scratch.data).appendingPathComponent("lock.mdb").path
        #expect(chmod(lock, 0o644) == 0)
        #expect(chmod(dataFile(scratch).path, 0o666) == 0)
        let result = try await CLI.run(["--data", scratch.data, "stats", "--json"], user: Self.nobody)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ledgerline: permission denied on \(lock): this user (nobody, uid 65534) may not write it (owner root, mode 0644); "
                + "every command, even one that only reads, opens lock.mdb and data.mdb for reading and writing (LMDB keeps its table of readers in lock.mdb): "
                + "run as the store's owner, or give this user read and write permission on both files (`chmod` or `chown`)\n")

        #expect(chmod(lock, 0o666) == 0)
        #expect(try await CLI.run(["--data", scratch.data, "stats", "--json"], user: Self.nobody).status == 0)
    }

    // MARK: - An interrupted backup

    @Test func anInterruptedBackupsPartialCopyIsNamedAndWrittenOver() async throws {
        let scratch = try await store(perBatch: 20)
        defer { scratch.cleanup() }
        let target = scratch.url.appendingPathComponent("backup")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let partial = target.appendingPathComponent("data.mdb.partial")
        try Data(repeating: 0xAB, count: 100_000).write(to: partial)

        let verify = try await CLI.run(["--data", target.path, "verify"])
        #expect(verify.status == 69)
        #expect(
            verify.stderr
                == "ledgerline: there is no event store in \(target.path), only data.mdb.partial, the unfinished copy of a `ledgerline backup` that was interrupted "
                + "(the store it copied is unaffected): run the backup into this folder again, which starts the copy over, or delete the file\n")

        // A backup still writing holds the lock on its file: that one is left alone.
        let fd = open(partial.path, O_RDONLY)
        #expect(flock(fd, LOCK_EX) == 0)
        let refused = try await CLI.run(["--data", scratch.data, "backup", target.path])
        close(fd)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "ledgerline: cannot back up to \(target.path): another `ledgerline backup` is writing into it now (it holds the lock on data.mdb.partial); "
                + "wait for that one to finish, or name another folder\n")
        #expect(try Data(contentsOf: partial) == Data(repeating: 0xAB, count: 100_000))

        let backup = try await CLI.run(["--data", scratch.data, "backup", target.path, "--verify"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        #expect(try await CLI.run(["--data", target.path, "verify"]).stdout.hasPrefix("intact: 20 events verified"))

        // Beside anything else, the partial copy is named, and not written over.
        let other = scratch.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data([1]).write(to: other.appendingPathComponent("data.mdb.partial"))
        try Data([2]).write(to: other.appendingPathComponent("notes.txt"))
        let crowded = try await CLI.run(["--data", scratch.data, "backup", other.path])
        #expect(crowded.status == 1)
        #expect(crowded.stderr.hasSuffix("(data.mdb.partial is the unfinished copy of an interrupted backup, and may be deleted)\n"), "\(crowded.stderr)")
    }
}
