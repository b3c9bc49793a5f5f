import Foundation
import JSON
import Testing

/// `ledgerline import-csv`: each class of bad input is reported where it is
/// (`FILE:LINE: column: reason` or `MAPPING:LINE: reason`), exits 65, and appends nothing.
@Suite struct ImportCSVCommandTests {
    static let header = "CustomerID,Name,Email,Date,Amount"
    static let good = [
        "1,Ana,ana@example.com,2024-01-05,12.50",
        "2,\"Bo, Jr.\",bo@example.com,2024-01-06,\"$1,200\"",
        "3,Cy,cy@example.com,2024-01-07,7",
    ]
    static let mapping = """
        actor: integration:shop
        events:
          - type: ContactCreated
            stream: "customer-{CustomerID}"
            id: "shop-contact-{CustomerID}"
            data:
              customerId: "{CustomerID}"
              firstName: "{Name}"
              email: "{Email}"
          - type: OrderPlaced
            stream: "customer-{CustomerID}"
            id: "shop-order-{line}"
            occurredAt: { column: Date, format: "%Y-%m-%d" }
            data:
              customerId: "{CustomerID}"
              quantity: 1
              amount: { column: Amount, type: money }
              currency: USD

        """

    private func head(_ data: String) async throws -> Int {
        let stats = try await CLI.run(["--data", data, "stats", "--json"])
        guard stats.status == 0 else { return 0 }
        return try JSONParser.parse(stats.stdout)["head"]?.numberValue?.int64Value.map(Int.init) ?? -1
    }

    /// Imports `rows` under the header with `mapping`; returns the outcome and the paths.
    private func run(
        _ scratch: Scratch, rows: [String], mapping: String = ImportCSVCommandTests.mapping, extra: [String] = []
    ) async throws -> (CLI.Outcome, csv: String, yaml: String) {
        let csv = try scratch.file("shop.csv", ([Self.header] + rows).joined(separator: "\r\n") + "\r\n")
        let yaml = try scratch.file("shop.yaml", mapping)
        return (try await CLI.run(["--data", scratch.data, "import-csv", csv, "--mapping", yaml] + extra), csv, yaml)
    }

    @Test func goodRowsAreImportedAndReimportingAppendsNothing() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (first, _, _) = try await run(scratch, rows: Self.good, extra: ["--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try JSONParser.parse(first.stdout)
        #expect(summary["rows"] == 3)
        #expect(summary["appended"] == 6)
        #expect(summary["types"] == ["ContactCreated": 3, "OrderPlaced": 3])
        let (second, _, _) = try await run(scratch, rows: Self.good, extra: ["--json"])
        #expect(try JSONParser.parse(second.stdout)["appended"] == 0)
        #expect(try JSONParser.parse(second.stdout)["duplicates"] == 6)
        #expect(try await head(scratch.data) == 6)
        let order = try JSONParser.parse(
            try await CLI.run(["--data", scratch.data, "read", "--type", "OrderPlaced", "--limit", "2"]).stdout.split(
                separator: "\n")[1].description)
        #expect(order["data"] == ["customerId": "2", "quantity": 1, "amount": "1200.00", "currency": "USD"])
        #expect(order["occurredAt"] == "2024-01-06T00:00:00Z")
        #expect(order["actor"] == "integration:shop")
    }

    @Test func aRowTheStoreHoldsWithOtherContentAppendsNothingFromAnyBatch() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // Contacts only, keyed by customer.
        let contacts = """
            events:
              - type: ContactCreated
                stream: "customer-{CustomerID}"
                id: "shop-contact-{CustomerID}"
                data:
                  customerId: "{CustomerID}"
                  email: "{Email}"

            """
        #expect(try await run(scratch, rows: Self.good, mapping: contacts).0.status == 0)
        // 300 new customers, then customer 1 with another email: its event's id is
        // stored with other content. Checked in two halves and appended a half at a
        // time, the first half would be appended before the second is refused; the
        // import plans every batch before appending any.
        let rows = (4..<304).map { "\($0),C\($0),c\($0)@example.com,2024-01-08,3" } + ["1,Ana,ana@example.org,2024-01-10,5"]
        let (outcome, csv, _) = try await run(scratch, rows: rows, mapping: contacts, extra: ["--batch-size", "100"])
        #expect(outcome.status == 75, "a conflict with what the store holds, as for `append`")
        #expect(outcome.stderr.hasPrefix("ledgerline: \(csv):302: event "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(" is stored already at position 1 with different content"), "\(outcome.stderr)")
        // The id is derived from the row: the advice is about the row and the mapping.
        #expect(
            outcome.stderr.contains(
                "with different content; the row changed since it was imported, and its `id` key still gives the stored event's id: "
                    + "record a change as an event that says so"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("give a changed event a new id"), "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix("\(csv): nothing was appended; fix the lines above and run the import again\n"), "\(outcome.stderr)")
        #expect(try await head(scratch.data) == 3)
    }

    /// A mapping may come through a pipe (`--mapping <(envsubst < m.yaml)`): it used to
    /// be refused as "not UTF-8 text". An empty one says it is empty.
    @Test func aMappingReadsFromAPipe() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let csv = try scratch.file("shop.csv", ([Self.header] + Self.good).joined(separator: "\r\n") + "\r\n")
        let yaml = try scratch.file("shop.yaml", Self.mapping)
        let piped = try await CLI.runShell(
            #"ledgerline --data "$D" import-csv "$CSV" --json --mapping <(cat "$MAPPING")"#, directory: scratch.url,
            environment: ["D": scratch.data, "CSV": csv, "MAPPING": yaml])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try JSONParser.parse(piped.stdout)["appended"] == 6)

        let empty = try await CLI.run(["--data", scratch.data, "import-csv", csv, "--mapping", "/dev/null"])
        #expect(empty.status == 65)
        #expect(empty.stderr.hasPrefix("ledgerline: /dev/null: the mapping is empty; start with `events:`\n"), "\(empty.stderr)")
    }

    /// A file of a header alone imports nothing and says so, without an empty list of types.
    @Test func aHeaderAloneImportsNothingAndSaysSoPlainly() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, csv, _) = try await run(scratch, rows: [])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("\(csv): 0 rows, 0 events: 0 appended, 0 already stored, head 0"), "\(outcome.stdout)")
        let (dry, _, _) = try await run(scratch, rows: [], extra: ["--dry-run"])
        #expect(dry.stdout.hasPrefix("\(csv): 0 rows would yield 0 events: 0 would be appended"), "\(dry.stdout)")
    }

    @Test func dryRunChecksEverythingAndAppendsNothing() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, csv, _) = try await run(scratch, rows: Self.good, extra: ["--dry-run"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains(
                "\(csv): 3 rows would yield 6 events (3 ContactCreated, 3 OrderPlaced): 6 would be appended, 0 already stored, "
                    + "head would be 6; nothing was appended (dry run)"), "\(outcome.stdout)"
        )
        // Without a store, the dry run planned against an empty log and created none.
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
        // Against a store: the rows imported already would be skipped.
        let (imported, _, _) = try await run(scratch, rows: Array(Self.good.prefix(2)))
        #expect(imported.status == 0, "\(imported.stderr)")
        let (again, _, _) = try await run(scratch, rows: Self.good, extra: ["--dry-run", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try JSONParser.parse(again.stdout)
        #expect(summary["dryRun"] == true)
        #expect(summary["wouldAppend"] == 2)
        #expect(summary["duplicates"] == 4)
        #expect(summary["head"] == 6)
        #expect(summary["appended"] == nil)
        #expect(try await head(scratch.data) == 4)
    }

    /// Each class of bad row, the reason given for it, and that nothing lands.
    @Test(arguments: [
        (
            "4,Di,di@example.com,2024-02-30,1.00",
            "Date: \"2024-02-30\" does not match the date format %Y-%m-%d: February 2024 has no day 30"
        ),
        ("4,Di,di@example.com,05/01/2024,1.00", "Date: \"05/01/2024\" does not match the date format %Y-%m-%d"),
        (
            "4,Di,di@example.com,2024-02-01,12.3.4",
            "Amount: \"12.3.4\" is not a money amount: more than one decimal separator"
        ),
        (
            "4,Di,di@example.com,2024-02-01,\"1,23,4\"",
            "Amount: \"1,23,4\" is not a money amount: its digits are grouped oddly"
        ),
        (
            "4,Di,di@example.com,2024-02-01,1,000.00",
            "expected 5 fields as in the header, found 6 (a value that holds the delimiter must be quoted)"
        ),
        ("4,Di,di@example.com,2024-02-01", "expected 5 fields as in the header, found 4"),
        ("4,Di,not-an-email,2024-02-01,1.00", "customer-4 ContactCreated v1: /data/email:"),
        ("4,Di,di@example.com,2024-02-01,-1.00", "customer-4 OrderPlaced v1: /data/amount:"),
        ("4,Di,di@example.com,,1.00", "Date: is empty; the mapping needs a value for `occurredAt`"),
        (
            ",Di,di@example.com,2024-02-01,1.00",
            "CustomerID: is empty, and the stream `customer-{CustomerID}` (mapping line 4) needs it"
        ),
        (
            "4 4,Di,di@example.com,2024-02-01,1.00",
            "stream \"customer-4 4\" from `customer-{CustomerID}`: a stream name may not contain whitespace"
        ),
        ("4,\"Di\"x,di@example.com,2024-02-01,1.00", "text after the closing quote of a quoted field"),
        // A NUL used to be stored as \u0000; no control character but tab and line
        // breaks is text, quoted or not.
        (
            "4,D\u{0}i,di@example.com,2024-02-01,1.00",
            "Name: holds a NUL byte (0x00), which no text holds: the file is probably not UTF-8 text "
                + "(UTF-16 puts a NUL beside every Latin letter) or has binary data in it; "
                + "save it as UTF-8 (in Excel: CSV UTF-8; `iconv -f UTF-16 -t UTF-8` converts UTF-16), or remove the binary data"
        ),
        (
            "4,\"Di\u{1B}[31m\",di@example.com,2024-02-01,1.00",
            "Name: holds the control character 0x1B, which no text holds"
        ),
    ])
    func badRowIsReportedWithFileLineAndColumnAndNothingIsAppended(row: String, reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, csv, _) = try await run(scratch, rows: Self.good + [row] + ["5,Ed,ed@example.com,2024-01-09,3.00"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("ledgerline: \(csv):5: \(reason)"), "\(outcome.stderr)")
        #expect(
            outcome.stderr.contains(
                "ledgerline: \(csv): nothing was appended; fix the lines above and run the import again"))
        #expect(try await head(scratch.data) == 0)
    }

    /// A file saved as UTF-16 or Latin-1, a workbook, a compressed file, old Mac line ends, or another
    /// delimiter than the mapping's: one line at the header saying which and what to do,
    /// not a line per column the header seems to lack.
    @Test(arguments: [
        ("utf16", "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8; save it as UTF-8"),
        ("cr", "the header row runs into the next line: the file's lines end in a carriage return alone"),
        ("semicolon", "the header row is one column, \"CustomerID;Name;Email;Date;Amount\": its names are separated by \";\"; set `csv: { delimiter: \";\" }` in the mapping"),
        ("tab", "the header row is one column, \"CustomerID\\tName\\tEmail\\tDate\\tAmount\": its names are separated by tabs; set `csv: { delimiter: tab }` in the mapping"),
        ("latin1", "the header row is not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"),
        ("zip", "the file is a zip archive (an .xlsx workbook?), not delimited text; save the sheet as CSV UTF-8"),
        ("zstd", "the file is compressed with zstd, not delimited text; unpack it in a pipe: `zstd -dc CSV | ledgerline --data DATA import-csv - --mapping YAML`"),
        ("xz", "the file is compressed with xz, not delimited text; unpack it in a pipe: `xz -dc CSV | ledgerline --data DATA import-csv - --mapping YAML`"),
    ])
    func aFileInAnotherEncodingLineEndOrDelimiterIsNamedAtItsHeader(form: String, reason: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let text = ([Self.header] + Self.good.prefix(1)).joined(separator: "\n") + "\n"
        let bytes: Data =
            switch form {
            case "utf16": Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
            case "cr": Data(text.replacingOccurrences(of: "\n", with: "\r").utf8)
            case "semicolon": Data(text.replacingOccurrences(of: ",", with: ";").utf8)
            case "latin1": text.replacingOccurrences(of: "Name", with: "Nom du client é").data(using: .isoLatin1)!
            case "zip": Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]) + Data(text.utf8)
            case "zstd": Data([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58, 0x0D, 0x02]) + Data(text.utf8)
            case "xz": Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04]) + Data(text.utf8)
            default: Data(text.replacingOccurrences(of: ",", with: "\t").utf8)
            }
        let csv = scratch.url.appendingPathComponent("shop.csv").path
        try bytes.write(to: URL(fileURLWithPath: csv))
        let yaml = try scratch.file("shop.yaml", Self.mapping)
        let outcome = try await CLI.run(["--data", scratch.data, "import-csv", csv, "--mapping", yaml])
        #expect(outcome.status == 65)
        let expected = reason.replacing("CSV |", with: "\(csv) |").replacing("DATA", with: scratch.data).replacing("YAML", with: yaml)
        #expect(outcome.stderr.hasPrefix("ledgerline: \(csv):1: \(expected)"), "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 2, "\(outcome.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    /// `-` reads the rows from standard input, as they come through a pipe; a compressed
    /// stream there is named as such, with the unpacking step put in the pipe, and
    /// nothing is appended.
    @Test func rowsComeFromStandardInputAndACompressedStreamIsNamed() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let csv = try scratch.file("shop.csv", ([Self.header] + Self.good).joined(separator: "\n") + "\n")
        let yaml = try scratch.file("shop.yaml", Self.mapping)
        let packed = try await CLI.runShell(
            "gzip -c \(csv) | ledgerline --data \(scratch.data) import-csv - --mapping \(yaml)", directory: scratch.url)
        #expect(packed.status == 65, "\(packed.stderr)")
        #expect(
            packed.stderr.hasPrefix(
                "ledgerline: <stdin>:1: standard input is compressed with gzip, not delimited text; unpack it in a pipe: "
                    + "`… | gzip -dc | ledgerline --data \(scratch.data) import-csv - --mapping \(yaml)`"), "\(packed.stderr)")
        #expect(try await head(scratch.data) == 0)
        let piped = try await CLI.runShell(
            "gzip -c \(csv) | gzip -dc | ledgerline --data \(scratch.data) import-csv - --mapping \(yaml) --json", directory: scratch.url)
        #expect(piped.status == 0, "\(piped.stderr)")
        let summary = try JSONParser.parse(piped.stdout)
        #expect(summary["file"] == "<stdin>")
        #expect(summary["rows"] == .number(JSONNumber(Self.good.count)))
        let direct = try await CLI.run(["--data", scratch.data, "import-csv", csv, "--mapping", yaml, "--json"])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(try JSONParser.parse(direct.stdout)["duplicates"] == summary["appended"], "the same rows give the same ids")
    }

    /// Tabs and line breaks in a quoted cell are text, and are kept.
    @Test func aTabOrALineBreakInAQuotedCellIsKept() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, _, _) = try await run(scratch, rows: ["4,\"Di\tAnn\nLee\",di@example.com,2024-02-01,1.00"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let read = try await CLI.run(["--data", scratch.data, "read", "--type", "ContactCreated"])
        let event = try JSONParser.parse(read.stdout.split(separator: "\n").first.map(String.init) ?? "")
        #expect(event["data"]?["firstName"] == .string("Di\tAnn\nLee"))
    }

    @Test func aQuoteNeverClosedIsReportedAtTheLineItOpens() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, csv, _) = try await run(
            scratch, rows: Self.good + ["4,\"Di,di@example.com,2024-02-01,1.00", "5,Ed,ed@example.com,2024-01-09,3.00"])
        #expect(outcome.status == 65)
        #expect(
            outcome.stderr.contains("\(csv):5: a quoted field opened on this line is never closed"), "\(outcome.stderr)"
        )
        #expect(try await head(scratch.data) == 0)
    }

    /// An actor made from a column is held to the store's rule: no control characters.
    @Test func anActorWithAControlCharacterIsAReportedRow() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let mapping = Self.mapping.replacingOccurrences(of: "actor: integration:shop", with: "actor: \"user:{Name}\"")
        let (outcome, csv, _) = try await run(scratch, rows: Self.good + ["4,\"Di\nEd\",di@example.com,2024-02-01,1.00"], mapping: mapping)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("\(csv):5: ContactCreated: an actor may not contain control characters"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.data), "the failed first import left no store")
    }

    @Test func everyBadRowIsReportedUpToTheCap() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let bad = (0..<30).map { "\(10 + $0),X,x\($0)@example.com,2024-13-01,1.00" }
        let (outcome, csv, _) = try await run(scratch, rows: Self.good + bad, extra: ["--max-problems", "25"])
        #expect(outcome.status == 65)
        for line in 5..<30 { #expect(outcome.stderr.contains("\(csv):\(line): Date: \"2024-13-01\"")) }
        #expect(!outcome.stderr.contains("\(csv):30: "))
        #expect(outcome.stderr.contains("\(csv): … and 5 more bad lines"), "\(outcome.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    @Test func rowsWhoseIDKeysCollideAreRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (outcome, csv, _) = try await run(scratch, rows: Self.good + ["2,Bo,bo@example.com,2024-01-08,5.00"])
        #expect(outcome.status == 65)
        #expect(
            outcome.stderr.contains(
                "\(csv):5: its ContactCreated event has the same id key as line 3's: `shop-contact-{CustomerID}` (mapping line 5) must tell rows apart"
            ),
            "\(outcome.stderr)")
        #expect(try await head(scratch.data) == 0)
    }

    /// Each class of bad mapping, reported at its line in the mapping.
    @Test(arguments: [
        (
            #"stream: "customer-{CustomerID}""#, #"stream: "customer-{CustomerId}""#,
            #"4: no column "CustomerId" in the header of CSV; did you mean "CustomerID"?"#
        ),
        (
            "column: Amount,", "column: Total,",
            #"17: no column "Total" in the header of CSV; its columns are "CustomerID", "Name", "Email", "Date", "Amount""#
        ),
        ("type: OrderPlaced", "type: OrderPlacd", #"10: unknown event type "OrderPlacd"; did you mean "OrderPlaced"?"#),
        ("quantity: 1", "quantity: a: 1", "16: is not valid YAML: mapping values are not allowed"),
        (
            "format: \"%Y-%m-%d\"", "format: \"%Y-%M\"",
            "13: `occurredAt.format`: `%Y-%M` needs a month (%m or %b) and a day (%d)"
        ),
        (
            "type: money", "type: decimal",
            "17: `amount.type`: unknown type `decimal`; known: string, integer, number, money, boolean, date, datetime"
        ),
        (#"id: "shop-order-{line}""#, "", "10: the event has no `id:` key"),
    ])
    func badMappingIsReportedAtItsLineAndNothingIsAppended(original: String, replacement: String, message: String)
        async throws
    {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let mapping = Self.mapping.replacingOccurrences(of: original, with: replacement)
        #expect(mapping != Self.mapping)
        let (outcome, csv, yaml) = try await run(scratch, rows: Self.good, mapping: mapping)
        #expect(outcome.status == 65)
        let expected = "ledgerline: \(yaml):" + message.replacingOccurrences(of: "CSV", with: csv)
        #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("nothing was imported"))
        #expect(try await head(scratch.data) == 0)
    }

    @Test func missingFilesAreNamed() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let csv = try scratch.file("a.csv", Self.header + "\n")
        let missing = try await CLI.run([
            "--data", scratch.data, "import-csv", csv, "--mapping",
            scratch.url.appendingPathComponent("none.yaml").path,
        ])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("cannot read the mapping"))
        let empty = try await CLI.run([
            "--data", scratch.data, "import-csv", try scratch.file("empty.csv", ""), "--mapping",
            try scratch.file("m.yaml", Self.mapping),
        ])
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("the file is empty; expected a header row"), "\(empty.stderr)")
    }
}
