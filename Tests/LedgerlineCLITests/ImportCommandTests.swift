import Foundation
import JSON
import Testing

/// `ledgerline import`: whole-file checks, exact messages, nothing appended on bad input.
@Suite struct ImportCommandTests {
    static let good = #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1","email":"ana@example.com","firstName":"Ana"}}"#

    private func head(_ data: String) async throws -> Int {
        let stats = try await CLI.run(["--data", data, "stats", "--json"])
        guard stats.status == 0 else { return 0 }
        return try JSONParser.parse(stats.stdout)["head"]?.numberValue?.int64Value.map(Int.init) ?? -1
    }

    /// Each class of bad line, the reason the importer gives, and that nothing lands.
    @Test(arguments: [
        ("{\"stream\":\"customer-2\",", "invalid JSON at column 24: unexpected end of input"),
        (#"{"type":"ContactCreated","data":{}}"#, #"missing required field "stream""#),
        (#"{"stream":"customer-2","type":"ContactCreated","data":[1]}"#, #""data" must be a JSON object, found an array"#),
        (#"{"stream":7,"type":"ContactCreated","data":{}}"#, #""stream" must be a string, found an integer"#),
        (#"{"stream":"customer-2","type":"ContactCreated","id":"not-a-uuid","data":{"customerId":"2","email":"b@example.com"}}"#, #""id" is not a UUID: "not-a-uuid""#),
        // The nil UUID is no event's id, nor a link to one.
        (
            #"{"stream":"customer-2","type":"ContactCreated","id":"00000000-0000-0000-0000-000000000000","data":{"customerId":"2","email":"b@example.com"}}"#,
            #""id" is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id; give a real UUID, or leave "id" out and one is made"#
        ),
        (
            #"{"stream":"customer-2","type":"ContactCreated","correlationId":"00000000-0000-0000-0000-000000000000","data":{"customerId":"2","email":"b@example.com"}}"#,
            #""correlationId" is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id and links this event to nothing; "#
                + #"give the id the events of one request or chain share, or leave "correlationId" out"#
        ),
        (
            #"{"stream":"customer-2","type":"ContactCreated","causationId":"00000000-0000-0000-0000-000000000000","data":{"customerId":"2","email":"b@example.com"}}"#,
            #""causationId" is the nil UUID 00000000-0000-0000-0000-000000000000, which is no event's id and links this event to nothing; "#
                + #"give the id of the event that caused this one, or leave "causationId" out"#
        ),
        (#"{"stream":"customer-2","type":"ContactCreated","occurredAt":"yesterday","data":{"customerId":"2","email":"b@example.com"}}"#, #""occurredAt" is not an RFC 3339 timestamp like 2026-11-25T14:03:00Z: "yesterday""#),
        (#"{"stream":"customer-2","type":"ContactCreated","expectedVersion":"latest","data":{"customerId":"2","email":"b@example.com"}}"#, #""expectedVersion" must be "any", "no-stream" or a version number (0 or more), found "latest""#),
        (#"{"stream":"customer-2","type":"ContactCreated","expectedVersion":-1,"data":{"customerId":"2","email":"b@example.com"}}"#, #""expectedVersion" must be "any", "no-stream" or a version number (0 or more), found -1"#),
        (#"{"stream":"customer-2","type":"ContactCreated","expectedVersion":2.5,"data":{"customerId":"2","email":"b@example.com"}}"#, #""expectedVersion" must be "any", "no-stream" or a version number (0 or more), found 2.5"#),
        // The largest version `append --expected-version` takes is 2^64 - 1, as a string or a number.
        (#"{"stream":"customer-2","type":"ContactCreated","expectedVersion":18446744073709551616,"data":{"customerId":"2","email":"b@example.com"}}"#, #""expectedVersion" 18446744073709551616 is larger than any version can be (18446744073709551615)"#),
        (#"{"stream":"customer 2","type":"ContactCreated","data":{}}"#, #""stream": a stream name may not contain whitespace"#),
        (#"{"stream":"customer-2","type":"ContactCreated","colour":"red","data":{}}"#, #"unknown field "colour""#),
        (#"{"stream":"customer-2","type":"ContactCreated","actor":"user:ana\nrule:forged@1","data":{"customerId":"2","email":"b@example.com"}}"#,
         #""actor": an actor may not contain control characters"#),
        (#"{"stream":"customer-2","type":"ContactCreated","data":{"customerId":"2","email":"not-an-email"}}"#, "customer-2 ContactCreated v1: /data/email:"),
        (#"{"stream":"customer-2","type":"ContactCreatd","data":{}}"#, #"customer-2 ContactCreatd: unknown event type "ContactCreatd"; did you mean "ContactCreated"?"#),
        // Two files joined with `cat`: the second one's byte-order mark.
        (
            "\u{FEFF}" + #"{"stream":"customer-2","type":"ContactCreated","data":{"customerId":"2"}}"#,
            "invalid JSON at column 1: unexpected byte 0xef, expected a value; the line starts with a byte-order mark (U+FEFF), "
                + "which only a file's first line may have: files joined with `cat` keep each one's; remove them with `sed -i 's/^\\xEF\\xBB\\xBF//' FILE`"
        ),
        // A JSON document over several lines (its second line here).
        ("[", "invalid JSON at column 2: unexpected end of input, expected a value; the file looks like one JSON document over several lines, but an import file holds one JSON object per line (JSON Lines): convert it with `jq -c '.[]' FILE`"),
    ])
    func badLineIsReportedWithFileAndLineAndNothingIsAppended(line: String, reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("events.jsonl", Self.good + "\n" + line + "\n" + Self.good.replacingOccurrences(of: "customer-1", with: "customer-3") + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("ledgerline: \(file):2: \(reason)"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was appended"))
        #expect(try await head(scratch.data) == 0)
    }

    /// Values the messages quote keep their control characters as escapes, so each
    /// problem stays one `FILE:LINE: reason` line and no escape reaches the terminal:
    /// a newline in an id, in an unknown field's name, in a data key the schema
    /// names, and a terminal escape.
    @Test func controlCharactersInQuotedValuesStayEscapedOnOneLine() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = [
            #"{"stream":"customer-2","type":"ContactCreated","id":"abc\ninjected","data":{"customerId":"2","email":"b@example.com"}}"#,
            #"{"stream":"customer-2","type":"ContactCreated","x\ny":1,"data":{}}"#,
            #"{"stream":"customer-2","type":"ContactCreated","data":{"customerId":"2","email":"b@example.com","x\ny: fake":1}}"#,
            #"{"stream":"customer-2","type":"ContactCreated","\u001b[31mred":1,"data":{}}"#,
        ]
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        let printed = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        // One line per bad line, then what to do.
        #expect(printed.count == lines.count + 1, "\(result.stderr)")
        #expect(printed.allSatisfy { $0.hasPrefix("ledgerline: \(file):") }, "\(result.stderr)")
        #expect(result.stderr.contains(#""abc\ninjected""#), "\(result.stderr)")
        #expect(result.stderr.contains(#"\u001b[31mred"#) && !result.stderr.contains("\u{1B}"), "\(result.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    /// A file saved by Windows tools: a byte order mark, CRLF line ends, no newline at
    /// the end. It imports as the same events, with the same ids, as the plain file
    /// (an id derives from the line's number and bytes): importing both appends each
    /// event once.
    @Test func aByteOrderMarkAndWindowsLineEndsImportLikeThePlainFile() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let second = Self.good.replacingOccurrences(of: "customer-1", with: "customer-2")
        let plain = try scratch.file("plain.jsonl", Self.good + "\n" + second + "\n")
        let windows = scratch.url.appendingPathComponent("windows.jsonl")
        try Data([0xEF, 0xBB, 0xBF] + Array((Self.good + "\r\n" + second).utf8)).write(to: windows)
        let first = try await CLI.run(["--data", scratch.data, "import", windows.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(#""appended":2"#))
        let again = try await CLI.run(["--data", scratch.data, "import", plain, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains(#""appended":0"#) && again.stdout.contains(#""duplicates":2"#), "\(again.stdout)")
    }

    /// A compressed file, a zip archive, UTF-16 text or binary data given to import is
    /// named for what it is, once, at line 1, with the pipe that imports what it holds
    /// into the same store (F is the file, D the store's folder); its binary "lines"
    /// after the first are not each reported as invalid JSON.
    @Test(arguments: [
        ([0x1F, 0x8B, 0x08, 0x00], "is compressed with gzip, not JSON Lines; unpack it in a pipe: `gzip -dc F | ledgerline --data D import -`"),
        ([0x28, 0xB5, 0x2F, 0xFD], "is compressed with zstd, not JSON Lines; unpack it in a pipe: `zstd -dc F | ledgerline --data D import -`"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "is compressed with xz, not JSON Lines; unpack it in a pipe: `xz -dc F | ledgerline --data D import -`"),
        (Array("BZh9".utf8), "is compressed with bzip2, not JSON Lines; unpack it in a pipe: `bzip2 -dc F | ledgerline --data D import -`"),
        ([0x50, 0x4B, 0x03, 0x04], "is a zip archive, not JSON Lines; pipe the file inside it: `unzip -p F | ledgerline --data D import -`"),
        ([0xFF, 0xFE] + Array(#"{"stream""#.utf8).flatMap { [$0, 0] }, "is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; convert it in a pipe: `iconv -f UTF-16 -t UTF-8 F | ledgerline --data D import -`"),
        (Array(#"{"stream""#.utf8).flatMap { [$0, 0] }, "starts with a NUL byte, so it is binary data or UTF-16 text, not JSON Lines; if it is UTF-16, convert it in a pipe: `iconv -f UTF-16 -t UTF-8 F | ledgerline --data D import -`"),
    ] as [([UInt8], String)])
    func aFileThatIsNotTextIsNamedForWhatItIs(start: [UInt8], reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = scratch.url.appendingPathComponent("events.jsonl")
        // Binary after the signature, with newlines in it, as in any compressed file.
        let body = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        try Data(start + body).write(to: file)
        let result = try await CLI.run(["--data", scratch.data, "import", file.path])
        #expect(result.status == 65)
        let printed = result.stderr.split(separator: "\n")
        let expected = reason.replacing("F |", with: "\(file.path) |").replacing(" D ", with: " \(scratch.data) ")
        #expect(printed.first == "ledgerline: \(file.path):1: the file \(expected)"[...], "\(result.stderr)")
        #expect(printed.count == 2 && result.stderr.contains("nothing was appended"), "\(result.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    /// The advice's command can be pasted as it is: a file or folder name with a space
    /// or a quote in it is one shell word, and a dry run's advice is a dry run too.
    /// Run as the advice says, it imports what the file holds into the same store.
    /// `schemas validate` pipes into itself.
    @Test func theAdviceForACompressedFileCanBeRunAsItIs() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let folder = scratch.url.appendingPathComponent("Bob's store").path
        let plain = try scratch.file("events.jsonl", Self.good + "\n")
        let packed = scratch.url.appendingPathComponent("my events.jsonl.gz").path
        let packing = try await CLI.runShell("gzip -c \(plain) > 'my events.jsonl.gz'", directory: scratch.url)
        #expect(packing.status == 0, "\(packing.stderr)")

        let dry = try await CLI.run(["import", packed, "--data", folder, "--dry-run"])
        #expect(dry.stderr.contains("`gzip -dc '\(packed)' | ledgerline --data '\(scratch.url.path)/Bob'\\''s store' import - --dry-run`"), "\(dry.stderr)")
        let refused = try await CLI.run(["--data", folder, "import", packed])
        #expect(refused.status == 65)
        let advice = try #require(refused.stderr.split(separator: "`").dropFirst().first.map(String.init), "\(refused.stderr)")
        #expect(advice == "gzip -dc '\(packed)' | ledgerline --data '\(scratch.url.path)/Bob'\\''s store' import -")
        let followed = try await CLI.runShell(advice, directory: scratch.url)
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(try await head(folder) == 1)
        // A name that starts with "-" is not taken for an option of the tool.
        let dashed = scratch.url.appendingPathComponent("-events.gz")
        try FileManager.default.copyItem(atPath: packed, toPath: dashed.path)
        let fromDashed = try await CLI.run(["--data", folder, "import", "--", "-events.gz"], directory: scratch.url)
        #expect(fromDashed.stderr.contains("`gzip -dc ./-events.gz | ledgerline"), "\(fromDashed.stderr)")
        // `schemas validate` gives its own command, which reads standard input too.
        let checked = try await CLI.run(["schemas", "validate", packed])
        #expect(checked.status == 65)
        #expect(checked.stderr.contains("unpack it in a pipe: `gzip -dc '\(packed)' | ledgerline schemas validate -`"), "\(checked.stderr)")
    }

    /// Standard input that starts as a compressed file or binary data does is refused
    /// from its first bytes: the import copies no more of it, so an endless stream
    /// (`/dev/zero`) is refused at once rather than filling the disk, and the advice
    /// puts the unpacking step in the pipe.
    @Test func binaryStandardInputIsRefusedFromItsFirstBytes() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let endless = try await CLI.runShell("ledgerline --data \(scratch.data) import - < /dev/zero", directory: scratch.url, timeout: 120)
        #expect(endless.status == 65, "\(endless.stderr)")
        #expect(
            endless.stderr.hasPrefix("ledgerline: <stdin>:1: standard input starts with a NUL byte, so it is binary data or UTF-16 text, not JSON Lines; "
                + "if it is UTF-16, convert it in a pipe: `… | iconv -f UTF-16 -t UTF-8 | ledgerline --data \(scratch.data) import -`"), "\(endless.stderr)")
        let plain = try scratch.file("events.jsonl", Self.good + "\n")
        let packed = try await CLI.runShell("gzip -c \(plain) | ledgerline --data \(scratch.data) import -", directory: scratch.url)
        #expect(packed.status == 65, "\(packed.stderr)")
        #expect(packed.stderr.contains("standard input is compressed with gzip, not JSON Lines; unpack it in a pipe: `… | gzip -dc | ledgerline --data \(scratch.data) import -`"), "\(packed.stderr)")
        // Nothing is left behind: neither the copy of standard input nor a new store.
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
    }

    /// A file that never ends is refused from its first bytes, not read forever.
    @Test func anEndlessBinaryFileIsRefusedFromItsFirstBytes() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "import", "/dev/zero"])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("ledgerline: /dev/zero:1: the file starts with a NUL byte"), "\(result.stderr)")
    }

    /// "BZh" alone starts a line that is merely not JSON, not a bzip2 file.
    @Test func aLineStartingLikeBzip2WithoutItsBlockSizeIsJustNotJSON() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("events.jsonl", "BZhx\n" + Self.good + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("ledgerline: \(file):1: invalid JSON at column 1"), "\(result.stderr)")
    }

    /// A JSON array given instead of JSON Lines is one enormous line. It is reported as
    /// such without being held in memory, and the lines after it are still checked.
    @Test func aLineTooLongToBeAnEventIsReportedAndTheRestStillChecked() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let array = "[" + Array(repeating: Self.good, count: 80_000).joined(separator: ",") + "]"
        let file = try scratch.file("events.jsonl", array + "\n" + Self.good + "\n{\"stream\":\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "ledgerline: \(file):1: the line is longer than 8 MiB, so it cannot hold one event; an import file holds one JSON object per line (JSON Lines). "
                    + "A JSON array can be converted with `jq -c '.[]' FILE > FILE.jsonl`"), "\(result.stderr)")
        #expect(result.stderr.contains("ledgerline: \(file):3: invalid JSON"), "\(result.stderr)")
        #expect(!result.stderr.contains("\(file):2:"))
        #expect(try await head(scratch.data) == 0)
    }

    /// One file giving an id twice with different content names both lines; nothing
    /// was stored, so no position is mentioned. That holds when the two lines fall in
    /// different batches too: nothing of the earlier batch is appended.
    @Test(arguments: [[], ["--batch-size", "1"]])
    func anIdGivenTwiceWithDifferentContentNamesBothLines(batching: [String]) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let id = "0190f0a0-0000-7000-8000-000000000001"
        let first = Self.good.replacingOccurrences(of: #"{"stream""#, with: #"{"id":"\#(id)","stream""#)
        let changed = first.replacingOccurrences(of: "Ana", with: "Anna")
        let second = Self.good.replacingOccurrences(of: "customer-1", with: "customer-2")
        let file = try scratch.file("events.jsonl", [first, second, changed].joined(separator: "\n") + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file] + batching)
        #expect(result.status == 65)
        #expect(
            result.stderr.contains("ledgerline: \(file):3: event \(id) is on line 1 too, with different content; give each event its own id"),
            "\(result.stderr)")
        #expect(result.stderr.contains("\(file): nothing was appended; fix the lines above and run the import again"), "\(result.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    @Test func oversizedEventIsRefusedAndNothingIsAppended() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let big = String(repeating: "x", count: 1_100_000)
        let line = #"{"stream":"customer-2","type":"ContactCreated","data":{"customerId":"2","email":"b@example.com","custom":{"notes":"\#(big)"}}}"#
        let file = try scratch.file("big.jsonl", Self.good + "\n" + line + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file):2: "))
        #expect(result.stderr.contains("1 MiB"), "\(result.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    /// `schemas validate` and `import` hold a line to the same 1 MiB record limit:
    /// data just under it but metadata over it is refused by both, and a line longer
    /// than 1 MiB only for its padding is accepted by both. The message says what the
    /// record holds.
    @Test func checkingAndImportingApplyTheSameSizeLimit() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = String(repeating: "x", count: 1_030_000)
        let metadata = String(repeating: "y", count: 30_000)
        let over = #"{"stream":"customer-2","type":"ContactCreated","metadata":{"m":"\#(metadata)"},"data":{"customerId":"2","email":"b@example.com","custom":{"notes":"\#(data)"}}}"#
        let padded = #"{"stream":"customer-2","type":"ContactCreated","data":{"customerId":"2","email":"b@example.com","custom":{"notes":"\#(data)"}}\#(String(repeating: " ", count: 40_000))}"#
        let overFile = try scratch.file("over.jsonl", over + "\n")
        let paddedFile = try scratch.file("padded.jsonl", padded + "\n")
        for command in [["schemas", "validate", overFile], ["--data", scratch.data, "import", overFile]] {
            let result = try await CLI.run(command)
            #expect(result.status == 65, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("\(overFile):1: the event is 1,060,"), "\(result.stderr)")
            #expect(result.stderr.contains("of data and 30,0") && result.stderr.contains("of metadata), over the 1048576-byte limit (1 MiB)"), "\(result.stderr)")
        }
        let checked = try await CLI.run(["schemas", "validate", paddedFile])
        #expect(checked.status == 0, "\(checked.stderr)")
        let imported = try await CLI.run(["--data", scratch.data, "import", paddedFile])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await head(scratch.data) == 1)
    }

    /// `schemas validate` refuses an id given on two lines with different content as
    /// `import` does, with the same message, and a repeat with the same content passes
    /// both.
    @Test func checkingAndImportingRefuseTheSameRepeatedID() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let id = "0190f0a0-0000-7000-8000-000000000001"
        func line(_ email: String) -> String {
            #"{"id":"\#(id)","stream":"customer-2","type":"ContactCreated","data":{"customerId":"2","email":"\#(email)"}}"#
        }
        let conflicting = try scratch.file("conflicting.jsonl", [line("b@example.com"), Self.good, line("c@example.com")].joined(separator: "\n") + "\n")
        let repeated = try scratch.file("repeated.jsonl", [line("b@example.com"), Self.good, line("b@example.com")].joined(separator: "\n") + "\n")
        for command in [["schemas", "validate", conflicting], ["--data", scratch.data, "import", conflicting]] {
            let result = try await CLI.run(command)
            #expect(result.status == 65, "\(command): \(result.stderr)")
            #expect(
                result.stderr.hasPrefix("ledgerline: \(conflicting):3: event \(id) is on line 1 too, with different content; give each event its own id\n"),
                "\(result.stderr)")
        }
        #expect(try await head(scratch.data) == 0)
        // A pipe is read once: the check keeps what it needs to compare in that one pass.
        let contents = try String(contentsOfFile: conflicting, encoding: .utf8)
        for (argument, name) in [("-", "<stdin>"), ("/dev/stdin", "/dev/stdin")] {
            let piped = try await CLI.run(["schemas", "validate", argument], stdin: contents)
            #expect(piped.status == 65, "\(argument): \(piped.stderr)")
            #expect(
                piped.stderr.hasPrefix("ledgerline: \(name):3: event \(id) is on line 1 too, with different content; give each event its own id\n"),
                "\(piped.stderr)")
        }
        let checked = try await CLI.run(["schemas", "validate", repeated])
        #expect(checked.status == 0, "\(checked.stderr)")
        let imported = try await CLI.run(["--data", scratch.data, "import", repeated])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await head(scratch.data) == 2)
    }

    /// An `occurredAt` that an offset carries outside the years 0000–9999 in UTC is
    /// refused: stored, it would make an export that cannot be imported again.
    @Test(arguments: ["9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+01:00"])
    func anOccurredAtOutsideWhatAnExportCanHoldIsRefused(time: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let line = #"{"stream":"customer-2","type":"ContactCreated","occurredAt":"\#(time)","data":{"customerId":"2","email":"b@example.com"}}"#
        let file = try scratch.file("events.jsonl", line + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        #expect(result.stderr.contains(#"\#(file):1: "occurredAt" "\#(time)" is "#), "\(result.stderr)")
        #expect(result.stderr.contains("in UTC, outside the years 0000–9999"), "\(result.stderr)")
        #expect(try await head(scratch.data) == 0)
        let appended = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-2", "--type", "ContactCreated",
            "--data", #"{"customerId":"2","email":"b@example.com"}"#, "--occurred-at", time,
        ])
        // An option of `append`, so a usage error.
        #expect(appended.status == 64)
        #expect(appended.stderr.contains(#"--occurred-at "\#(time)" is "#), "\(appended.stderr)")
    }

    @Test func everyBadLineIsReportedNotJustTheFirst() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("events.jsonl", ["{", Self.good, "[]", "{\"stream\":1}"].joined(separator: "\n"))
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(result.status == 65)
        for n in [1, 3, 4] { #expect(result.stderr.contains("\(file):\(n): ")) }
        #expect(!result.stderr.contains("\(file):2: "))
    }

    @Test func reimportingTheSameFileAppendsNothing() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (1...300).map { #"{"stream":"customer-\#($0 % 7)","type":"PageVisited","data":{"customerId":"\#($0 % 7)","url":"https://example.com/\#($0)"}}"# }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let first = try await CLI.run(["--data", scratch.data, "import", file, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try JSONParser.parse(first.stdout)["appended"] == 300)
        let second = try await CLI.run(["--data", scratch.data, "import", file, "--json"])
        #expect(try JSONParser.parse(second.stdout)["appended"] == 0)
        #expect(try JSONParser.parse(second.stdout)["duplicates"] == 300)
        #expect(try await head(scratch.data) == 300)
    }

    /// A dry run plans the file against the store as the import would and appends
    /// nothing; without a store it plans against an empty log and creates none.
    @Test func aDryRunSaysWhatTheImportWouldDoAndAppendsNothing() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (1...300).map { #"{"stream":"customer-\#($0 % 7)","type":"PageVisited","data":{"customerId":"\#($0 % 7)","url":"https://example.com/\#($0)"}}"# }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let empty = try await CLI.run(["--data", scratch.data, "import", file, "--dry-run", "--json"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(try JSONParser.parse(empty.stdout)["wouldAppend"] == 300)
        #expect(!FileManager.default.fileExists(atPath: scratch.data))

        let part = try scratch.file("part.jsonl", lines.prefix(120).joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", part]).status == 0)
        let dry = try await CLI.run(["--data", scratch.data, "import", file, "--dry-run", "--json", "--batch-size", "50"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let summary = try JSONParser.parse(dry.stdout)
        #expect(summary["dryRun"] == true)
        #expect(summary["lines"] == 300)
        #expect(summary["wouldAppend"] == 180)
        #expect(summary["duplicates"] == 120)
        #expect(summary["head"] == 300)
        #expect(summary["appended"] == nil)
        #expect(try await head(scratch.data) == 120)
        let text = try await CLI.run(["--data", scratch.data, "import", file, "--dry-run"])
        #expect(text.stdout == "\(file): 300 lines checked: 180 would be appended, 120 already stored, head would be 300; nothing was appended (dry run)\n")
        // The scratch files of the dry runs are gone.
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.data).filter { $0.hasPrefix(".ledgerline") }
        #expect(left.isEmpty, "\(left)")
    }

    /// A line the import would refuse when it reaches the store (here a wrong expected
    /// version) fails the dry run on that line, as a conflict (75, as `append` exits for
    /// it), and nothing is appended.
    @Test func aDryRunReportsWhatTheImportWouldRefuseOnItsLine() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        var lines = (1...3).map { Self.good.replacingOccurrences(of: "ana@", with: "ana\($0)@") }
        lines.append(Self.good.replacingOccurrences(of: #""data""#, with: #""expectedVersion":2,"data""#))
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", file, "--dry-run"])
        #expect(result.status == 75)
        #expect(result.stderr.contains("ledgerline: \(file):4: stream customer-1 is at version 3 but the line expected version 2\n"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("ledgerline: \(file): nothing was appended (dry run); fix the lines above and run it again\n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
    }

    @Test func standardInputIsImportedWhole() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "import", "-", "--json"], stdin: Self.good + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONParser.parse(result.stdout)["appended"] == 1)
        let dry = try await CLI.run(["--data", scratch.data, "import", "-", "--dry-run"], stdin: Self.good + "\n" + Self.good.replacingOccurrences(of: "customer-1", with: "customer-2"))
        #expect(dry.stdout == "<stdin>: 2 lines checked: 1 would be appended, 1 already stored, head would be 2; nothing was appended (dry run)\n", "\(dry.stderr)")
        // Standard input was copied to a scratch file in the store's folder, gone now.
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.data).filter { $0.hasPrefix(".ledgerline") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func exportImportedIntoAnEmptyStoreRestoresPositionsAndHeadHash() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (1...500).map { n in
            #"{"stream":"customer-\#(n % 13)","type":"OrderPlaced","occurredAt":"2024-01-01T00:00:00Z","data":{"customerId":"\#(n % 13)","orderId":"o-\#(n)","quantity":1,"amount":"\#(n).50","currency":"EUR"}}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n"))
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        let export = try await CLI.run(["--data", scratch.data, "export"])
        #expect(export.status == 0)
        let backup = try scratch.file("backup.jsonl", export.stdout)
        let restored = scratch.url.appendingPathComponent("restored").path
        let restore = try await CLI.run(["--data", restored, "import", backup, "--json"])
        #expect(restore.status == 0, "\(restore.stderr)")
        let a = try JSONParser.parse(try await CLI.run(["--data", scratch.data, "stats", "--json"]).stdout)
        let b = try JSONParser.parse(try await CLI.run(["--data", restored, "stats", "--json"]).stdout)
        #expect(a["head"] == 500)
        #expect(a["head"] == b["head"])
        #expect(a["headHash"] == b["headHash"])
        #expect(try await CLI.run(["--data", restored, "export"]).stdout == export.stdout)
        // A dry run of the restore checks the same: it would restore the same head.
        let unrestored = scratch.url.appendingPathComponent("unrestored").path
        let dryRestore = try await CLI.run(["--data", unrestored, "import", backup, "--json", "--dry-run"])
        #expect(dryRestore.status == 0, "\(dryRestore.stderr)")
        #expect(try JSONParser.parse(dryRestore.stdout)["wouldAppend"] == 500)
        #expect(try JSONParser.parse(dryRestore.stdout)["head"] == 500)
        // An export whose content was changed no longer matches the hashes it gives: the
        // dry run says so on the line the import names.
        let tampered = try scratch.file("tampered.jsonl", export.stdout.replacingOccurrences(of: #""orderId":"o-3""#, with: #""orderId":"o-x""#))
        #expect(tampered != backup)
        let dryTampered = try await CLI.run(["--data", unrestored, "import", tampered, "--dry-run"])
        let wetTampered = try await CLI.run(["--data", unrestored, "import", tampered])
        #expect(dryTampered.status == 65 && wetTampered.status == 65)
        let problem = wetTampered.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(problem.hasPrefix("ledgerline: \(tampered):3: event "), "\(wetTampered.stderr)")
        #expect(problem.contains(", but this log would chain it at seq 3 with hash "), "\(wetTampered.stderr)")
        #expect(problem.hasSuffix(": the line, or one before it, was altered, or the export misses events; restore a whole, unaltered export"), "\(wetTampered.stderr)")
        #expect(dryTampered.stderr.hasPrefix(problem + "\n"), "\(dryTampered.stderr)")
        // The import refused the batch holding the altered line: nothing was appended.
        #expect(try await head(unrestored) == 0)
        // Altered in a later batch, the line is found by planning every batch before
        // the first is appended: nothing is appended either.
        let lateTampered = try scratch.file("late.jsonl", export.stdout.replacingOccurrences(of: #""orderId":"o-420""#, with: #""orderId":"o-x""#))
        let late = try await CLI.run(["--data", unrestored, "import", lateTampered, "--batch-size", "50"])
        #expect(late.status == 65)
        #expect(late.stderr.hasPrefix("ledgerline: \(lateTampered):420: event "), "\(late.stderr)")
        #expect(late.stderr.hasSuffix("\(lateTampered): nothing was appended; fix the lines above and run the import again\n"), "\(late.stderr)")
        #expect(try await head(unrestored) == 0)
        // Restoring the same export on top of a different log is refused, naming the
        // line, before anything is appended.
        let other = scratch.url.appendingPathComponent("other").path
        _ = try await CLI.run(["--data", other, "import", "-"], stdin: Self.good + "\n")
        let clash = try await CLI.run(["--data", other, "import", backup])
        #expect(clash.status == 65)
        #expect(clash.stderr.contains("\(backup):1: event "), "\(clash.stderr)")
        #expect(clash.stderr.contains(" says it is seq 1, but this log would place it at 2: restore an export into an empty store"), "\(clash.stderr)")
        #expect(try JSONParser.parse(try await CLI.run(["--data", other, "stats", "--json"]).stdout)["head"] == 1)
        // So is a line whose version was edited, though it is the 2nd of the batch.
        var edited = export.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(edited[1].contains(#""version":1,"#))
        edited[1] = edited[1].replacingOccurrences(of: #""version":1,"#, with: #""version":3,"#)
        let editedFile = try scratch.file("edited.jsonl", edited.joined(separator: "\n"))
        let fresh = scratch.url.appendingPathComponent("fresh").path
        let refused = try await CLI.run(["--data", fresh, "import", editedFile])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("\(editedFile):2: event "), "\(refused.stderr)")
        #expect(refused.stderr.contains(" says it is version 3 of customer-2, but in this log it would be version 1: the export was altered or misses events of that stream"), "\(refused.stderr)")
        // Nothing was appended, and the store this failed import created is gone again.
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    /// Ctrl-C (or SIGTERM, or SIGHUP when the terminal goes away) during an import
    /// removes its scratch file (as large as the file being checked) instead of leaving
    /// it to the next import's sweep, and the process dies
    /// of the signal, as a shell expects of an interrupted command. A signal the
    /// import was started ignoring (a shell's `import f &` in a script ignores Ctrl-C)
    /// stays ignored: the import runs to its end.
    @Test(arguments: [(SIGINT, false), (SIGTERM, false), (SIGHUP, false), (SIGINT, true)])
    func anInterruptedImportLeavesNoScratchFile(signal: Int32, ignored: Bool) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (0..<60_000).map { n in
            #"{"stream":"customer-\#(n % 5_000)","type":"ContactUpdated","data":{"customerId":"\#(n % 5_000)","changes":{"firstName":"N\#(n)"}}}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        try #require(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        // Spawned with the signal's disposition set, whatever this process inherited
        // (a test run started in the background ignores SIGINT).
        let pid = try Self.spawn([try CLI.requireExecutable().path, "--data", scratch.data, "import", file], ignoring: ignored ? signal : nil)
        func scratchFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: scratch.data)) ?? []).filter { $0.hasPrefix(".ledgerline-") }
        }
        var waited = 0
        while scratchFiles().isEmpty, waited < 30_000 {
            try await Task.sleep(for: .milliseconds(5))
            waited += 5
        }
        try #require(!scratchFiles().isEmpty, "no scratch file appeared")
        kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let killedBy = status & 0x7F
        if ignored {
            #expect(killedBy == 0 && (status >> 8) & 0xFF == 0, "status \(status)")
            #expect(try await head(scratch.data) == 60_000)
        } else {
            #expect(killedBy == signal, "status \(status)")
        }
        #expect(scratchFiles().isEmpty, "\(scratchFiles())")
        let verified = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    /// An import into a folder that does not exist yet makes the store only once its
    /// input has passed the check: Ctrl-C while it checks (here, while it waits for
    /// more of a file, a pipe, or rows) removes the folders it made for the store along
    /// with its scratch files, and leaves no empty store behind.
    @Test(arguments: ["import FILE", "import -", "import-csv FILE"])
    func anImportInterruptedWhileCheckingLeavesNoNewStore(form: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let folder = scratch.url.appendingPathComponent("new")
        let data = folder.appendingPathComponent("store").path
        let fifo = scratch.url.appendingPathComponent("input").path
        try #require(mkfifo(fifo, 0o600) == 0)
        // Read and write, so that opening it waits for no reader; held open, so that the
        // import waits for more input until it is interrupted.
        let writer = open(fifo, O_RDWR)
        try #require(writer >= 0)
        defer { close(writer) }
        var arguments = [try CLI.requireExecutable().path, "--data", data]
        let start: String
        switch form {
        case "import-csv FILE":
            let mapping = try scratch.file("contacts.yaml", """
                events:
                  - type: ContactCreated
                    stream: "customer-{id}"
                    id: "contact-{id}"
                    data: { customerId: "{id}", firstName: "{name}" }

                """)
            arguments += ["import-csv", fifo, "--mapping", mapping]
            start = "id,name\n" + (1...100).map { "\($0),N\($0)\n" }.joined()
        default:
            arguments += form == "import -" ? ["import", "-"] : ["import", fifo]
            start = (1...100).map { #"{"stream":"customer-\#($0)","type":"ContactUpdated","data":{"customerId":"\#($0)","changes":{"firstName":"N"}}}"# + "\n" }.joined()
        }
        _ = start.utf8.withContiguousStorageIfAvailable { write(writer, $0.baseAddress, $0.count) }
        let pid = try Self.spawn(arguments, ignoring: nil, standardInput: form == "import -" ? fifo : nil)
        func scratchFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).filter { $0.hasPrefix(".ledgerline-") }
        }
        var waited = 0
        while scratchFiles().isEmpty, waited < 30_000 {
            try await Task.sleep(for: .milliseconds(5))
            waited += 5
        }
        try #require(!scratchFiles().isEmpty, "no scratch file appeared")
        // The import has read what was written, and waits for more.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!FileManager.default.fileExists(atPath: data + "/data.mdb"), "the store was made before the input passed")
        kill(pid, SIGINT)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status & 0x7F == SIGINT, "status \(status)")
        #expect(!FileManager.default.fileExists(atPath: folder.path), "\(String(describing: try? FileManager.default.subpathsOfDirectory(atPath: folder.path)))")
        #expect(FileManager.default.fileExists(atPath: fifo))
    }

    /// A new folder's store is made once the input passed, and durable as `init` makes it.
    @Test func anImportIntoANewFolderMakesTheStoreOnceTheFilePassed() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = scratch.url.appendingPathComponent("a/b/store").path
        let bad = try scratch.file("bad.jsonl", #"{"stream":"customer-1","type":"ContactUpdated","data":{}}"# + "\n")
        let refused = try await CLI.run(["--data", data, "import", bad])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("a").path))
        let good = try scratch.file("good.jsonl", #"{"stream":"customer-1","type":"ContactUpdated","data":{"customerId":"1","changes":{"firstName":"A"}}}"# + "\n")
        let imported = try await CLI.run(["--data", data, "import", good, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await head(data) == 1)
        #expect(try await CLI.run(["--data", data, "verify"]).status == 0)
    }

    /// A store that is there already is opened before the check, not after it: one this
    /// build cannot open is refused at once, ahead of the file's bad lines, however long
    /// the check would take.
    @Test func anExistingStoreItCannotOpenIsRefusedBeforeTheCheck() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        try #require(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        // Every copy of the meta entry "format" = 2 (a little-endian u64) becomes 3.
        let file = URL(fileURLWithPath: scratch.data).appendingPathComponent("data.mdb")
        var bytes = try Data(contentsOf: file)
        let entry = Data("format".utf8) + Data([2, 0, 0, 0, 0, 0, 0, 0])
        var from = bytes.startIndex
        while let range = bytes.range(of: entry, in: from..<bytes.endIndex) {
            bytes[range.lowerBound + 6] = 3
            from = range.upperBound
        }
        try bytes.write(to: file)
        let bad = try scratch.file("bad.jsonl", #"{"stream":"customer-1","type":"ContactUpdated","data":{}}"# + "\n")
        let result = try await CLI.run(["--data", scratch.data, "import", bad])
        #expect(result.status == 1)
        #expect(result.stderr == "ledgerline: the store in \(scratch.data) uses log format 3, newer than this build reads (format 2); upgrade ledgerline\n")
    }

    /// Starts `arguments` with SIGINT, SIGTERM and SIGHUP at their default actions and no
    /// signal blocked, except `ignored`, which it ignores; standard error goes nowhere;
    /// standard input is `standardInput` when given.
    private static func spawn(_ arguments: [String], ignoring ignored: Int32?, standardInput: String? = nil) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if let standardInput { posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0) }
        // An ignored disposition is inherited through exec: a shell sets it (this
        // process's own stay as they are, for the tests running beside this one).
        var arguments = arguments
        if let ignored {
            arguments = ["/bin/sh", "-c", "trap '' \(ignored == SIGINT ? "INT" : "TERM"); exec \"$0\" \"$@\""] + arguments
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }
        return pid
    }
}
