import Foundation
import Testing

/// Mistakes on the command line: each is refused in one line on stderr that says what
/// was wrong and what to do, exits with its code, and leaves nothing behind.
@Suite struct CommandLineMistakesTests {
    /// Negative numbers used to be taken for options ("Missing value for '--from
    /// <from>'", then a help line and a usage block); now the option's own check says
    /// what it takes, in one line that points to the command's help.
    @Test(arguments: [
        (["read", "--from", "-1"], "--from must be a position, 0 or more: -1; see `ledgerline read --help`"),
        (
            ["read", "--stream", "customer-1", "--from", "-2"],
            "--from must be a version, 0 or more: -2; see `ledgerline read --help`"
        ),
        (["read", "--limit", "-5"], "--limit must be zero or more: -5; see `ledgerline read --help`"),
        (["export", "--from", "-3"], "--from must be a position, 0 or more: -3; see `ledgerline export --help`"),
        (["tail", "-n", "-5"], "--lines must be zero or more: -5; see `ledgerline tail --help`"),
        (
            ["import", "events.jsonl", "--batch-size", "0"],
            "--batch-size must be 1 or more (events per append transaction): 0; see `ledgerline import --help`"
        ),
        (
            ["import", "events.jsonl", "--batch-size=-1"],
            "--batch-size must be 1 or more (events per append transaction): -1; see `ledgerline import --help`"
        ),
        (
            ["import", "events.jsonl", "--batch-size", "-1"],
            "--batch-size must be 1 or more (events per append transaction): -1; see `ledgerline import --help`"
        ),
        (
            ["import-csv", "rows.csv", "--mapping", "m.yaml", "--batch-size", "0"],
            "--batch-size must be 1 or more (events per append transaction): 0; see `ledgerline import-csv --help`"
        ),
        // --max-problems 0 used to mean 1 on an import, and to reach the check unchecked
        // on `schemas validate`.
        (
            ["import", "events.jsonl", "--max-problems", "0"],
            "--max-problems must be 1 or more (bad lines reported in detail): 0; see `ledgerline import --help`"
        ),
        (
            ["import-csv", "rows.csv", "--mapping", "m.yaml", "--max-problems", "-1"],
            "--max-problems must be 1 or more (bad rows reported in detail): -1; see `ledgerline import-csv --help`"
        ),
        (
            ["schemas", "validate", "events.jsonl", "--max-problems", "0"],
            "--max-problems must be 1 or more (bad lines reported in detail): 0; see `ledgerline schemas validate --help`"
        ),
        // Versions and phases count from 1; 0 and below used to reach the catalog or the
        // log and be reported as missing there (exit 65).
        (
            ["append", "--stream", "customer-1", "--type", "ContactCreated", "--data", "{}", "--schema-version", "0"],
            "--schema-version must be 1 or more (a type's first schema version is 1): 0; see `ledgerline append --help`"
        ),
        (
            ["schemas", "show", "ContactCreated", "--version", "-2"],
            "--version must be 1 or more (a type's first schema version is 1): -2; see `ledgerline schemas show --help`"
        ),
        (
            ["experiments", "report", "checkout-cta", "--phase", "0"],
            "--phase must be 1 or more (an experiment's first phase is 1): 0; see `ledgerline experiments report --help`"
        ),
    ])
    func aNegativeOrZeroNumberIsRefusedByTheOptionsOwnCheck(arguments: [String], line: String) async throws {
        try await CLI.expectUsageError(arguments, line)
    }

    /// A number beyond its option's type used to get argument-parser's "The value
    /// '99999999999999999999' is invalid for '--limit <limit>'", which says neither what
    /// the option takes nor why. Every numeric option now says it in its own words:
    /// its own check when that refuses the type's bound too, else the bound.
    @Test(arguments: [
        (
            ["streams", "--limit", "99999999999999999999"],
            "--limit must be at most 9223372036854775807: 99999999999999999999; see `ledgerline streams --help`"
        ),
        (
            ["streams", "--limit", "-99999999999999999999"],
            "--limit must be zero or more: -99999999999999999999; see `ledgerline streams --help`"
        ),
        (
            ["read", "--from=-99999999999999999999"],
            "--from must be a position, 0 or more: -99999999999999999999; see `ledgerline read --help`"
        ),
        (
            ["tail", "-n", "99999999999999999999"],
            "-n must be at most 9223372036854775807: 99999999999999999999; see `ledgerline tail --help`"
        ),
        (
            ["import", "events.jsonl", "--batch-size", "-99999999999999999999"],
            "--batch-size must be 1 or more (events per append transaction): -99999999999999999999; see `ledgerline import --help`"
        ),
        (
            ["import-csv", "rows.csv", "--mapping", "m.yaml", "--max-problems", "99999999999999999999"],
            "--max-problems must be at most 9223372036854775807: 99999999999999999999; see `ledgerline import-csv --help`"
        ),
        (
            ["project", "follow", "--poll", "-99999999999999999999"],
            "--poll must be at least 10 milliseconds: -99999999999999999999; see `ledgerline project follow --help`"
        ),
        (
            ["experiments", "report", "welcome", "--through", "-1"],
            "--through must be 0 or more: -1; see `ledgerline experiments report --help`"
        ),
        (
            ["experiments", "report", "welcome", "--through", "99999999999999999999"],
            "--through must be at most 18446744073709551615: 99999999999999999999; see `ledgerline experiments report --help`"
        ),
        (["read", "--limit", "many"], "--limit must be a whole number: \"many\"; see `ledgerline read --help`"),
        (
            ["customers", "list", "--limit", "2.5"],
            "--limit must be a whole number: \"2.5\"; see `ledgerline customers list --help`"
        ),
        (
            ["debug", "append-loop", "--max-seconds", "soon"],
            "--max-seconds must be a number, such as 2.5: \"soon\"; see `ledgerline debug append-loop --help`"
        ),
        // Not a number: argument-parser's line names the values it takes.
        (
            ["experiments", "report", "welcome", "--correction", "5"],
            "The value '5' is invalid for '--correction <correction>'. Please provide one of 'holm' and 'bh'.; see `ledgerline experiments report --help`"
        ),
    ])
    func aNumberTheOptionCannotTakeIsRefusedInItsOwnWords(arguments: [String], line: String) async throws {
        try await CLI.expectUsageError(arguments, line)
    }

    /// What argument-parser itself refuses is one line too, naming the command whose
    /// help to read.
    @Test(arguments: [
        (
            ["read", "--frm", "3"],
            "ledgerline: Unknown option '--frm'. Did you mean '--from'?; see `ledgerline read --help`"
        ),
        (["bogus"], "ledgerline: Unexpected argument 'bogus'; see `ledgerline --help`"),
        (["experiments", "assign"], "see `ledgerline experiments assign --help`"),
        (
            ["read", "--limit", "many"],
            "ledgerline: --limit must be a whole number: \"many\"; see `ledgerline read --help`"
        ),
        (["read", "--stream"], "ledgerline: Missing value for '--stream <stream>'; see `ledgerline read --help`"),
    ])
    func aParserRejectionIsOneLineNamingTheHelpToRead(arguments: [String], text: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("ledgerline: "), "\(result.stderr)")
        #expect(result.stderr.contains(text), "\(result.stderr)")
        #expect(result.stderr.hasSuffix(" --help`\n"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("Usage"))
    }

    /// A control character in a word of the command line neither breaks the line nor
    /// reaches the terminal.
    @Test func aControlCharacterInARejectedWordIsEscaped() async throws {
        let broken = try await CLI.run(["read", "--fr\nom", "3"])
        #expect(broken.status == 64)
        #expect(broken.stderr.filter { $0 == "\n" }.count == 1, "\(broken.stderr)")
        let colored = try await CLI.run(["read", "--\u{1B}[31mfrom", "3"])
        #expect(colored.status == 64)
        #expect(colored.stderr.contains("'--\\u001b[31mfrom'"), "\(colored.stderr)")
    }

    /// An argument that is not UTF-8 used to be read with U+FFFD in place of its bad
    /// bytes (`append --stream $'\xff'` made a stream named "\u{FFFD}"). It is refused
    /// before anything runs, naming its position, the option it follows and its bytes.
    @Test func anArgumentThatIsNotUTF8IsRefusedNamingIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        let advice =
            "give every argument as UTF-8 text (a terminal, a script or a file name in another encoding, such as Latin-1, gives other bytes)"
        let append = try await CLI.run(rawArguments: [
            bytes("--data"), bytes(scratch.data), bytes("append"), bytes("--stream"), [0xFF], bytes("--type"), bytes("ContactCreated"),
            bytes("--data"), bytes(#"{"customerId":"1"}"#),
        ])
        #expect(append.status == 64)
        #expect(append.stderr == "ledgerline: argument 5 (after --stream) is not valid UTF-8: \"\\xFF\"; \(advice); see `ledgerline append --help`\n")
        #expect(append.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.data))

        // A file name in Latin-1 ("café.jsonl"): a positional argument, after no option.
        let latin1 = try await CLI.run(rawArguments: [bytes("--data"), bytes(scratch.data), bytes("import"), bytes("caf") + [0xE9] + bytes(".jsonl")])
        #expect(latin1.status == 64)
        #expect(latin1.stderr == "ledgerline: argument 4 is not valid UTF-8: \"caf\\xE9.jsonl\"; \(advice); see `ledgerline import --help`\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.data))

        // The same way of passing bytes carries UTF-8 through untouched.
        let cafe = try await CLI.run(rawArguments: [
            bytes("--data"), bytes(scratch.data), bytes("append"), bytes("--stream"), bytes("café-1"), bytes("--type"), bytes("ContactCreated"),
            bytes("--data"), bytes(#"{"customerId":"1"}"#),
        ])
        #expect(cafe.status == 0, "\(cafe.stderr)")
        #expect(cafe.stdout.contains(#""stream":"café-1""#), "\(cafe.stdout)")
    }

    /// $LEDGERLINE_DATA is read as an argument is: not repaired to U+FFFD when it is not
    /// UTF-8, for `append` as for the commands that take `--data` after them, and not
    /// looked at when `--data` names the folder.
    @Test func aStoreFolderVariableThatIsNotUTF8IsRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        let folder = bytes(scratch.data) + [0xFF]
        let expected = "ledgerline: $LEDGERLINE_DATA is not valid UTF-8: \"\(scratch.data)\\xFF\"; set it to the store's folder as UTF-8 text, or give --data"
        for arguments in [["stats"], ["append", "--stream", "customer-1", "--type", "ContactCreated", "--data", #"{"customerId":"1"}"#]] {
            let result = try await CLI.run(rawArguments: arguments.map(bytes), rawEnvironment: ["LEDGERLINE_DATA": folder])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(expected), "\(arguments): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
        for arguments in [["--data", scratch.data, "init"], ["stats", "--data", scratch.data]] {
            let result = try await CLI.run(rawArguments: arguments.map(bytes), rawEnvironment: ["LEDGERLINE_DATA": folder])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    @Test func helpIsStillPrintedWholeOnStandardOutput() async throws {
        let result = try await CLI.run(["read", "--help"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("USAGE: ledgerline read"))
        #expect(result.stdout.contains("--from <from>"))
    }

    /// A folder given as the file to read says so, exits 66 (an input that cannot be
    /// read, as for a missing file), and creates no store.
    @Test func aFolderGivenAsTheFileSaysWhatIsExpected() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let folder = scratch.url.path
        let cases = [
            (["import", folder], "\(folder) is a folder, not a file; give a JSON Lines file, or - for standard input"),
            (
                ["import", folder, "--dry-run"],
                "\(folder) is a folder, not a file; give a JSON Lines file, or - for standard input"
            ),
            (
                ["import-csv", folder, "--mapping", "m.yaml"],
                "\(folder) is a folder, not a file; give a CSV (or other delimited) file, or - for standard input"
            ),
            (
                ["schemas", "validate", folder],
                "\(folder) is a folder, not a file; give a JSON Lines file, or - for standard input"
            ),
        ]
        for (arguments, line) in cases {
            let result = try await CLI.run(["--data", scratch.data] + arguments)
            #expect(result.status == 66, "\(arguments)")
            #expect(result.stderr == "ledgerline: \(line)\n")
        }
        let csv = try scratch.file("rows.csv", "a,b\n1,2\n")
        let mapping = try await CLI.run(["--data", scratch.data, "import-csv", csv, "--mapping", folder])
        #expect(mapping.status == 66)
        #expect(
            mapping.stderr == "ledgerline: the mapping \(folder) is a folder, not a file; give a YAML mapping file\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
    }

    /// An input file that is not there exits 66 (sysexits' EX_NOINPUT), apart from input
    /// that was read and is wrong (65), so that a script can tell a wrong path from a
    /// bad file; the line names it and says what to give, and no store is created.
    @Test func aMissingInputFileExits66AndNamesIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let missing = scratch.url.appendingPathComponent("none").path
        let csv = try scratch.file("rows.csv", "a,b\n1,2\n")
        let cases: [([String], String)] = [
            (["import", missing], "cannot read \(missing): no such file; give a JSON Lines file, or - for standard input"),
            (["import", missing, "--dry-run"], "cannot read \(missing): no such file; give a JSON Lines file, or - for standard input"),
            (["import-csv", missing, "--mapping", "m.yaml"], "cannot read \(missing): no such file; give a CSV (or other delimited) file, or - for standard input"),
            (["import-csv", csv, "--mapping", missing], "cannot read the mapping \(missing): no such file; give a YAML mapping file"),
            (["schemas", "validate", missing], "cannot read \(missing): no such file; give a JSON Lines file, or - for standard input"),
            (["schemas", "list", "--schemas", missing], "the schemas folder \(missing) does not exist; pass a folder of *.json schemas"),
            (["schemas", "check", "--schemas", csv], "\(csv) is not a folder; pass a folder of *.json schemas"),
            (["experiments", "lint", missing], "\(missing): no such file or folder; give definition files or their folder"),
            (["experiments", "publish", "--dir", missing], "\(missing): cannot list the directory; check that it exists"),
            (["append", "--stream", "customer-1", "--type", "ContactCreated", "--data", "@" + missing],
             "cannot read --data @\(missing): no such file; give --data @FILE, a file holding one JSON object, or - for standard input"),
        ]
        for (arguments, line) in cases {
            let result = try await CLI.run(["--data", scratch.data] + arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "ledgerline: \(line)\n", "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
    }

    /// A failed first import (or append) removes the store it created, and only that:
    /// folders made for it, not a folder that was there, nor what that folder held.
    @Test func aFailedImportLeavesNoNewStoreBehind() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let files = FileManager.default
        let bad = try scratch.file(
            "bad.jsonl",
            #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1","email":"nope"}}"# + "\n")
        let nested = scratch.url.appendingPathComponent("new/deeper/store").path
        let failed = try await CLI.run(["--data", nested, "import", bad])
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("nothing was appended"))
        #expect(
            !files.fileExists(atPath: scratch.url.appendingPathComponent("new").path),
            "the folders this run made are gone")

        let existing = scratch.url.appendingPathComponent("existing")
        try files.createDirectory(at: existing, withIntermediateDirectories: true)
        let kept = try scratch.file("existing/notes.txt", "mine")
        #expect(try await CLI.run(["--data", existing.path, "import", bad]).status == 65)
        #expect(try files.contentsOfDirectory(atPath: existing.path) == ["notes.txt"])
        #expect(files.fileExists(atPath: kept))

        let append = try await CLI.run(
            [
                "--data", nested, "append", "--stream", "customer-1", "--type", "ContactCreated", "--data",
                #"{"customerId":"1","email":"nope"}"#,
            ])
        #expect(append.status == 65)
        #expect(!files.fileExists(atPath: scratch.url.appendingPathComponent("new").path))

        // A store that was there stays, though the import failed; a good import still creates one.
        let good = try scratch.file(
            "good.jsonl",
            #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1","email":"a@example.com"}}"# + "\n"
        )
        #expect(try await CLI.run(["--data", nested, "import", good]).status == 0)
        #expect(try await CLI.run(["--data", nested, "import", bad]).status == 65)
        #expect(files.fileExists(atPath: nested + "/data.mdb"))
    }

    @Test func aBackupFolderTheSystemRefusesSaysWhyInPlainWords() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let result = try await CLI.run(["--data", scratch.data, "backup", "/proc/ledgerline-backup"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ledgerline: cannot create /proc/ledgerline-backup: the system does not let a folder be made in /proc (No such file or directory); name another folder\n"
        )
    }

    /// --data naming a file is not "no event store; run `ledgerline init`": init fails
    /// there too. Every command, reading or creating the store, says so in the same
    /// line with the same exit 69; so does a --data below a file.
    @Test func dataNamingAFileSaysSo() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let file = try scratch.file("afile", "not a store")
        let events = try scratch.file(
            "events.jsonl",
            #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1"}}"# + "\n")
        let line =
            "ledgerline: \(file) is a file, not a store folder; give --data (or $LEDGERLINE_DATA) the folder the store is in, or a new one\n"
        let commands = [
            ["read"], ["stats"], ["init"], ["import", events], ["import", events, "--dry-run"],
            ["append", "--stream", "customer-1", "--type", "ContactCreated", "--data", #"{"customerId":"1"}"#],
        ]
        for arguments in commands {
            let result = try await CLI.run(["--data", file] + arguments)
            #expect(result.status == 69, "\(arguments)")
            #expect(result.stderr == line, "\(arguments)")
        }
        let below = file + "/store"
        for arguments in [["init"], ["read"]] {
            let result = try await CLI.run(["--data", below] + arguments)
            #expect(result.status == 69, "\(arguments)")
            #expect(
                result.stderr
                    == "ledgerline: \(file) is a file, so \(below) cannot be a store folder; give --data (or $LEDGERLINE_DATA) the folder the store is in, or a new one\n",
                "\(arguments)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a store")
    }

    /// `--data` naming two folders (before the command and after it, or twice in one
    /// place) is refused: argument-parser kept the last, so a slip sent an import to
    /// another store without a word. One folder given twice, and `append`'s own
    /// `--data` (its payload), are fine.
    @Test func twoStoreFoldersAreRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let events = try scratch.file("events.jsonl", #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1"}}"# + "\n")
        let (a, b) = (scratch.url.appendingPathComponent("a").path, scratch.url.appendingPathComponent("b").path)
        let cases: [([String], String)] = [
            (["--data", a, "import", "--data", b, events], "import"),
            (["--data", a, "--data", b, "stats"], "stats"),
            (["stats", "--data", a, "--data=\(b)"], "stats"),
            (["--data=\(a)", "experiments", "list", "--data", b], "experiments list"),
        ]
        for (arguments, command) in cases {
            let result = try await CLI.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(
                result.stderr == "ledgerline: --data is given more than once, naming \(a) and \(b); give the store's folder once; see `ledgerline \(command) --help`\n",
                "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: a) && !FileManager.default.fileExists(atPath: b), "no store was made")
        #expect(try await CLI.run(["--data", a, "--data", a + "/", "import", "--data", a + "/./", events]).status == 0, "one folder, however spelt")
        let append = try await CLI.run(["--data", a, "append", "--stream", "customer-2", "--type", "ContactCreated", "--data", #"{"customerId":"2"}"#])
        #expect(append.status == 0, "\(append.stderr)")
    }

    /// An empty data.mdb (a copy or restore that did not finish) is refused by the
    /// commands that write as by those that read, with the same advice: an append or
    /// an import used to begin a new log over it without a word. `init`, which the
    /// advice names, starts one.
    @Test func anEmptyDataFileIsRefusedByWritersToo() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(atPath: scratch.data, withIntermediateDirectories: true)
        let dataFile = scratch.data + "/data.mdb"
        #expect(FileManager.default.createFile(atPath: dataFile, contents: nil))
        let events = try scratch.file("events.jsonl", #"{"stream":"customer-1","type":"ContactCreated","data":{"customerId":"1"}}"# + "\n")
        let line =
            "ledgerline: \(dataFile) is empty, so there is no event store in \(scratch.data) (a copy that did not finish?); restore it from a backup, or run `ledgerline init` to start a new one\n"
        let commands = [
            ["stats"], ["import", events], ["import", events, "--dry-run"],
            ["append", "--stream", "customer-1", "--type", "ContactCreated", "--data", #"{"customerId":"1"}"#],
        ]
        for arguments in commands {
            let result = try await CLI.run(["--data", scratch.data] + arguments)
            #expect(result.status == 69, "\(arguments)")
            #expect(result.stderr == line, "\(arguments): \(result.stderr)")
            #expect((try FileManager.default.attributesOfItem(atPath: dataFile)[.size] as? NSNumber)?.intValue == 0, "\(arguments)")
        }
        let initialized = try await CLI.run(["--data", scratch.data, "init"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(try await CLI.run(["--data", scratch.data, "import", events]).status == 0)
    }

    /// An empty --data is refused; an empty $LEDGERLINE_DATA counts as unset. Neither
    /// is the current folder.
    @Test func anEmptyDataIsNotTheCurrentFolder() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let line =
            "ledgerline: --data is empty; give the store's folder, or leave --data out for $LEDGERLINE_DATA or ./ledgerline-data; see `ledgerline init --help`\n"
        for arguments in [["--data", "", "init"], ["--data=", "init"], ["init", "--data", ""]] {
            let result = try await CLI.run(arguments, directory: scratch.url)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr == line, "\(arguments)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)

        let unset = try await CLI.run(["init"], environment: ["LEDGERLINE_DATA": ""], directory: scratch.url)
        #expect(unset.status == 0, "\(unset.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["ledgerline-data"])
    }
}
