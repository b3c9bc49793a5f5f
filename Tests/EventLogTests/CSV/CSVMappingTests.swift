import JSON
import Testing

@testable import EventLog

/// The mapping language: what a YAML mapping makes of a row, and how a bad mapping is
/// reported.
@Suite struct CSVMappingTests {
    /// The events `yaml` makes of one row of `header` and `cells`.
    private func map(_ yaml: String, header: [String], _ cells: [String], line: Int = 2) throws -> Result<
        [CSVMapping.Mapped], CSVMapping.RowProblems
    > {
        let mapping = try CSVMapping(yaml: yaml, file: "m.yaml").resolved(header: header, dataFile: "d.csv")
        return mapping.map(CSVRow(cells: cells, line: line, number: line - 1))
    }

    /// libyaml's "cannot start any token" for a tab says nothing of tabs; the problem does.
    @Test func aMappingIndentedWithATabSaysSo() {
        let found = problems("events:\n\t- type: OrderPlaced\n")
        #expect(
            found == [
                "m.yaml:2: is not valid YAML: found character that cannot start any token; "
                    + "it is indented with a tab, and YAML indents with spaces"
            ], "\(found)")
    }

    /// Dialect mistakes are named for what they are: the quote as the delimiter, a
    /// header both read and named, a column named twice, a YAML merge key.
    @Test func dialectMistakesSayWhatIsWrong() {
        let event = "events:\n  - { type: ContactCreated, stream: \"customer-{a}\", id: \"c-{a}\", data: { customerId: \"{a}\" } }\n"
        #expect(
            problems("csv: { delimiter: '\"' }\n" + event)
                == [#"m.yaml:1: `csv.delimiter` cannot be "\"", the quote character; give another, or set `quote:` to another character"#])
        #expect(problems("csv: { delimiter: ';', quote: ';' }\n" + event) == ["m.yaml:1: `csv.quote` is the delimiter too; give them different characters"])
        #expect(
            problems("csv: { header: true, columns: [a, b] }\n" + event)
                == [
                    "m.yaml:1: `header: true` and `columns:` both name the columns; remove `columns:` to use the file's header, or set `header: false` to name them here"
                ])
        #expect(
            problems("csv: { header: false, columns: [a, b, a] }\n" + event)
                == [#"m.yaml:1: column "a" is named twice in `csv.columns`; give each column its own name"#])
        #expect(
            problems("base: &b { customerId: \"{a}\" }\nevents:\n  - type: ContactCreated\n    stream: \"customer-{a}\"\n    id: \"c-{a}\"\n    data:\n      <<: *b\n")
                .contains("m.yaml:7: YAML merge keys (`<<: *anchor`) are not supported in a mapping; write the keys out"))
    }

    /// A file without a header has its columns named by `csv.columns`, and messages say
    /// so rather than speak of a header it does not have.
    @Test func columnsNamedInTheMappingAreNotCalledAHeader() throws {
        let yaml = "csv: { header: false, columns: [a, b] }\nevents:\n  - { type: ContactCreated, stream: \"customer-{a}\", id: \"c-{a}\", data: { customerId: \"{c}\" } }\n"
        #expect {
            try CSVMapping(yaml: yaml, file: "m.yaml").resolved(header: ["a", "b"], dataFile: "d.csv")
        } throws: { error in
            (error as? CSVMappingError)?.lines.first?.hasPrefix(#"m.yaml:3: no column "c" in `csv.columns`;"#) == true
        }
    }

    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try CSVMapping(yaml: yaml, file: "m.yaml")
            return []
        } catch {
            return error.lines
        }
    }

    static let deal = """
        timezone: Europe/Berlin
        events:
          - type: DealCreated
            stream: "deal-{Id}"
            id: "crm-{Id}"
            occurredAt: { column: Created, format: "%d.%m.%Y %H:%M" }
            actor: "integration:crm"
            metadata: { source: "{Owner|lower}" }
            data:
              dealId: "{Id}"
              name: "{Name}"
              pipeline: default
              stage: { column: Stage, values: { Neu: qualification, Angebot: proposal } }
              amount: { column: Amount, type: money, decimal_separator: ",", skip_if_empty: true }
              currency: EUR
              ownerId: "{Owner|slug}"
              probability: { column: Probability, type: number, skip_if_empty: true }
              custom.hot: { column: Hot, type: boolean }
              custom.rank: { column: Rank, type: integer, default: 0 }
              expectedCloseDate: { column: Close, type: date, format: "%d.%m.%Y" }
          - type: DealWon
            when: { all: [ { column: Won, equals: "ja", ignore_case: true }, { column: Amount, not_empty: true } ] }
            stream: "deal-{Id}"
            id: "crm-{Id}"
            data: { dealId: "{Id}", amount: { column: Amount, type: money, decimal_separator: "," }, currency: EUR }
        """
    static let dealHeader = [
        "Id", "Name", "Stage", "Amount", "Owner", "Probability", "Hot", "Rank", "Created", "Close", "Won",
    ]

    @Test func aRowBecomesEventsWithConvertedFields() throws {
        let events = try map(
            Self.deal, header: Self.dealHeader,
            [
                "D-7", " Acme renewal ", "Angebot", "1.234,5", "Jane Doe", "", "yes", "", "02.07.2024 09:30",
                "30.09.2024", "JA",
            ]
        ).get()
        #expect(events.map(\.event.type) == ["DealCreated", "DealWon"])
        let created = events[0]
        #expect(created.event.stream == "deal-D-7")
        #expect(created.event.occurredAt?.description == "2024-07-02T07:30:00Z")
        #expect(created.event.actor == "integration:crm")
        #expect(created.event.metadata == ["source": "jane doe"])
        #expect(
            created.data
                == [
                    "dealId": "D-7", "name": "Acme renewal", "pipeline": "default", "stage": "proposal",
                    "amount": "1234.50",
                    "currency": "EUR", "ownerId": "jane-doe", "custom": ["hot": true, "rank": 0],
                    "expectedCloseDate": "2024-09-30",
                ])
        #expect(created.event.id == CSVMapping.eventID(type: "DealCreated", key: "crm-D-7"))
        #expect(events[1].event.id != created.event.id)
        #expect(events[1].data["amount"] == "1234.50")
    }

    @Test func idKeysWithTheRowsPositionLeadTheIdWithIt() throws {
        let yaml = """
            events:
              - type: PageVisited
                stream: "customer-{Id}"
                id: "visits-{line}"
                data: { customerId: "{Id}", url: "https://example.com/{Id}" }
              - type: PageVisited
                stream: "customer-{Id}"
                id: "visits-{Id}-{row}"
                data: { customerId: "{Id}", url: "https://example.com/{Id}" }
            """
        let events = try map(yaml, header: ["Id"], ["7"], line: 1234).get()
        #expect(events[0].event.id == CSVMapping.eventID(type: "PageVisited", key: "visits-1234", ordinal: 1234))
        #expect(events[0].event.id!.high >> 16 == 1234)
        #expect(events[1].event.id!.high >> 16 == 1233)
        #expect(try map(yaml, header: ["Id"], ["7"], line: 1234).get()[0].event.id == events[0].event.id)
    }

    /// A stray CR at the end of a line (CR CR LF) is trimmed like a space, from a
    /// template and from a column; `trim: false` keeps it.
    @Test func aStrayCarriageReturnIsTrimmed() throws {
        let yaml = """
            events:
              - type: ContactCreated
                stream: "customer-{Id}"
                id: "contacts-{Id}"
                data: { customerId: "{Id}", firstName: { column: Name }, custom.note: "{Note}", custom.raw: { column: Note, trim: false } }
            """
        let events = try map(yaml, header: ["Id", "Name", "Note"], ["7", "Ana\r", "x\r"]).get()
        #expect(events[0].data["firstName"] == "Ana")
        #expect(events[0].data["custom"]?["note"] == "x")
        #expect(events[0].data["custom"]?["raw"] == "x\r")
    }

    @Test func conditionsLeaveEventsOut() throws {
        let events = try map(
            Self.deal, header: Self.dealHeader,
            ["D-8", "X", "Neu", "", "Sam", "0.25", "no", "3", "01.01.2024 00:00", "01.02.2024", "ja"]
        ).get()
        #expect(events.map(\.event.type) == ["DealCreated"])
        #expect(events[0].data["probability"] == 0.25)
        #expect(events[0].data["amount"] == nil)
    }

    @Test func everyProblemOfARowIsReportedWithItsColumn() throws {
        let result = try map(
            Self.deal, header: Self.dealHeader,
            ["D 9", "X", "Verloren", "12,3,4", "Sam", "", "vielleicht", "x", "31.02.2024 10:00", "", "nein"])
        guard case .failure(let problems) = result else {
            Issue.record("expected problems")
            return
        }
        let texts = problems.list.map(\.text)
        #expect(texts.contains { $0.hasPrefix("Stage: \"Verloren\" is not a value the mapping lists") })
        #expect(texts.contains { $0.hasPrefix("Amount: \"12,3,4\" is not a money amount") })
        #expect(texts.contains { $0.hasPrefix("Hot: \"vielleicht\" is not a boolean") })
        #expect(texts.contains { $0.hasPrefix("Rank: \"x\" is not a whole number") })
        #expect(
            texts.contains {
                $0.hasPrefix(
                    "Created: \"31.02.2024 10:00\" does not match the date format %d.%m.%Y %H:%M: February 2024 has no day 31"
                )
            })
        #expect(texts.contains { $0.hasPrefix("Close: is empty; the mapping needs a value for `expectedCloseDate`") })
        #expect(texts.contains { $0.contains("stream \"deal-D 9\"") })
    }

    @Test func firstOfTakesTheFirstChoiceWithAValue() throws {
        let yaml = """
            events:
              - type: DealStageChanged
                stream: "deal-{Id}"
                id: "s-{Id}"
                data:
                  dealId: "{Id}"
                  pipeline: default
                  toStage: negotiation
                  fromStage:
                    first_of:
                      - { const: proposal, when: { column: Proposal, not_empty: true } }
                      - { column: Previous, skip_if_empty: true }
                      - qualification
            """
        let header = ["Id", "Proposal", "Previous"]
        #expect(try map(yaml, header: header, ["1", "2024-01-01", "demo"]).get()[0].data["fromStage"] == "proposal")
        #expect(try map(yaml, header: header, ["1", "", "demo"]).get()[0].data["fromStage"] == "demo")
        #expect(try map(yaml, header: header, ["1", "", ""]).get()[0].data["fromStage"] == "qualification")
    }

    @Test func numericConditionsCompareExactly() throws {
        let yaml = """
            events:
              - type: PageVisited
                when: { column: Score, greater_than: 0.1 }
                stream: "customer-{Id}"
                id: "p-{line}"
                data: { customerId: "{Id}", url: "https://example.com/{Id}" }
            """
        #expect(try map(yaml, header: ["Id", "Score"], ["1", "0.10000000000000000001"]).get().count == 1)
        #expect(try map(yaml, header: ["Id", "Score"], ["1", "0.1"]).get().isEmpty)
        #expect(try map(yaml, header: ["Id", "Score"], ["1", ""]).get().isEmpty)
    }

    @Test func templatesPutInColumnsLinesRowsAndFilters() throws {
        let template = try CSVMapping.Template(parsing: "x-{A|int}-{B|slug}-{C|upper}-{line}-{row}-{{}}", line: 1)
        var resolver = ColumnResolver(header: ["A", "B", "C"], dataFile: "d.csv")
        var resolved = template
        resolved.resolve(&resolver)
        let rendered = try resolved.render(CSVRow(cells: ["007", "Ärger & Co. KG", "eur"], line: 9, number: 8))
        guard case .text(let text) = rendered else {
            Issue.record("expected text")
            return
        }
        #expect(text == "x-7-arger-co-kg-EUR-9-8-{}")
        #expect(throws: CSVMappingError.Problem.self) { try CSVMapping.Template(parsing: "{A|reverse}", line: 1) }
        #expect(throws: CSVMappingError.Problem.self) { try CSVMapping.Template(parsing: "{A", line: 1) }
    }

    @Test func unknownColumnsAreReportedAtTheirMappingLineWithAHint() throws {
        let mapping = try CSVMapping(yaml: Self.deal, file: "m.yaml")
        #expect {
            try mapping.resolved(
                header: Self.dealHeader.map { $0 == "Amount" ? "Amount (EUR)" : $0 }, dataFile: "d.csv")
        } throws: { error in
            let lines = (error as? CSVMappingError)?.lines ?? []
            return lines.contains(
                "m.yaml:14: no column \"Amount\" in the header of d.csv; did you mean \"Amount (EUR)\"?")
                && lines.contains(
                    "m.yaml:25: no column \"Amount\" in the header of d.csv; did you mean \"Amount (EUR)\"?")
        }
    }

    @Test func badMappingsAreReportedAtTheirLines() {
        #expect(problems("events:\n  - type: [\n").first?.hasPrefix("m.yaml:3: is not valid YAML") == true)
        #expect(problems("") == ["m.yaml: the mapping is empty; start with `events:`"])
        let found = problems(
            """
            csv: { delimiter: "::" }
            evnts: []
            events:
              - type: Order Placed
                stream: "customer-{Id}"
                id: constant
                data:
                  amount: { column: A, type: monee }
                  at: { column: B, format: "%Y" }
                  when: { column: C, when: { column: D } }
                  a: 1
                  a.b: 2
            """)
        #expect(
            found.contains(
                "m.yaml:1: `csv.delimiter` must be one ASCII character such as \",\" or \";\", `tab`, or `whitespace`"))
        #expect(found.contains("m.yaml:2: `evnts` is not a key of the mapping; did you mean `events`?"))
        #expect(found.contains { $0.hasPrefix("m.yaml:4: type `Order Placed`:") })
        #expect(
            found.contains("m.yaml:6: the id key `constant` is the same for every row; put a column or {line} in it"))
        #expect(found.contains("m.yaml:8: `amount.type`: unknown type `monee`; did you mean `money`?"))
        #expect(found.contains { $0.hasPrefix("m.yaml:9: `at.format` applies to date and datetime fields") })
        #expect(found.contains { $0.hasPrefix("m.yaml:10: the condition tests nothing") })
        #expect(found.contains("m.yaml:12: data field `a.b` overlaps `a`; one is inside the other"))
    }

    @Test func duplicateKeysAreRefused() {
        #expect(problems("events:\n  - type: A\n    type: B\n").first?.contains("given twice") == true)
    }
}
