import EventLog
import Foundation
import JSON
import Testing

/// The store and the files the documentation's examples are run against: a small sales
/// team's CRM in 2026, holding what the examples name.
///
/// `crm/` is the store (`$LEDGERLINE_DATA`, and `./crm` for the examples that say
/// `--data ./crm`): about 1,250 events of contacts, orders, campaign emails, deals moving
/// through the `default` pipeline (some as `DealStageChanged` v1, upcast on read), leads
/// and tasks, then the two experiments of `rules/experiments/` published, customers
/// assigned and exposed, and the views built. Beside it, the files examples read:
/// `events.jsonl` (and `.gz`), `backup.jsonl.gz` (an export of the store), `deals.csv` (and
/// `.gz`) with `deals.yaml`, `stage.json` (a payload for deal-7), the CDNOW log's first rows at its path in the repository, and copies of
/// `rules/` and `schemas/`. `root/` stands for `/` (see ``HelpExamplesTests/run(_:in:)``):
/// `root/backups/crm.anchor` is the anchor an earlier `verify` printed.
///
/// What examples name on purpose: customers `42` (stream `customer-42`, whose
/// `ContactCreated` has id `0b4c1f6e-…` and caused a `rule:welcome@3` email), `1042`,
/// `C100042` and `c-42`; `deal-7` at version 3, deal `D-7`; owners `rep-7` and `u-ana`
/// with overdue tasks; orders recorded on 2026-11-03 from 14:00 to 15:00 UTC; bounces
/// recorded after 2026-11-27T09:00Z.
enum ExampleFixture {
    static let welcomeID = "0b4c1f6e-8d36-4c0f-9a51-2f1d7c9e4b10"

    /// The repository's top folder.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Fills `folder` (new and empty) with the store and the files.
    static func build(in folder: URL) async throws {
        let fm = FileManager.default
        for name in ["rules", "schemas"] {
            try fm.copyItem(at: repository.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try fm.createDirectory(at: folder.appendingPathComponent("tools/mappings"), withIntermediateDirectories: true)
        try fm.createDirectory(
            at: folder.appendingPathComponent("tools/datasets/cdnow"), withIntermediateDirectories: true)
        try fm.createDirectory(at: folder.appendingPathComponent("root/backups"), withIntermediateDirectories: true)
        try fm.createDirectory(at: folder.appendingPathComponent("home"), withIntermediateDirectories: true)
        try fm.copyItem(
            at: repository.appendingPathComponent("tools/mappings/cdnow.yaml"),
            to: folder.appendingPathComponent("tools/mappings/cdnow.yaml"))
        try fm.copyItem(
            at: repository.appendingPathComponent("tools/mappings/deals-example.csv"),
            to: folder.appendingPathComponent("deals.csv"))
        try fm.copyItem(
            at: repository.appendingPathComponent("tools/mappings/deals-example.yaml"),
            to: folder.appendingPathComponent("deals.yaml"))
        // The CDNOW log's header and first 300 orders: the whole log takes 15 seconds to
        // import in a debug build.
        let cdnow = try String(
            contentsOf: repository.appendingPathComponent("tools/datasets/cdnow/CDNOW_master.txt"), encoding: .utf8)
        try (cdnow.split(separator: "\n").prefix(301).joined(separator: "\n") + "\n")
            .write(
                to: folder.appendingPathComponent("tools/datasets/cdnow/CDNOW_master.txt"), atomically: true,
                encoding: .utf8)

        let events = crm()
        let log = events.map(\.line.description).joined(separator: "\n") + "\n"
        try log.write(to: folder.appendingPathComponent("crm.jsonl"), atomically: true, encoding: .utf8)
        try await expectSuccess(["schemas", "validate", "crm.jsonl"], in: folder)
        try fm.removeItem(at: folder.appendingPathComponent("crm.jsonl"))
        try await append(events, to: folder.appendingPathComponent("crm"))

        let data = ["LEDGERLINE_DATA": folder.appendingPathComponent("crm").path]
        try await expectSuccess(
            ["experiments", "publish", "--by", "u-marketing", "--at", "2026-11-04T09:00:00Z"], in: folder)
        for (index, customer) in ["c-42", "c-43", "c-44", "c-45", "21", "23"].enumerated() {
            let at = "2026-11-\(10 + index)T10:00:00Z"
            try await expectSuccess(
                [
                    "experiments", "assign", "followup-subject", "--customer", customer, "--record", "--at", at,
                    "--attributes", #"{"lifecycle_stage":"opportunity","unsubscribed":false}"#,
                ], in: folder)
            try await expectSuccess(
                [
                    "experiments", "assign", "offer-cadence", "--customer", customer, "--record", "--at", at,
                    "--attributes", #"{"segment":"smb"}"#,
                ], in: folder)
        }
        try conversions().write(
            to: folder.appendingPathComponent("conversions.jsonl"), atomically: true, encoding: .utf8)
        try await expectSuccess(["import", "conversions.jsonl"], in: folder)
        try fm.removeItem(at: folder.appendingPathComponent("conversions.jsonl"))
        try await expectSuccess(["project", "rebuild"], in: folder)

        // What an earlier `verify` said to keep elsewhere.
        let verify = try await CLI.run(["verify"], environment: data, directory: folder)
        let anchor = try #require(
            verify.stdout.firstMatch(of: /anchor: (\S+)/)?.1, "verify printed no anchor: \(verify.stdout)")
        try "\(anchor)\n".write(
            to: folder.appendingPathComponent("root/backups/crm.anchor"), atomically: true, encoding: .utf8)
        let backup = try await CLI.runShell(
            "ledgerline export | gzip > backup.jsonl.gz", directory: folder, environment: data)
        #expect(backup.status == 0, "\(backup.stderr)")

        try newEvents().write(to: folder.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        // The payload `append --data @stage.json` reads: deal-7 moving on from version 3.
        try #"{"dealId":"7","fromStage":"qualified","toStage":"demo_done","pipeline":"default"}"#
            .write(to: folder.appendingPathComponent("stage.json"), atomically: true, encoding: .utf8)
        let gzip = try await CLI.runShell("gzip --keep events.jsonl deals.csv", directory: folder)
        #expect(gzip.status == 0, "\(gzip.stderr)")
        try? fm.removeItem(at: folder.appendingPathComponent("crm/lock.mdb"))
    }

    private static func expectSuccess(_ arguments: [String], in folder: URL) async throws {
        let result = try await CLI.run(
            arguments, environment: ["LEDGERLINE_DATA": folder.appendingPathComponent("crm").path], directory: folder)
        #expect(result.status == 0, "fixture: ledgerline \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    // MARK: - The log

    /// One event of the fixture, as an `import` line, and when the log recorded it.
    struct Event {
        var line: JSONValue
        var recordedAt: Timestamp
    }

    /// Appends `events` in order, each recorded at its own time: the log stamps
    /// `recordedAt` from its clock, which here is set to the event's time before each
    /// append. The CLI could not: it stamps the time it runs, and examples read by the
    /// time of recording (`--since 2026-11-03T14:00:00Z`).
    private static func append(_ events: [Event], to directory: URL) async throws {
        let clock = Clock()
        var options = LMDBEventStore.Options()
        options.sync = false
        options.clock = { clock.time }
        let store = try LMDBEventStore(directory: directory, options: options)
        defer { store.close() }
        for event in events {
            clock.time = event.recordedAt
            let line = event.line
            let proposed = ProposedEvent(
                id: line["id"]?.stringValue.flatMap(EventID.init), stream: StreamName(line["stream"]!.stringValue!)!,
                type: EventType(line["type"]!.stringValue!)!,
                schemaVersion: line["schemaVersion"]?.numberValue?.int64Value.map(Int.init),
                data: line["data"]!.objectValue!, occurredAt: Timestamp(rfc3339: line["occurredAt"]!.stringValue!),
                actor: line["actor"]?.stringValue,
                correlationId: line["correlationId"]?.stringValue.flatMap(EventID.init),
                causationId: line["causationId"]?.stringValue.flatMap(EventID.init))
            _ = try await store.append([proposed])
        }
    }

    private final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Timestamp(rawValue: 0)
        var time: Timestamp {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    /// The CRM's activity, in the order it was recorded.
    static func crm() -> [Event] {
        var random = SplitMix64(seed: 42)
        var events: [(at: Date, line: JSONValue)] = []
        func add(
            _ at: Date, _ stream: String, _ type: String, _ data: JSONValue, version: Int = 1, id: String? = nil,
            actor: String? = nil, causedBy cause: String? = nil
        ) {
            var line: JSONObject = [
                "stream": .string(stream), "type": .string(type), "schemaVersion": .number(JSONNumber(version)),
                "occurredAt": .string(Timestamp(at).description), "data": data,
            ]
            if let id { line["id"] = .string(id) }
            if let actor { line["actor"] = .string(actor) }
            if let cause {
                line["causationId"] = .string(cause)
                line["correlationId"] = .string(cause)
            }
            events.append((at, .object(line)))
        }

        let first = ["Ana", "Sam", "Ravi", "Maria", "Tom", "Lee", "Kenji", "Sarah", "Carlos", "Emily", "Omar", "Julia"]
        let last = [
            "Lopez", "Becker", "Iyer", "Gonzalez", "Moore", "Park", "Sato", "Klein", "Ruiz", "Walsh", "Haddad", "Novak",
        ]
        let owners = ["rep-7", "u-ana", "rep-3", "u-sam"]
        let stages = ["lead", "opportunity", "customer"]
        let customers = (1...70).map(String.init) + ["1042", "C100042", "C100043", "c-42", "c-43", "c-44", "c-45"]
        var emails: [String: String] = [:]
        var created: [String: Date] = [:]
        for (index, id) in customers.enumerated() {
            let name = (first[index % first.count], last[(index * 7) % last.count])
            let email = "\(name.0.lowercased()).\(name.1.lowercased())\(index)@example.com"
            emails[id] = email
            let at = date("2026-09-01T09:00:00Z") + Double(index) * 9 * 3600 + Double(random.next(below: 3600))
            created[id] = at
            add(
                at, "customer-\(id)", "ContactCreated",
                [
                    "customerId": .string(id), "firstName": .string(name.0), "lastName": .string(name.1),
                    "email": .string(email),
                    "ownerId": .string(owners[index % owners.count]),
                    "lifecycleStage": .string(stages[index % stages.count]),
                    "source": "form",
                ], id: id == "42" ? welcomeID : nil, actor: "integration:web-form")
            if id == "42" {
                add(
                    at + 60, "customer-42", "EmailSent",
                    [
                        "emailId": "em-welcome-42", "customerId": "42", "messageId": "<em-welcome-42@ledgerline.dev>",
                        "to": .string(email),
                        "template": "welcome",
                    ], actor: "rule:welcome@3", causedBy: welcomeID)
            }
            add(
                at + 3600, "customer-\(id)", "Subscribed",
                [
                    "customerId": .string(id), "channel": "email", "address": .string(email), "legalBasis": "consent",
                    "source": "form",
                ])
            for order in 0..<random.next(below: 10) {
                let at = date("2026-10-01T00:00:00Z") + Double(random.next(below: 58 * 86_400))
                let cents = 1_500 + random.next(below: 30_000)
                add(
                    at, "customer-\(id)", "OrderPlaced",
                    [
                        "orderId": .string("O-\(id)-\(order + 1)"), "customerId": .string(id),
                        "quantity": .number(JSONNumber(1 + random.next(below: 3))),
                        "amount": .string("\(cents / 100).\(String(format: "%02d", cents % 100))"), "currency": "USD",
                    ])
            }
        }
        // An hour of orders that `read --since … --until …` examples show.
        for (minute, id) in ["3", "17", "42", "1042", "C100042"].enumerated() {
            add(
                date("2026-11-03T14:05:00Z") + Double(minute) * 600, "customer-\(id)", "OrderPlaced",
                [
                    "orderId": .string("O-\(id)-web-\(minute)"), "customerId": .string(id), "quantity": 1,
                    "amount": "89.00", "currency": "USD",
                ])
        }
        // Five newsletters; the last, sent on the 27th, bounces at a few addresses.
        let sends = [
            "2026-10-06T15:00:00Z", "2026-10-20T15:00:00Z", "2026-11-03T16:00:00Z", "2026-11-17T15:00:00Z",
            "2026-11-27T09:30:00Z",
        ]
        for (campaign, sent) in sends.enumerated() {
            for id in customers where created[id]! < date(sent) {
                let emailId = "em-c\(campaign + 1)-\(id)"
                let at = date(sent) + Double(random.next(below: 600))
                add(
                    at, "customer-\(id)", "EmailSent",
                    [
                        "emailId": .string(emailId), "customerId": .string(id),
                        "messageId": .string("<\(emailId)@ledgerline.dev>"),
                        "to": .string(emails[id]!), "template": .string("newsletter-\(campaign + 1)"),
                    ], actor: "rule:newsletter@2")
                switch random.next(below: 20) {
                case 0:
                    add(
                        at + 40, "customer-\(id)", "EmailBounced",
                        [
                            "emailId": .string(emailId), "customerId": .string(id), "bounceType": "hard",
                            "smtpCode": "5.1.1",
                        ])
                case 1, 2:
                    add(
                        at + 4 * 3600, "customer-\(id)", "EmailOpened",
                        ["emailId": .string(emailId), "customerId": .string(id)])
                    add(
                        at + 5 * 3600, "customer-\(id)", "EmailReplied",
                        [
                            "emailId": .string(emailId), "customerId": .string(id),
                            "messageId": .string("<re-\(emailId)@mail.example.com>"),
                            "sentiment": "positive",
                        ])
                case 3...11:
                    add(
                        at + Double(3600 + random.next(below: 20_000)), "customer-\(id)", "EmailOpened",
                        ["emailId": .string(emailId), "customerId": .string(id)])
                default: break
                }
            }
        }
        for (index, id) in ["1", "2", "5"].enumerated() {
            add(
                date("2026-11-27T11:00:00Z") + Double(index) * 900, "customer-\(id)", "EmailBounced",
                [
                    "emailId": .string("em-c5-\(id)"), "customerId": .string(id), "bounceType": "soft",
                    "smtpCode": "4.2.2",
                ])
        }

        // deal-7 at version 3, still in the stage it was opened in.
        add(
            date("2026-10-02T10:00:00Z"), "deal-7", "DealCreated",
            [
                "dealId": "7", "name": "Fleet tracking, 40 vans", "pipeline": "default", "stage": "qualified",
                "ownerId": "rep-3",
                "customerId": "42", "amount": "12000.00", "currency": "USD",
            ], actor: "user:rep-3")
        add(
            date("2026-10-09T16:00:00Z"), "deal-7", "DealOwnerChanged",
            ["dealId": "7", "ownerId": "rep-7", "previousOwnerId": "rep-3"],
            actor: "user:u-ana")
        add(
            date("2026-10-20T11:00:00Z"), "deal-7", "DealAmountChanged",
            [
                "dealId": "7", "amount": "14500.00", "currency": "USD", "previousAmount": "12000.00",
                "previousCurrency": "USD",
            ], actor: "user:rep-7")
        // Deals D-1 … D-12 since January, through the pipeline to won, lost or still
        // open; the stage changes of the first half year written as v1.
        let path = ["qualification", "discovery", "proposal", "negotiation"]
        for number in 1...12 {
            let deal = "D-\(number)"
            let owner = owners[number % owners.count]
            var at = date("2026-01-06T10:00:00Z") + Double(number) * 25 * 86_400
            let amount = "\(5 + number * 3)000.00"
            add(
                at, "deal-\(deal)", "DealCreated",
                [
                    "dealId": .string(deal), "name": .string("Deal \(number)"), "pipeline": "default",
                    "stage": "qualification",
                    "ownerId": .string(owner), "customerId": .string(customers[number]), "amount": .string(amount),
                    "currency": "USD",
                ],
                actor: "user:\(owner)")
            for step in 1...(1 + number % 3) {
                at += Double(3 + random.next(below: 12)) * 86_400
                if at < date("2026-07-01T00:00:00Z") {
                    add(
                        at, "deal-\(deal)", "DealStageChanged",
                        ["dealId": .string(deal), "from": .string(path[step - 1]), "to": .string(path[step])])
                } else {
                    add(
                        at, "deal-\(deal)", "DealStageChanged",
                        [
                            "dealId": .string(deal), "fromStage": .string(path[step - 1]),
                            "toStage": .string(path[step]), "pipeline": "default",
                            "reason": "advanced",
                        ], version: 2)
                }
            }
            at += 9 * 86_400
            switch number % 4 {
            case 0:
                add(
                    at, "deal-\(deal)", "DealWon",
                    ["dealId": .string(deal), "amount": .string(amount), "currency": "USD"])
            case 1: add(at, "deal-\(deal)", "DealLost", ["dealId": .string(deal), "reason": "price"])
            default: break
            }
        }
        // Leads from the web form, most qualified.
        for number in 1...6 {
            let lead = "L-\(500 + number)"
            let at = date("2026-10-12T09:00:00Z") + Double(number) * 2 * 86_400
            add(
                at, "lead-\(lead)", "LeadCreated",
                [
                    "leadId": .string(lead), "source": "form", "email": .string("lead\(number)@prospect.example"),
                    "company": .string("Prospect \(number)"),
                ])
            if number % 3 != 0 {
                add(
                    at + 86_400, "lead-\(lead)", "LeadQualified",
                    ["leadId": .string(lead), "qualifiedBy": ["type": "user", "id": "u-ana"], "level": "sql"])
            }
        }
        // Tasks: rep-7's and u-ana's, some done, some overdue.
        for number in 1...10 {
            let task = "T-\(number)"
            let assignee = number % 2 == 0 ? "rep-7" : "u-ana"
            let at = date("2026-11-02T09:00:00Z") + Double(number) * 86_400
            add(
                at, "task-\(task)", "TaskCreated",
                [
                    "taskId": .string(task), "title": .string("Call customer \(customers[number])"),
                    "assigneeId": .string(assignee),
                    "customerId": .string(customers[number]), "kind": "call",
                    "dueAt": .string(Timestamp(at + 5 * 86_400).description),
                ],
                actor: "user:u-ana")
            if number % 3 == 0 {
                add(
                    at + 2 * 86_400, "task-\(task)", "TaskCompleted",
                    ["taskId": .string(task), "completedBy": .string(assignee), "outcome": "connected"])
            }
        }
        // Recorded a minute after it happened; the log keeps the order it recorded.
        return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map {
            Event(line: $0.element.line, recordedAt: Timestamp($0.element.at + 60))
        }
    }

    /// What the exposed customers did afterwards: replies and orders, as `import` lines.
    static func conversions() -> String {
        """
        {"stream":"customer-c-42","type":"EmailReplied","occurredAt":"2026-11-12T08:00:00Z","data":{"emailId":"em-c3-c-42","customerId":"c-42","messageId":"<re-1@mail.example.com>","sentiment":"positive"}}
        {"stream":"customer-c-44","type":"OrderPlaced","occurredAt":"2026-11-15T12:00:00Z","data":{"orderId":"O-c-44-1","customerId":"c-44","quantity":2,"amount":"129.90","currency":"USD"}}
        {"stream":"customer-c-45","type":"EmailReplied","occurredAt":"2026-11-16T09:30:00Z","data":{"emailId":"em-c3-c-45","customerId":"c-45","messageId":"<re-2@mail.example.com>","sentiment":"neutral"}}
        {"stream":"customer-21","type":"OrderPlaced","occurredAt":"2026-11-19T17:00:00Z","data":{"orderId":"O-21-exp-1","customerId":"21","quantity":1,"amount":"59.00","currency":"USD"}}

        """
    }

    /// `events.jsonl`: what a reader would import: a new contact, her order, a bounce.
    static func newEvents() -> String {
        """
        {"stream":"customer-2001","type":"ContactCreated","id":"6f1d2c3b-4a5e-4f60-8a71-9b8c7d6e5f40","occurredAt":"2026-11-28T10:00:00Z","data":{"customerId":"2001","email":"zoe@example.com","firstName":"Zoe","ownerId":"u-ana"}}
        {"stream":"customer-2001","type":"OrderPlaced","id":"6f1d2c3b-4a5e-4f60-8a71-9b8c7d6e5f41","occurredAt":"2026-11-28T10:20:00Z","data":{"orderId":"O-2001-1","customerId":"2001","quantity":1,"amount":"49.00","currency":"USD"}}
        {"stream":"customer-17","type":"EmailBounced","id":"6f1d2c3b-4a5e-4f60-8a71-9b8c7d6e5f42","occurredAt":"2026-11-28T11:00:00Z","data":{"emailId":"em-c4-17","customerId":"17","bounceType":"hard","smtpCode":"5.1.1"}}

        """
    }

    private static func date(_ text: String) -> Date { Timestamp(rfc3339: text)!.date }
}

/// A seeded generator: the same fixture on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
