import Foundation
import JSON
import Testing

/// `project`, `customers`, `pipeline` and `tasks` through the real executable.
@Suite struct ViewCommandsTests {
    /// A small CRM log, catalog-valid, as JSON Lines for `import`.
    static let log = """
        {"stream":"customer-1","type":"ContactCreated","occurredAt":"2026-01-01T09:00:00Z","data":{"customerId":"1","firstName":"Ana","lastName":"Lopez","email":"ana@example.com","ownerId":"rep-1"}}
        {"stream":"customer-1","type":"OrderPlaced","occurredAt":"2026-01-05T09:00:00Z","data":{"customerId":"1","orderId":"O-1","quantity":1,"amount":"100.10","currency":"USD"}}
        {"stream":"customer-1","type":"OrderPlaced","occurredAt":"2026-01-06T09:00:00Z","data":{"customerId":"1","orderId":"O-2","quantity":1,"amount":"0.20","currency":"USD"}}
        {"stream":"deal-7","type":"DealCreated","occurredAt":"2026-01-02T09:00:00Z","data":{"dealId":"7","name":"Acme","pipeline":"default","stage":"new","ownerId":"rep-1","customerId":"1","amount":"1000.00","currency":"USD"}}
        {"stream":"deal-7","type":"DealStageChanged","occurredAt":"2026-01-04T09:00:00Z","data":{"dealId":"7","fromStage":"new","toStage":"proposal","pipeline":"default"}}
        {"stream":"deal-8","type":"DealCreated","occurredAt":"2026-01-02T09:00:00Z","data":{"dealId":"8","name":"Beta","pipeline":"default","stage":"new","ownerId":"rep-2"}}
        {"stream":"deal-8","type":"DealLost","occurredAt":"2026-01-03T09:00:00Z","data":{"dealId":"8","reason":"price"}}
        {"stream":"deal-9","type":"DealCreated","occurredAt":"2026-01-02T09:00:00Z","data":{"dealId":"9","name":"Gamma","pipeline":"default","stage":"qualified","ownerId":"rep-2"}}
        {"stream":"deal-9","type":"DealWon","occurredAt":"2026-01-12T09:00:00Z","data":{"dealId":"9","amount":"500","currency":"USD"}}
        {"stream":"task-1","type":"TaskCreated","occurredAt":"2026-01-02T09:00:00Z","actor":"user:rep-1","data":{"taskId":"1","title":"Call Ana","assigneeId":"rep-1","dueAt":"2026-01-03T09:00:00Z"}}

        """

    /// A store in `scratch` holding the events of `log` (JSON Lines): ``log`` unless given.
    @discardableResult
    func store(_ scratch: Scratch, log: String = Self.log) async throws -> String {
        let file = try scratch.file("log.jsonl", log)
        let result = try await CLI.run(["--data", scratch.data, "import", file])
        try #require(result.status == 0, "\(result.stderr)")
        return scratch.data
    }

    func json(_ arguments: [String]) async throws -> JSONValue {
        let result = try await CLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONParser.parse(result.stdout)
    }

    @Test func customerShowAnswersFromTheViewWithExactMoneyAndAsOf() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let ana = try await json(["--data", data, "customers", "show", "1", "--json", "--now", "2026-01-16"])
        #expect(ana["identity"]?["name"] == "Ana Lopez")
        #expect(ana["orders"]?["total"]?["USD"] == "100.30")
        #expect(ana["rfm"]?["recencyDays"] == 9)
        #expect(ana["lifecycle"]?["stage"] == "customer")
        let earlier = try await json(["--data", data, "customers", "show", "1", "--json", "--as-of", "2"])
        #expect(earlier["orders"]?["count"] == 1)
        #expect(earlier["asOf"]?["position"] == 2)
        let table = try await CLI.run(["--data", data, "customers", "list"])
        #expect(table.stdout.contains("Ana Lopez"))
    }

    @Test func pipelineSummaryFunnelAndDealUseTheConfiguration() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let config = try scratch.file("pipelines.yaml", TestConfig.yaml)
        let summary = try await json(["--data", data, "pipeline", "summary", "--pipelines", config, "--json"])
        let section = try #require(summary["pipelines"]?[0])
        #expect(section["winRate"] == 0.5)
        #expect(section["open"]?["weighted"]?["USD"] == "500.000")  // 1000.00 × 0.5, exact
        let funnel = try await json(["--data", data, "pipeline", "funnel", "--pipelines", config, "--json"])
        let reached = (funnel["pipelines"]?[0]?["stages"]?.arrayValue ?? []).map { $0["reached"] }
        #expect(reached == [3, 2, 2, 1])
        let deal = try await json(["--data", data, "pipeline", "deal", "7", "--pipelines", config, "--json"])
        #expect(deal["status"] == "open")
        #expect(deal["history"]?[0]?["days"] == 2)
        let owners = try await CLI.run(["--data", data, "pipeline", "summary", "--by", "owner", "--pipelines", config])
        #expect(owners.status == 0)
        #expect(owners.stdout.contains("rep-2"))
    }

    /// The configuration may come through a pipe (`--pipelines <(envsubst < f)`): it
    /// used to fail with "you don't have permission", even for root. A folder or an
    /// empty file says what it is.
    @Test func pipelinesReadFromAPipeAndRefuseAFolderOrAnEmptyFileSayingSo() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let config = try scratch.file("pipelines.yaml", TestConfig.yaml)
        let piped = try await CLI.runShell(
            #"ledgerline --data "$D" pipeline summary --json --pipelines <(cat "$C")"#, directory: scratch.url, environment: ["D": data, "C": config])
        #expect(piped.status == 0, "\(piped.stderr)")
        let direct = try await json(["--data", data, "pipeline", "summary", "--pipelines", config, "--json"])
        #expect(try JSONParser.parse(piped.stdout) == direct)

        let folder = try await CLI.run(["--data", data, "pipeline", "summary", "--pipelines", scratch.url.path])
        #expect(folder.status == 66)
        #expect(folder.stderr == "ledgerline: \(scratch.url.path): cannot read the pipeline configuration: it is a folder, not a file; pass --pipelines FILE\n")
        let empty = try await CLI.run(["--data", data, "pipeline", "summary", "--pipelines", "/dev/null"])
        #expect(empty.status == 65)
        #expect(empty.stderr == "ledgerline: /dev/null:1: the file is empty; start with `pipelines:`\n")
    }

    /// `--sort monetary` put 1,000 JPY above 100 EUR (the largest amount in any
    /// currency). It ranks by one currency, the one most orders are in unless `--currency`
    /// says, and the table's header and the JSON say which.
    @Test func customersListRanksMonetaryByOneCurrencyAndSaysWhich() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        try await store(
            scratch,
            log: """
            {"stream":"customer-J","type":"OrderPlaced","data":{"customerId":"J","quantity":1,"amount":"1000","currency":"JPY"}}
            {"stream":"customer-E","type":"OrderPlaced","data":{"customerId":"E","quantity":1,"amount":"100.00","currency":"EUR"}}
            {"stream":"customer-F","type":"OrderPlaced","data":{"customerId":"F","quantity":1,"amount":"60.00","currency":"EUR"}}

            """)
        let list = try await json(["--data", scratch.data, "customers", "list", "--sort", "monetary", "--json"])
        #expect(list["customers"]?.arrayValue?.compactMap { $0["customerId"]?.stringValue } == ["E", "F", "J"])
        #expect(list["sort"]?["currency"] == "EUR")
        let yen = try await json([
            "--data", scratch.data, "customers", "list", "--sort", "monetary", "--currency", "JPY", "--json",
        ])
        #expect(yen["customers"]?.arrayValue?.compactMap { $0["customerId"]?.stringValue } == ["J", "E", "F"])
        let table = try await CLI.run(["--data", scratch.data, "customers", "list", "--sort", "monetary"])
        #expect(table.stdout.contains("MONETARY (RANKED BY EUR)"), "\(table.stdout)")
        #expect(table.stdout.contains("3 of 3 customers by monetary in EUR"), "\(table.stdout)")
    }

    /// Tables rounded money to two decimals, so `1000.005 EUR` read `1,000.00 EUR`,
    /// where amounts are exact everywhere else. They show every decimal an amount has,
    /// at least two, without trailing zeros past the second.
    @Test func tablesShowEveryDecimalAnAmountHas() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        try await store(
            scratch,
            log: """
            {"stream":"customer-E","type":"OrderPlaced","data":{"customerId":"E","quantity":1,"amount":"1000.005","currency":"EUR"}}
            {"stream":"customer-J","type":"OrderPlaced","data":{"customerId":"J","quantity":1,"amount":"1000","currency":"JPY"}}
            {"stream":"customer-J","type":"OrderPlaced","data":{"customerId":"J","quantity":1,"amount":"250.5000","currency":"JPY"}}

            """)
        let list = try await CLI.run(["--data", scratch.data, "customers", "list"])
        #expect(list.stdout.contains("1,000.005 EUR"), "\(list.stdout)")
        #expect(list.stdout.contains("1,250.50 JPY"), "\(list.stdout)")
        let show = try await CLI.run(["--data", scratch.data, "customers", "show", "E"])
        #expect(show.stdout.contains("1,000.005 EUR"), "\(show.stdout)")
        #expect(!show.stdout.contains("1,000.00 EUR"), "\(show.stdout)")
        let json = try await json(["--data", scratch.data, "customers", "show", "J", "--json"])
        #expect(json["orders"]?["total"]?["JPY"] == "1250.5000")
    }

    /// `pipeline summary --pipeline nope` reported a pipeline of that name, "not
    /// configured: stage order inferred from the deals", with no deal in it, and exited
    /// 0, so a typo looked like an empty pipeline. A pipeline no deal is in that the
    /// configuration does not list is refused (65), naming the pipelines there are; a
    /// configured one without deals is still reported.
    @Test func aPipelineNeitherConfiguredNorHoldingADealIsRefused() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let config = try scratch.file("pipelines.yaml", TestConfig.yaml)
        for command in ["summary", "funnel"] {
            let result = try await CLI.run([
                "--data", data, "pipeline", command, "--pipeline", "nope", "--pipelines", config,
            ])
            #expect(result.status == 65)
            #expect(
                result.stderr
                    == "ledgerline: there is no pipeline nope: no deal is in it and \(config) does not configure it; the pipelines are default; check --pipeline\n"
            )
            #expect(result.stdout.isEmpty)
        }
        let renewal = try scratch.file(
            "renewal.yaml", TestConfig.yaml + "\n  - id: renewal\n    stages:\n      - { id: upcoming, probability: 0.7 }\n")
        for pipeline in ["renewal", "Default"] {
            let result = try await CLI.run([
                "--data", data, "pipeline", "summary", "--pipeline", pipeline, "--pipelines", renewal,
            ])
            #expect(result.status == 0, "\(pipeline): \(result.stderr)")
        }
    }

    @Test func tasksListShowsOverdueAgainstNow() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let overdue = try await json(["--data", data, "tasks", "list", "--overdue", "--now", "2026-01-04", "--json"])
        #expect(overdue["tasks"]?.arrayValue?.count == 1)
        #expect(overdue["tasks"]?[0]?["source"]?["type"] == "person")
        let notYet = try await json(["--data", data, "tasks", "list", "--overdue", "--now", "2026-01-02", "--json"])
        #expect(notYet["tasks"]?.arrayValue?.count == 0)
    }

    /// Every query names the point it answers at. `tasks list --json` and `tasks summary
    /// --json` had no `asOf` (the customers and pipeline commands have one), their text no
    /// "as of position N" footer, and the summary's JSON carried the list's `tasks` and
    /// `matched`.
    @Test func tasksNameTheirPointLikeTheOtherViewsAndTheSummaryHoldsCountsOnly() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let list = try await json(["--data", data, "tasks", "list", "--now", "2026-01-04", "--json"])
        #expect(list["asOf"]?["position"] == 10)
        #expect(list["asOf"]?["referenceTime"] == "2026-01-04T00:00:00Z")
        #expect(list["asOf"]?["head"] == true)
        #expect(list["matched"] == 1 && list["tasks"]?[0]?["overdue"] == true)
        #expect(list["assignees"] == nil)
        let summary = try await json(["--data", data, "tasks", "summary", "--as-of", "9", "--json"])
        #expect(summary["asOf"]?["position"] == 9)
        #expect(summary["asOf"]?["head"] == false)
        #expect(summary["tasks"] == nil && summary["matched"] == nil && summary["referenceTime"] == nil)
        #expect(summary["assignees"]?.arrayValue?.count == 0)
        for command in [["tasks", "list"], ["tasks", "summary"]] {
            let text = try await CLI.run(["--data", data] + command + ["--now", "2026-01-04"])
            #expect(text.stdout.hasSuffix("as of position 10 (head) · now 2026-01-04T00:00:00Z\n"), "\(text.stdout)")
        }
    }

    @Test func aRebuildHasTheDigestTheLiveViewHad() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let live = try await json(["--data", data, "project", "digest", "--json"])
        let rebuild = try await CLI.run(["--data", data, "project", "rebuild"])
        #expect(rebuild.status == 0)
        #expect(rebuild.stdout.contains("rebuilt customers, pipeline, tasks: 10 events"))
        let rebuilt = try await json(["--data", data, "project", "digest", "--json"])
        #expect(live == rebuilt)
        let status = try await json(["--data", data, "project", "status", "--json"])
        #expect(status.arrayValue?.map { $0["lag"] } == [0, 0, 0])
    }

    /// B merges A, then A merges B (an import does not know the merges disagree):
    /// `customers list` used to show no one, both contacts "merged into" each other,
    /// A's order with them. The later merge's survivor is listed with the order, the
    /// other says where it went, and a rebuild agrees with the live view.
    @Test func customersMergedBackAndForthLeaveTheLaterSurvivorListed() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        try await store(
            scratch,
            log: """
            {"stream":"customer-A","type":"ContactCreated","occurredAt":"2026-01-01T00:00:00Z","data":{"customerId":"A"}}
            {"stream":"customer-B","type":"ContactCreated","occurredAt":"2026-01-01T00:00:00Z","data":{"customerId":"B"}}
            {"stream":"customer-A","type":"OrderPlaced","occurredAt":"2026-01-02T00:00:00Z","data":{"customerId":"A","orderId":"o1","quantity":1,"amount":"10.00","currency":"USD"}}
            {"stream":"customer-B","type":"ContactMerged","occurredAt":"2026-01-03T00:00:00Z","data":{"customerId":"B","mergedCustomerIds":["A"]}}
            {"stream":"customer-A","type":"ContactMerged","occurredAt":"2026-01-04T00:00:00Z","data":{"customerId":"A","mergedCustomerIds":["B"]}}

            """)
        let list = try await json(["--data", scratch.data, "customers", "list", "--json"])
        #expect(list["customers"]?.arrayValue?.compactMap { $0["customerId"]?.stringValue } == ["A"])
        #expect(list["customers"]?[0]?["monetary"]?["USD"] == "10.00")
        let b = try await json(["--data", scratch.data, "customers", "show", "B", "--json"])
        #expect(b["mergedInto"] == "A")
        let live = try await json(["--data", scratch.data, "project", "digest", "--json"])
        #expect(try await CLI.run(["--data", scratch.data, "project", "rebuild"]).status == 0)
        #expect(try await json(["--data", scratch.data, "project", "digest", "--json"]) == live)
    }

    // MARK: - Bad input: one line on stderr, a non-zero exit

    @Test(arguments: [
        (["customers", "show", "nobody"], "ledgerline: there is no customer nobody in the customer view", 65),
        (["pipeline", "deal", "nope"], "ledgerline: there is no deal nope in the pipeline view", 65),
        (
            ["customers", "show", "1", "--as-of", "999"],
            "ledgerline: --as-of 999 is past the end of the log (its last position is 10)", 65
        ),
        // A file that cannot be read is input that is missing (66), not wrong (65).
        (
            ["pipeline", "summary", "--pipelines", "/nonexistent.yaml"],
            "ledgerline: /nonexistent.yaml: cannot read the pipeline configuration", 66
        ),
    ] as [([String], String, Int32)])
    func badInputGetsOneClearLineAndItsExitCode(arguments: [String], message: String, status: Int32) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let result = try await CLI.run(["--data", data] + arguments)
        #expect(result.status == status)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// A time or position that does not parse, or a period that ends before it starts,
    /// is wrong whatever the views hold: a usage error (64), as `read --since` and every
    /// other option, refused before the store is opened.
    @Test(arguments: [
        (
            ["customers", "show", "1", "--as-of", "yesterday"],
            "--as-of \"yesterday\" is neither a log position (a whole number such as 1200) nor a time such as 2026-11-25T14:03:00Z or 2026-11-25; "
                + "see `ledgerline customers show --help`"
        ),
        (
            ["tasks", "list", "--now", "soon"],
            "--now \"soon\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25; see `ledgerline tasks list --help`"
        ),
        (
            ["pipeline", "funnel", "--from", "Q1"],
            "--from \"Q1\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25; see `ledgerline pipeline funnel --help`"
        ),
        (
            ["pipeline", "summary", "--from", "2026-02-01", "--to", "2026-01-01"],
            "--to 2026-01-01T00:00:00Z is not after --from 2026-02-01T00:00:00Z; give a period that ends after it starts; "
                + "see `ledgerline pipeline summary --help`"
        ),
    ])
    func aMalformedTimeOrPeriodIsAUsageError(arguments: [String], line: String) async throws {
        try await CLI.expectUsageError(arguments, line)
    }

    /// A sort field, stage, grouping or status the command does not know is wrong
    /// whatever the views hold: a usage error (64) naming the values it takes, found
    /// before the store is opened. These were 65, found after reading the views.
    @Test(arguments: [
        (
            ["customers", "list", "--sort", "shoe-size"],
            "--sort shoe-size is not a field to sort by; use one of id, name, stage, created, last-activity, recency, frequency, monetary, engagement; "
                + "see `ledgerline customers list --help`"
        ),
        (
            ["customers", "list", "--stage", "prospect"],
            "--stage prospect is not a lifecycle stage; use one of subscriber, lead, mql, sql, opportunity, customer, churned; "
                + "see `ledgerline customers list --help`"
        ),
        (
            ["pipeline", "summary", "--by", "region"],
            "--by region is not a grouping; use stage or owner; see `ledgerline pipeline summary --help`"
        ),
        (
            ["tasks", "list", "--status", "done"],
            "--status done is not a task status; use open, completed, cancelled or all; see `ledgerline tasks list --help`"
        ),
        // Every enumerated option takes its values as listed: --status Open was refused
        // while --stage Customer was accepted.
        (
            ["customers", "list", "--stage", "Customer"],
            "--stage Customer is not a lifecycle stage; use one of subscriber, lead, mql, sql, opportunity, customer, churned; "
                + "see `ledgerline customers list --help`"
        ),
        (
            ["tasks", "list", "--status", "Open"],
            "--status Open is not a task status; use open, completed, cancelled or all; see `ledgerline tasks list --help`"
        ),
        // An empty id names nothing whatever the views hold; it was "there is no
        // customer  in the customer view" (65).
        (
            ["customers", "show", ""],
            "the customer id is empty; give a customerId, as `ledgerline customers list` shows them; "
                + "see `ledgerline customers show --help`"
        ),
        (
            ["pipeline", "deal", ""],
            "the deal id is empty; give a dealId, as the pipeline's events name it; see `ledgerline pipeline deal --help`"
        ),
        (
            ["customers", "list", "--currency", "EUR"],
            "--currency picks the currency --sort monetary ranks by; add --sort monetary or leave out --currency; "
                + "see `ledgerline customers list --help`"
        ),
        (
            ["customers", "list", "--sort", "monetary", "--currency", "eur"],
            "--currency eur is not a currency code as events write them: three capital letters such as USD or EUR; "
                + "see `ledgerline customers list --help`"
        ),
        (
            ["project", "rebuild", "orders"],
            "there is no view named orders; the views are customers, pipeline, tasks; see `ledgerline project rebuild --help`"
        ),
        (
            ["project", "digest", "customers", "deals"],
            "there is no view named deals; the views are customers, pipeline, tasks; see `ledgerline project digest --help`"
        ),
        // It listed the open overdue tasks, as if --status were not there.
        (
            ["tasks", "list", "--overdue", "--status", "completed"],
            "--overdue lists open tasks past their due time, so no completed task is overdue; leave out --overdue or --status completed; "
                + "see `ledgerline tasks list --help`"
        ),
    ])
    func aValueTheOptionDoesNotTakeIsAUsageError(arguments: [String], line: String) async throws {
        try await CLI.expectUsageError(arguments, line)
    }

    /// Values in events are shown to people in tables and reports. An escape sequence
    /// in a name or a title used to reach the terminal raw (clearing the screen,
    /// recolouring text, hiding a link), and a carriage return overwrote the line.
    @Test func controlCharactersInValuesAreShownAsEscapes() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        for (stream, type, data) in [
            ("customer-e1", "ContactCreated", #"{"customerId":"e1","firstName":"Eve\u001b[2J\u001b[32mOK","company":"X\rY"}"#),
            ("task-t1", "TaskCreated", #"{"taskId":"t1","title":"T\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007\nnext","assigneeId":"u-ana"}"#),
        ] {
            let appended = try await CLI.run(["--data", scratch.data, "append", "--stream", stream, "--type", type, "--data", data])
            try #require(appended.status == 0, "\(appended.stderr)")
        }
        for command in [["customers", "list"], ["customers", "show", "e1"], ["tasks", "list"]] {
            let result = try await CLI.run(["--data", scratch.data] + command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let controls = result.stdout.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" }
            #expect(controls.isEmpty, "\(command) wrote \(controls.map { $0.value })")
            #expect(result.stdout.contains(command[0] == "tasks" ? "T\\u001b]8;;http://evil.example/\\u0007click" : "Eve\\u001b[2J\\u001b[32mOK"), "\(result.stdout)")
        }
        // A line feed in a cell stays in its row; JSON output was always escaped.
        let tasks = try await CLI.run(["--data", scratch.data, "tasks", "list"])
        #expect(tasks.stdout.contains("click\\u001b]8;;\\u0007\\nnext"), "\(tasks.stdout)")
        let json = try await CLI.run(["--data", scratch.data, "customers", "show", "e1", "--json"])
        #expect(try JSONParser.parse(json.stdout)["identity"]?["firstName"] == .string("Eve\u{1B}[2J\u{1B}[32mOK") || json.stdout.contains("\\u001b[2J"))
    }

    @Test func aMalformedPipelineFileIsNamedWithItsLine() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let bad = try scratch.file(
            "bad.yaml", "pipelines:\n  - id: default\n    stages:\n      - { id: new, probability: 2 }\n")
        let result = try await CLI.run(["--data", data, "pipeline", "funnel", "--pipelines", bad])
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "ledgerline: \(bad):4: pipelines[0].stages[0].probability: must be a decimal number from 0 to 1 such as 0.35; got `2`\n"
        )
    }

    @Test func queriesOnAMissingStoreSayHowToCreateIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "customers", "show", "1"])
        #expect(result.status == 69)
    }

    /// A view named twice was rebuilt and echoed twice ("rebuilt tasks, tasks"); a stage
    /// deals entered that the configuration does not list read "legal (1 deals)".
    @Test func aViewNamedTwiceIsRebuiltOnceAndCountsAgreeWithTheirNoun() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let data = try await store(scratch)
        let rebuilt = try await CLI.run(["--data", data, "project", "rebuild", "tasks", "tasks"])
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stdout.hasPrefix("rebuilt tasks: 10 events"), "\(rebuilt.stdout)")
        let digests = try await json(["--data", data, "project", "digest", "tasks", "tasks", "--json"])
        #expect(digests.arrayValue?.count == 1)
        let moved = try await CLI.run([
            "--data", data, "append", "--stream", "deal-7", "--type", "DealStageChanged",
            "--data", #"{"dealId":"7","fromStage":"proposal","toStage":"legal","pipeline":"default"}"#,
        ])
        try #require(moved.status == 0, "\(moved.stderr)")
        let config = try scratch.file("pipelines.yaml", TestConfig.yaml)
        let funnel = try await CLI.run(["--data", data, "pipeline", "funnel", "--pipelines", config])
        #expect(funnel.stdout.contains("stages not configured: legal (1 deal)\n"), "\(funnel.stdout)")
    }

    /// `--now 2026-11-25` means the start of that day and `--as-of 2026-11-25` its end;
    /// every `--now` says so in its help.
    @Test(arguments: [
        ["customers", "show"], ["customers", "list"], ["pipeline", "summary"], ["pipeline", "funnel"],
        ["pipeline", "deal"], ["tasks", "list"], ["tasks", "summary"],
    ])
    func everyNowSaysADayMeansItsStart(command: [String]) async throws {
        let help = try await CLI.run(command + ["--help"])
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("--now <time> The instant recency, overdue and time in stage are measured to: a time, or a day = its start (00:00 UTC)."), "\(command)")
    }

    @Test(arguments: ["project", "customers", "pipeline", "tasks"])
    func everyViewCommandsHelpHasAnExample(command: String) async throws {
        let result = try await CLI.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command) --help has no example")
    }
}

/// The pipeline configuration the CLI tests pass with --pipelines.
enum TestConfig {
    static let yaml = """
        pipelines:
          - id: default
            stages:
              - { id: new, probability: 0.1 }
              - { id: qualified, probability: 0.3 }
              - { id: proposal, probability: 0.5 }
              - { id: won, outcome: won }
              - { id: lost, outcome: lost }
        """
}
