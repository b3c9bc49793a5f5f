import Foundation
import Testing

/// Every class of bad input to `ledgerline experiments`: the message says what is wrong,
/// where, and what to do; the exit status is 65 and nothing is appended.
@Suite struct ExperimentsBadInputTests {
    @Test func badYAMLIsReportedWithFileAndLine() async throws {
        let (scratch, _) = try await ExperimentsCommandTests.setUp([
            "broken.yaml": "key: broken\nvariations:\n  - { id: a, weight: 0.5\n"
        ])
        defer { scratch.cleanup() }
        let path = scratch.url.appendingPathComponent("experiments/broken.yaml").path
        let result = try await CLI.run(["experiments", "lint", path])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains("ledgerline: \(path):4: is not valid YAML: did not find expected ',' or '}'"),
            "\(result.stderr)")
    }

    /// A definition that is not UTF-8 text is bad input (65) and says so; it used to
    /// read "cannot read the file as UTF-8 text; check that it exists".
    @Test func aDefinitionThatIsNotUTF8SaysSo() async throws {
        let (scratch, _) = try await ExperimentsCommandTests.setUp([:])
        defer { scratch.cleanup() }
        let path = scratch.url.appendingPathComponent("latin1.yaml").path
        // "key: café" in Latin-1: é is the single byte E9.
        try Data(Array("key: caf".utf8) + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
        let result = try await CLI.run(["experiments", "lint", path])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains("ledgerline: \(path): the file is not UTF-8 text; save it as UTF-8\n"),
            "\(result.stderr)")
    }

    @Test func everyProblemOfADefinitionIsListedWithLineFieldAndAdvice() async throws {
        let text = """
            key: weights
            status: running
            variations:
              - { id: a, weight: 0.5 }
              - { id: b, weight: 1.4 }
            goals:
              - { name: won, kind: conversion, event: DealWonn, window: 7d }

            """
        let (scratch, _) = try await ExperimentsCommandTests.setUp(["weights.yaml": text])
        defer { scratch.cleanup() }
        let path = scratch.url.appendingPathComponent("experiments/weights.yaml").path
        let result = try await CLI.run(["experiments", "lint", path])
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "ledgerline: 3 problems in experiment definitions; fix them and lint again")
        #expect(lines.contains("ledgerline: \(path):5: variations[1].weight: must be between 0 and 1; got 1.4"))
        #expect(
            lines.contains {
                $0.hasPrefix("ledgerline: \(path):7: goals[0].event: `DealWonn` is not an event type of the catalog")
                    && $0.contains("did you mean `DealWon`?")
            }, "\(result.stderr)")
    }

    /// `window: 10000000000000s` passed lint and publish, then trapped `report` and
    /// `reweight` with an arithmetic overflow; lint refuses it and says the bound.
    @Test func aWindowLongerThanTenYearsIsRefusedByLint() async throws {
        let text = ExperimentsCommandTests.definition.replacingOccurrences(
            of: "window: 7d", with: "window: 10000000000000s")
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": text])
        defer { scratch.cleanup() }
        let path = scratch.url.appendingPathComponent("experiments/subject.yaml").path
        let lint = try await CLI.run(["experiments", "lint", path])
        #expect(lint.status == 65)
        #expect(
            lint.stderr.contains(
                "ledgerline: \(path):9: goals[0].window: must be at most 3650d (ten years); got `10000000000000s`\n"),
            "\(lint.stderr)")
        let publish = try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch))
        #expect(publish.status == 65)
        #expect(publish.stderr.contains("subject.yaml:9: goals[0].window: must be at most 3650d"), "\(publish.stderr)")
    }

    @Test func publishingAnInvalidDefinitionAppendsNothingAndSaysSo() async throws {
        let bad = ExperimentsCommandTests.definition.replacingOccurrences(of: "segment == 'smb'", with: "segment ==")
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": bad])
        defer { scratch.cleanup() }
        let result = try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch))
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "1 problem in \(ExperimentsCommandTests.dir(scratch)[1]); nothing was published: fix it (`ledgerline experiments lint` checks) and publish again"
            ),
            "\(result.stderr)")
        #expect(
            result.stderr.contains("subject.yaml:7: targeting: is not a valid expression over `customer`"),
            "\(result.stderr)")
        let list = try await CLI.run(ex + ["list", "--dir", "/nonexistent"])
        #expect(list.stdout.hasPrefix("no experiments published yet"))
    }

    @Test(arguments: [
        ["show", "nope"], ["report", "nope"], ["reweight", "nope"], ["assign", "nope", "--customer", "c-1"],
    ])
    func anUnknownExperimentKeySaysHowToFindIt(arguments: [String]) async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp([:])
        defer { scratch.cleanup() }
        let result = try await CLI.run(ex + arguments)
        #expect(result.status == 65)
        #expect(
            result.stderr == "ledgerline: no experiment `nope` has been published to this log; check the key with "
                + "`ledgerline experiments list`, or publish it with `ledgerline experiments publish nope`\n")
    }

    /// 21 variations passed lint, then publish refused the append with a bare pointer
    /// ("experiment-many ExperimentConfigured v1: /data/variations: expected at most 20
    /// items, found 21"), no file, no line. Lint checks the schema's limits now, and
    /// publish, which lints first, names the file and the line.
    @Test func aDefinitionTheEventCannotHoldIsRefusedByLintAndPublishWithItsLine() async throws {
        let variations = (0..<21).map { "  - { id: v\($0) }" }.joined(separator: "\n")
        let text =
            "key: many\nstatus: running\nvariations:\n\(variations)\ngoals: [{ event: EmailReplied, window: 7d }]\n"
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["many.yaml": text])
        defer { scratch.cleanup() }
        let path = scratch.url.appendingPathComponent("experiments/many.yaml").path
        let problem =
            "ledgerline: \(path):4: variations: does not fit the ExperimentConfigured event that publish appends "
            + "(expected at most 20 items, found 21); remove some\n"
        let lint = try await CLI.run(["experiments", "lint", path])
        #expect(lint.status == 65)
        #expect(lint.stderr == "ledgerline: 1 problem in experiment definitions; fix it and lint again\n" + problem)
        let publish = try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch))
        #expect(publish.status == 65)
        #expect(publish.stderr.hasSuffix(problem), "\(publish.stderr)")
        #expect(!publish.stderr.contains("/data/"), "\(publish.stderr)")
        let list = try await CLI.run(ex + ["list", "--dir", "/nonexistent"])
        #expect(list.stdout.hasPrefix("no experiments published yet"))
    }

    /// `--by "ana smith"` got past lint and the plan, and the append refused it with
    /// "/data/configuredBy: expected string matching ..."; it is a usage error now, by the
    /// schema's rule, before anything is read.
    @Test func aByThatIsNotAUserIdIsAUsageError() async throws {
        try await CLI.expectUsageError(
            ["experiments", "publish", "--by", "ana smith"],
            "--by \"ana smith\" is not a user id (expected string matching ^[A-Za-z0-9][A-Za-z0-9._:@-]*$); "
                + "give one such as u-ana; see `ledgerline experiments publish --help`")
    }

    @Test func publishingAKeyTheFolderDoesNotHaveListsTheKeysItHas() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": ExperimentsCommandTests.definition]
        )
        defer { scratch.cleanup() }
        let folder = scratch.url.appendingPathComponent("experiments").path
        let result = try await CLI.run(ex + ["publish", "subjet"] + ExperimentsCommandTests.dir(scratch))
        #expect(result.status == 65)
        #expect(result.stderr == "ledgerline: no definition has key `subjet` in \(folder); its keys are: subject\n")
    }

    /// `--through` past the head reported "through seq N" with what the log held, so the
    /// same command later gave other numbers; it is refused like a view's `--as-of`.
    @Test func aReportThroughAPositionPastTheHeadIsRefused() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": ExperimentsCommandTests.definition]
        )
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch)).status == 0)
        let result = try await CLI.run(ex + ["report", "subject", "--through", "99"])
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "ledgerline: --through 99 is past the end of the log (its last position is 1); give a position up to 1\n"
        )
    }

    @Test func aReportWithoutExposuresSaysWhatToRecord() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": ExperimentsCommandTests.definition]
        )
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch)).status == 0)
        let result = try await CLI.run(ex + ["report", "subject"])
        #expect(result.status == 65)
        #expect(
            result.stderr.hasPrefix(
                "ledgerline: experiment `subject` has no exposures in the log through seq 1 (phase 1)"))
        #expect(
            result.stderr.contains("record them with `ledgerline experiments assign subject --customer ID --record`"))
    }

    @Test(arguments: [
        (
            #"{"segment":"#,
            "ledgerline: --attributes is not valid JSON: column 12: unexpected end of input, expected a value; give one object such as '{\"segment\":\"smb\"}'\n"
        ),
        (
            "[1, 2]",
            "ledgerline: --attributes must be a JSON object of the customer's attributes, found array; e.g. '{\"segment\":\"smb\"}'\n"
        ),
    ])
    func badAttributesJSONIsRefusedBeforeAnythingIsRead(attributes: String, message: String) async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp([:])
        defer { scratch.cleanup() }
        let result = try await CLI.run(
            ex + ["assign", "subject", "--customer", "c-1", "--attributes", attributes, "--record"])
        #expect(result.status == 65)
        #expect(result.stderr == message)
    }

    /// The help says the customer id is always there as `id`, but `--attributes
    /// '{"id":"7"}'` silently hashed (and recorded on customer-5) customer 7's bucket. An
    /// `id` that differs from --customer is refused; the same id, as text or a number, is
    /// taken.
    @Test func anIdAttributeOtherThanTheCustomerIsRefused() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": ExperimentsCommandTests.definition]
        )
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch)).status == 0)
        let other = try await CLI.run(
            ex + ["assign", "subject", "--customer", "5", "--attributes", #"{"id":"7","segment":"smb"}"#, "--record"])
        #expect(other.status == 65)
        #expect(
            other.stderr
                == "ledgerline: the attributes give `id` as \"7\", but the customer is \"5\": `id` is always the "
                + "customer's id, so leave it out of the attributes (or make it \"5\")\n")
        let log = try await CLI.run(["--data", scratch.data, "read"])
        #expect(log.status == 0 && log.stdout.contains("ExperimentConfigured"), "\(log.stderr)")
        #expect(!log.stdout.contains("ExperimentExposed"), "nothing is recorded")
        for same in [#"{"id":"5","segment":"smb"}"#, #"{"id":5,"segment":"smb"}"#] {
            let result = try await CLI.run(ex + ["assign", "subject", "--customer", "5", "--attributes", same])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains(#"hash: id = "5""#), "\(result.stdout)")
        }
    }

    @Test func aBadCustomerIdIsRefusedWithTheExpectedForm() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["subject.yaml": ExperimentsCommandTests.definition]
        )
        defer { scratch.cleanup() }
        #expect(try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch)).status == 0)
        let customer = try await CLI.run(ex + ["assign", "subject", "--customer", "c 1"])
        #expect(customer.status == 65)
        #expect(customer.stderr.contains("a customer id is letters, digits and `._:@-`"), "\(customer.stderr)")
        // An id the stream could hold but the events' `customerId` could not: a decision
        // for it, recorded or not, answered for a customer the log can never have.
        for id in ["José", ".x", String(repeating: "c", count: 129)] {
            for record in [[], ["--record"]] {
                let result = try await CLI.run(ex + ["assign", "subject", "--customer", id] + record)
                #expect(result.status == 65, "\(id) \(record)")
                #expect(result.stderr.contains("a customer id is letters, digits and `._:@-` (ASCII, starting with a letter or digit, at most 128)"), "\(result.stderr)")
            }
        }
    }

    /// `--at garbage` exited 65 (bad input) where a view's `--now garbage` exits 64: a
    /// malformed option value is a usage error, said the views' way and refused before
    /// the store is opened (or, for publish, the definitions read).
    @Test(arguments: [
        ["experiments", "assign", "subject", "--customer", "c-1", "--record", "--at", "yesterday"],
        ["experiments", "reweight", "cadence", "--at", "yesterday"],
        ["experiments", "publish", "--at", "yesterday"],
    ])
    func aMalformedAtIsAUsageError(arguments: [String]) async throws {
        let command = arguments.prefix(2).joined(separator: " ")
        try await CLI.expectUsageError(
            arguments,
            "--at \"yesterday\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25; "
                + "see `ledgerline \(command) --help`")
    }
}
