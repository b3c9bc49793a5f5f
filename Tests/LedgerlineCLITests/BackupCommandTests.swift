import Foundation
import JSON
import Testing

@Suite struct BackupCommandTests {
    @Test func aBackupIsAStoreOfItsOwnWithTheSameHead() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (1...50).map { n in #"{"stream":"customer-\#(n % 7)","type":"ContactCreated","data":{"customerId":"\#(n)","email":"c\#(n)@example.com"}}"# }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        let copy = scratch.url.appendingPathComponent("backups/monday").path

        let backup = try await CLI.run(["--data", scratch.data, "backup", copy, "--verify", "--json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let summary = try JSONParser.parse(Array(backup.stdout.utf8))
        #expect(summary["head"]?.numberValue?.int64Value == 50)
        #expect(summary["verified"]?.numberValue?.int64Value == 50)
        #expect(summary["compact"] == .bool(false))

        let original = try JSONParser.parse(Array(try await CLI.run(["--data", scratch.data, "stats", "--json"]).stdout.utf8))
        let copied = try JSONParser.parse(Array(try await CLI.run(["--data", copy, "stats", "--json"]).stdout.utf8))
        #expect(copied["headHash"] == original["headHash"])
        #expect(summary["headHash"] == original["headHash"])
        #expect(copied["streams"] == original["streams"])
        #expect(try await CLI.run(["--data", copy, "read", "--stream", "customer-3"]).stdout == (try await CLI.run(["--data", scratch.data, "read", "--stream", "customer-3"]).stdout))

        // The same folder again would overwrite the backup just taken.
        let again = try await CLI.run(["--data", scratch.data, "backup", copy])
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("ledgerline: cannot back up to \(URL(fileURLWithPath: copy).standardizedFileURL.path): the folder is not empty (it holds data.mdb and 1 more)"))

        let text = try await CLI.run(["--data", scratch.data, "backup", scratch.url.appendingPathComponent("tuesday").path, "--compact"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("backed up 50 events to "))
        #expect(text.stdout.contains("its head is sealed by \(original["headHash"]?.stringValue ?? "?")"))
    }

    /// A copy cut short by the file size limit used to say only "File too large".
    @Test func aBackupPastTheFileSizeLimitSaysWhichLimitAndLeavesNothing() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let copy = scratch.url.appendingPathComponent("copy")
        let outcome = try await CLI.run(["--data", scratch.data, "backup", copy.path], fileSizeLimit: 8_192)
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.hasPrefix(
                "ledgerline: backing up to \(copy.path) failed: File too large; the copy reached the largest file this process may write (`ulimit -f`, 8 KB): raise that limit"
            ), "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: copy.path))
    }

    /// A folder the user may not write in used to be refused with "Permission denied" alone.
    @Test(.enabled(if: CLI.canRunAsAnotherUser)) func aFolderTheUserMayNotWriteInSaysWhatToDo() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let closed = scratch.url.appendingPathComponent("closed")
        try FileManager.default.createDirectory(
            at: closed, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        for path in [scratch.url.path, scratch.data] { chmod(path, 0o777) }
        for file in (try FileManager.default.contentsOfDirectory(atPath: scratch.data)) {
            chmod(scratch.data + "/" + file, 0o666)
        }
        let outcome = try await CLI.run(["--data", scratch.data, "backup", closed.path], user: 65534)
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr
                == "ledgerline: permission denied on \(closed.path): this user (nobody, uid 65534) may not create data.mdb.partial in it (owner root, mode 0755); "
                + "name a folder this user may write in, or change its permissions\n")
    }

    /// An empty FOLDER would be the current folder, refused only because it held files.
    @Test func anEmptyFolderIsAUsageError() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let outcome = try await CLI.run(["--data", scratch.data, "backup", ""], directory: scratch.url)
        #expect(outcome.status == 64)
        #expect(
            outcome.stderr
                == "ledgerline: FOLDER is empty; name a new or empty folder for the copy; see `ledgerline backup --help`\n"
        )
    }

    /// `backup S/snap` used to write the copy inside the store's folder, where it is lost
    /// with the store; `backup S` was refused only because the folder was not empty.
    @Test(arguments: ["store", "store/snap", "store/a/../b"])
    func aFolderInsideTheStoresFolderIsRefusedAndNothingIsWritten(folder: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let parent = scratch.url.resolvingSymlinksInPath().path
        let data = parent + "/store"
        #expect(try await CLI.run(["--data", data, "init"]).status == 0)
        let target = URL(fileURLWithPath: parent + "/" + folder).standardizedFileURL.path
        let outcome = try await CLI.run(["--data", data, "backup", parent + "/" + folder])
        #expect(outcome.status == 1)
        let place = folder == "store" ? "it is the store's own folder" : "it is inside the store's folder \(data)"
        #expect(
            outcome.stderr
                == "ledgerline: cannot back up to \(target): \(place), where the copy would be lost with the store and copied along with it; "
                + "name a folder outside \(data)\n")
        #expect(outcome.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).sorted() == ["data.mdb", "lock.mdb"])
    }

    @Test func aBackupOfNoStoreSaysSo() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let outcome = try await CLI.run(["--data", scratch.data, "backup", scratch.url.appendingPathComponent("copy").path])
        #expect(outcome.status == 69)
        #expect(outcome.stderr.contains("there is no event store in"))
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("copy").path))
    }
}
