import Foundation
import JSON
import Testing

@Suite struct AppendCommandTests {
    @Test func appendPrintsPositionVersionAndId() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let id = "0190a8d2-4c1e-7b3a-9f00-1234567890ab"
        let args = ["--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactCreated",
                    "--data", #"{"customerId":"9","email":"zoe@example.com"}"#, "--id", id, "--actor", "user:ana"]
        let first = try await CLI.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let value = try JSONParser.parse(first.stdout)
        #expect(value["seq"] == 1)
        #expect(value["version"] == 1)
        #expect(value["id"] == .string(id))
        #expect(value["duplicate"] == false)
        let again = try JSONParser.parse(try await CLI.run(args).stdout)
        #expect(again["seq"] == 1)
        #expect(again["duplicate"] == true)
    }

    @Test(arguments: [
        (["--expected-version", "latest"], "--expected-version must be any, no-stream or a version number, not \"latest\""),
        (["--id", "123"], "--id is not a UUID: \"123\""),
        // The nil UUID used to be stored as an event's id.
        (
            ["--id", "00000000-0000-0000-0000-000000000000"],
            "--id is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id; give a real UUID, or leave --id out and one is made"
        ),
        (
            ["--correlation-id", "00000000-0000-0000-0000-000000000000"],
            "--correlation-id is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id and links this event to nothing; "
                + "give the id the events of one request or chain share, or leave --correlation-id out"
        ),
        (
            ["--causation-id", "00000000-0000-0000-0000-000000000000"],
            "--causation-id is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id and links this event to nothing; "
                + "give the id of the event that caused this one, or leave --causation-id out"
        ),
        (["--occurred-at", "2024-13-01T00:00:00Z"], "--occurred-at is not an RFC 3339 timestamp like 2026-11-25T14:03:00Z: \"2024-13-01T00:00:00Z\"; month 13 is out of range"),
        (["--occurred-at", "2024-03-01T09:30:00"], "--occurred-at is not an RFC 3339 timestamp like 2026-11-25T14:03:00Z: \"2024-03-01T09:30:00\"; it has no offset; add Z for UTC or one such as +02:00"),
        (["--occurred-at", "2024-03-01"], "--occurred-at is not an RFC 3339 timestamp like 2026-11-25T14:03:00Z: \"2024-03-01\"; it has a date but no time; add one and an offset, such as 2024-03-01T00:00:00Z"),
        (["--expected-version", "-1"], "--expected-version must be any, no-stream or a version number, not \"-1\"; give the version without a sign"),
        (["--expected-version", "+1"], "--expected-version must be any, no-stream or a version number, not \"+1\"; give the version without a sign"),
        (["--actor", "user:ana\nrule:forged@1"], "--actor: an actor may not contain control characters"),
    ])
    func badOptionsAreRefusedWithAReason(extra: [String], reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactCreated",
                                  "--data", #"{"customerId":"9","email":"zoe@example.com"}"#] + extra)
        // A usage error, as a malformed option of `read` is: it was 65, like bad data.
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("ledgerline: \(reason)"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("; see `ledgerline append --help`\n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.data), "nothing was written")
    }

    @Test func malformedPayloadIsRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactCreated", "--data", "{\"a\":"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("ledgerline: --data is not valid JSON at column 6: unexpected end of input"), "\(result.stderr)")
    }

    /// A payload can come from standard input (`--data -`) or a file (`--data @FILE`),
    /// which is how one larger than the system's 128 KiB limit on one argument is
    /// appended; `--metadata` sets the event's string map, read back as given.
    @Test func thePayloadComesFromAPipeOrAFileAndMetadataIsStored() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let base = ["--data", scratch.data, "append", "--type", "ContactCreated"]
        let piped = try await CLI.run(
            base + ["--stream", "customer-1", "--data", "-", "--metadata", #"{"source":"crm-sync","batch":"7"}"#],
            stdin: #"{"customerId":"1","email":"ana@example.com"}"#)
        #expect(piped.status == 0, "\(piped.stderr)")
        // 300 KB of notes: more than one argument may hold.
        let notes = String(repeating: "call back about the renewal; ", count: 10_000)
        let file = try scratch.file("payload.json", #"{"customerId":"2","email":"bo@example.com","custom":{"notes":"\#(notes)"}}"#)
        let filed = try await CLI.run(base + ["--stream", "customer-2", "--data", "@\(file)", "--metadata", "@\(try scratch.file("m.json", #"{"k":"v"}"#))"])
        #expect(filed.status == 0, "\(filed.stderr)")
        let read = try await CLI.run(["--data", scratch.data, "read"])
        let events = try read.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(events.count == 2)
        #expect(events.first?["metadata"] == ["batch": "7", "source": "crm-sync"])
        #expect(events.first?["data"]?["email"] == "ana@example.com")
        #expect(events.last?["data"]?["custom"]?["notes"] == .string(notes))
        #expect(events.last?["metadata"] == ["k": "v"])
    }

    /// Each way a payload or metadata argument can be wrong says what and where, and
    /// appends nothing (and leaves no new store behind).
    @Test(arguments: [
        (["--data", "@BAD"], "", 65, "--data @BAD is not valid JSON at line 2, column 11: unexpected '}', expected a value"),
        (["--data", "@missing.json"], "", 66, "cannot read --data @missing.json: no such file; give --data @FILE, a file holding one JSON object, or - for standard input"),
        (["--data", "-"], "[1, 2]", 65, "--data - (standard input) must be a JSON object, found an array"),
        (["--data", "{}", "--metadata", #"{"source":"crm","a/b":3}"#], "", 65, "--metadata values must be strings; \"a/b\" (at /a~1b) is an integer; quote it, or put structured values in --data"),
        (["--data", "{}", "--metadata", "[]"], "", 65, "--metadata must be a JSON object, found an array"),
        // Two keys to JSON, one to a Swift dictionary, which kept one key with the other's value.
        (["--data", "{}", "--metadata", "{\"\u{E9}\":\"a\",\"e\u{301}\":\"b\"}"], "", 65,
         "--metadata has the keys \"e\u{301}\" (U+0065 U+0301) and \"\u{E9}\" (U+00E9), one text in two Unicode forms; write both in one form (NFC) and merge them"),
        (["--data", "-", "--metadata", "-"], "{}", 64, "--data and --metadata cannot both read standard input; give one of them as @FILE or inline"),
    ] as [([String], String, Int32, String)])
    func aBadPayloadOrMetadataArgumentIsRefusedWithWhereItIsWrong(arguments: [String], stdin: String, status: Int32, reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let bad = try scratch.file("bad.json", "{\"customerId\":\"1\",\n \"email\": }")
        let given = arguments.map { $0 == "@BAD" ? "@\(bad)" : $0 }
        let result = try await CLI.run(
            ["--data", scratch.data, "append", "--stream", "customer-1", "--type", "ContactCreated"] + given, stdin: stdin, directory: scratch.url)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("ledgerline: \(reason.replacing("@BAD", with: "@\(bad)"))"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.data), "nothing was written")
    }

    /// A payload file is read as `import` reads a file: a UTF-8 byte-order mark is
    /// skipped, and a compressed file is named for what it is, with the command that
    /// unpacks it, not as "unexpected byte 0x1f".
    @Test func aPayloadFileWithAByteOrderMarkOrCompressedIsReadAsImportReadsIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let marked = scratch.url.appendingPathComponent("marked.json")
        try Data([0xEF, 0xBB, 0xBF] + Array(#"{"customerId":"1"}"#.utf8)).write(to: marked)
        let gzip = scratch.url.appendingPathComponent("payload.json.gz")
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]).write(to: gzip)
        let base = ["--data", scratch.data, "append", "--stream", "customer-1", "--type", "ContactCreated", "--data"]
        let read = try await CLI.run(base + ["@" + marked.path])
        #expect(read.status == 0, "\(read.stderr)")
        let compressed = try await CLI.run(base + ["@" + gzip.path])
        #expect(compressed.status == 65)
        #expect(
            compressed.stderr == "ledgerline: --data @\(gzip.path) is compressed with gzip (`gzip -dc \(gzip.path)` unpacks it), not a JSON object\n",
            "\(compressed.stderr)")
    }

    /// An endless standard input is refused once it passes what an event could hold,
    /// not read forever.
    @Test func anEndlessPayloadOnStandardInputIsRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.runShell(
            "ledgerline --data \(scratch.data) append --stream c-1 --type ContactCreated --data - < /dev/zero", directory: scratch.url, timeout: 120)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("ledgerline: --data - (standard input) holds more than 4 MiB; an event holds at most 1 MiB"), "\(result.stderr)")
    }

    @Test func staleExpectedVersionNamesStreamExpectedAndActual() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let base = ["--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactUpdated", "--data", #"{"customerId":"9","changes":{"firstName":"Zoe"}}"#]
        _ = try await CLI.run(["--data", scratch.data, "append", "--stream", "customer-9", "--type", "ContactCreated", "--data", #"{"customerId":"9","email":"zoe@example.com"}"#])
        let result = try await CLI.run(base + ["--expected-version", "4"])
        #expect(result.status == 75)
        #expect(result.stderr == "ledgerline: stream customer-9 is at version 1 but the append expected version 4; nothing was appended — read the stream and retry\n")
    }

    @Test func commandsOnAMissingStoreSayHowToCreateIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "stats"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("there is no event store in \(scratch.data); run `ledgerline init` or pass --data"))
    }

    @Test(arguments: ["init", "append", "import", "import-csv", "read", "tail", "streams", "stats", "verify", "export", "backup", "schemas", "expr", "experiments", "project", "customers", "pipeline", "tasks"])
    func everyCommandsHelpHasAnExample(command: String) async throws {
        let result = try await CLI.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command) --help has no example")
    }
}
