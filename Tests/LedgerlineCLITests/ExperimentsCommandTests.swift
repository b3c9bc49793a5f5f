import Foundation
import JSON
import Testing

/// `ledgerline experiments ...` end to end on a real store: publish, assign, report, re-weight.
@Suite struct ExperimentsCommandTests {
    static let definition = """
        key: subject
        name: Subject line
        status: running
        variations:
          - { id: control, weight: 0.5 }
          - { id: question, weight: 0.5 }
        targeting: "customer.segment == 'smb'"
        goals:
          - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
        guardrails:
          - { name: unsubscribed, kind: conversion, event: Unsubscribed, window: 30d, direction: decrease }

        """

    static let bandit = """
        key: cadence
        status: running
        variations:
          - { id: fast }
          - { id: slow }
        goals:
          - { name: ordered, kind: conversion, event: OrderPlaced, window: 14d }
        bandit: { goal: ordered, schedule: 1d, minimum_share: 0.1 }

        """

    /// A scratch store and a definitions folder holding `files`.
    static func setUp(_ files: [String: String]) async throws -> (Scratch, [String]) {
        let scratch = Scratch()
        let folder = scratch.url.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        return (scratch, ["--data", scratch.data, "experiments"])
    }

    static func dir(_ scratch: Scratch) -> [String] {
        ["--dir", scratch.url.appendingPathComponent("experiments").path]
    }

    @Test func lintPublishListAndShow() async throws {
        let (scratch, ex) = try await Self.setUp(["subject.yaml": Self.definition, "cadence.yaml": Self.bandit])
        defer { scratch.cleanup() }
        let lint = try await CLI.run(["experiments", "lint", scratch.url.appendingPathComponent("experiments").path])
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(lint.stdout == "ok: 2 experiment definitions: cadence, subject\n")
        // A file named again, alone or through its folder, is linted once: its key is
        // not "also the key of" itself.
        let folder = scratch.url.appendingPathComponent("experiments")
        let twice = try await CLI.run(["experiments", "lint", folder.path, folder.appendingPathComponent("subject.yaml").path, folder.path + "/./subject.yaml"])
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(twice.stdout == "ok: 2 experiment definitions: cadence, subject\n")
        let publish = try await CLI.run(ex + ["publish", "--by", "u-ana"] + Self.dir(scratch))
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(
            publish.stdout
                == "cadence: published, phase 1 started at seq 1\nsubject: published, phase 1 started at seq 2\n")
        let again = try await CLI.run(ex + ["publish"] + Self.dir(scratch))
        #expect(
            again.stdout
                == "cadence: unchanged, still phase 1; nothing appended\nsubject: unchanged, still phase 1; nothing appended\n"
        )
        let list = try await CLI.run(ex + ["list"] + Self.dir(scratch))
        #expect(
            list.stdout == """
                cadence  running  phase 1  fast 50.0% · slow 50.0%  bandit  (seq 1)
                subject  running  phase 1  control 50.0% · question 50.0%  (seq 2)

                """)
        let show = try await CLI.run(ex + ["show", "subject", "--json"])
        let shown = try JSONParser.parse(show.stdout)
        #expect(shown["phase"] == 1)
        #expect(shown["checksum"]?.stringValue?.count == 64)
        #expect(shown["definition"]?["targeting"] == .string("customer.segment == 'smb'"))
        // Moving the weights starts phase 2.
        try Self.definition.replacingOccurrences(
            of: "weight: 0.5 }\n  - { id: question, weight: 0.5", with: "weight: 0.2 }\n  - { id: question, weight: 0.8"
        )
        .write(to: scratch.url.appendingPathComponent("experiments/subject.yaml"), atomically: true, encoding: .utf8)
        let moved = try await CLI.run(ex + ["publish", "subject"] + Self.dir(scratch))
        #expect(moved.stdout == "subject: published, phase 2 started (weights changed) at seq 3\n", "\(moved.stderr)")
    }

    @Test func assignExplainsAndRecordsAndReportReadsTheExposures() async throws {
        let (scratch, ex) = try await Self.setUp(["subject.yaml": Self.definition])
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish"] + Self.dir(scratch)).status == 0)
        let shown = try await CLI.run(ex + ["assign", "subject", "--customer", "c-1", "--attributes", #"{"segment":"smb"}"#])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("targeting: `customer.segment == 'smb'` → true"))
        #expect(shown.stdout.contains(#"hash: id = "c-1", hash v2, seed "subject", bucket "#))
        #expect(shown.stdout.contains("ranges: control [0.0000, 0.5000) · question [0.5000, 1.0000)"))
        var units = 0
        for i in 0..<40 {
            let id = "c-\(i)"
            let outcome = try await CLI.run(
                ex + [
                    "assign", "subject", "--customer", id, "--attributes", #"{"segment":"smb"}"#, "--record", "--json",
                    "--at", "2026-03-02T10:00:00Z",
                ])
            let decision = try JSONParser.parse(outcome.stdout)
            #expect(decision["recorded"]?.arrayValue?.count == 2, "\(outcome.stderr)")
            units += 1
            if i % 4 == 0 {
                let reply = #"{"emailId":"em-\#(i)","customerId":"\#(id)","messageId":"<m\#(i)@mail.example.com>"}"#
                #expect(
                    try await CLI.run([
                        "--data", scratch.data, "append", "--stream", "customer-\(id)", "--type", "EmailReplied",
                        "--data", reply, "--occurred-at", "2026-03-03T10:00:00Z",
                    ]).status == 0)
            }
        }
        let text = try await CLI.run(ex + ["report", "subject", "--correction", "holm", "--sequential"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("phase 1 · started"))
        #expect(text.stdout.contains("goal replied: conversion from EmailReplied within 1w of exposure"))
        #expect(text.stdout.contains("p adj (holm)"))
        let json = try JSONParser.parse(try await CLI.run(ex + ["report", "subject", "--json"]).stdout)
        #expect(json["phases"]?[0]?["units"] == .number(JSONNumber(units)))
        let replied = json["phases"]?[0]?["metrics"]?[0]?["variations"]?.arrayValue ?? []
        #expect(replied.compactMap { $0["conversions"]?.numberValue?.int64Value }.reduce(0, +) == 10)
        let html = scratch.url.appendingPathComponent("report.html").path
        let page = try await CLI.run(ex + ["report", "subject", "--html", html])
        #expect(page.status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
    }

    @Test func reweightRecordsABanditUpdateOnlyWhenDue() async throws {
        let (scratch, ex) = try await Self.setUp(["cadence.yaml": Self.bandit])
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish", "--at", "2026-03-02T00:00:00Z"] + Self.dir(scratch)).status == 0)
        let early = try await CLI.run(ex + ["reweight", "cadence", "--at", "2026-03-02T12:00:00Z"])
        #expect(
            early.stdout.hasPrefix(
                "cadence: not due; last re-weighting 2026-03-02T00:00:00Z, next at 2026-03-03T00:00:00Z"))
        let due = try await CLI.run(ex + ["reweight", "cadence", "--at", "2026-03-03T00:00:00Z", "--json"])
        #expect(due.status == 0, "\(due.stderr)")
        let update = try JSONParser.parse(due.stdout)
        #expect(update["updated"] == true)
        #expect(update["seq"] == 2)
        let plain = try await CLI.run(ex + ["assign", "subject", "--customer", "c-1"])
        #expect(plain.status == 65)
    }

    /// Decisions are appended in the order they were made: a re-weighting (even forced)
    /// dated before the last one, or a publish dated before the last change, is refused
    /// and appends nothing. A forced one used to reset the weights as burn-in, and a
    /// backdated publish started phase 2 before phase 1.
    @Test func backdatedDecisionsAreRefused() async throws {
        let (scratch, ex) = try await Self.setUp(["cadence.yaml": Self.bandit])
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish", "--at", "2026-03-02T00:00:00Z"] + Self.dir(scratch)).status == 0)
        #expect(try await CLI.run(ex + ["reweight", "cadence", "--at", "2026-03-03T00:00:00Z"]).status == 0)
        let forced = try await CLI.run(ex + ["reweight", "cadence", "--force", "--at", "2026-03-02T12:00:00Z"])
        #expect(forced.status == 65)
        #expect(
            forced.stderr
                == "ledgerline: cannot re-weight `cadence` at 2026-03-02T12:00:00Z, before its last re-weighting (2026-03-03T00:00:00Z); "
                + "give a time at or after that, or none for now\n", "\(forced.stderr)")
        let changed = Self.bandit.replacingOccurrences(of: "minimum_share: 0.1", with: "minimum_share: 0.2")
        try #require(changed != Self.bandit, "the bandit definition has no minimum_share: 0.1 to change")
        try changed.write(to: scratch.url.appendingPathComponent("experiments/cadence.yaml"), atomically: true, encoding: .utf8)
        let backdated = try await CLI.run(ex + ["publish", "--at", "2026-03-01T00:00:00Z"] + Self.dir(scratch))
        #expect(backdated.status == 65)
        #expect(
            backdated.stderr.contains(
                "cannot publish `cadence` at 2026-03-01T00:00:00Z, before its last change (2026-03-03T00:00:00Z, phase 1); give a time at or after that, or none for now"),
            "\(backdated.stderr)")
        let stats = try JSONParser.parse(try await CLI.run(["--data", scratch.data, "stats", "--json"]).stdout)
        #expect(stats["events"] == 2, "nothing appended after the refusals")
    }

    @Test(arguments: ["lint", "publish", "list", "show", "assign", "report", "reweight"])
    func everyExperimentsCommandsHelpHasAnExample(command: String) async throws {
        let result = try await CLI.run(["experiments", command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "experiments \(command) --help has no example")
    }
}
