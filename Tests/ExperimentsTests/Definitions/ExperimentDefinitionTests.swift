import Foundation
import JSON
import Schemas
import Testing

@testable import Experiments

@Suite struct ExperimentDefinitionTests {
    static let rulesDirectory = GrowthBookCases.packageRoot.appendingPathComponent("rules/experiments")

    static let minimal = """
        key: subject-test
        variations:
          - id: control
          - id: challenger
        goals:
          - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
        """

    @Test func repositoryExamplesAreValid() throws {
        let catalog = try ExperimentCatalog.load(directory: Self.rulesDirectory, displayPrefix: "rules/experiments")
        #expect(catalog.definitions.map(\.key) == ["followup-subject", "offer-cadence"])
        let subject = try #require(catalog.definition("followup-subject"))
        #expect(subject.status == .running)
        #expect(subject.weights == [0.34, 0.33, 0.33])
        #expect(subject.namespace == Namespace(id: "email-subjects", start: 0, end: 0.5))
        #expect(subject.goals.map(\.window.seconds) == [7 * 86_400, 60 * 86_400])
        #expect(subject.guardrails.first?.direction == .decrease)
        let cadence = try #require(catalog.definition("offer-cadence"))
        #expect(cadence.bandit?.minimumShare == 0.1)
        #expect(cadence.weights.allSatisfy { abs($0 - 1.0 / 3) < 1e-12 })
        #expect(cadence.minBucketVersion == 1)
    }

    @Test func defaultsAreFilledIn() throws {
        let definition = try ExperimentDefinition.parse(yaml: Self.minimal)
        #expect(definition.name == "subject-test")
        #expect(definition.seed == "subject-test")
        #expect(definition.hashAttribute == "id")
        #expect(definition.hashVersion == .v2)
        #expect(definition.status == .draft)
        #expect(definition.weights == [0.5, 0.5])
        #expect(definition.coverage == 1)
    }

    @Test func problemsNameFileLineAndField() {
        let yaml = """
            key: followup-subject
            status: live
            variations:
              - id: control
                weight: 0.5
              - id: control
                weight: 1.4
            coverage: 2
            hash_version: 3
            goals:
              - { kind: revenue, event: OrderPlaced, window: 7 days }
            """
        let problems = ExperimentDefinition.lint(yaml: yaml, file: "rules/experiments/followup-subject.yaml")
        let lines = problems.map(\.description)
        #expect(
            lines.contains(
                "rules/experiments/followup-subject.yaml:2: status: must be one of draft, running, stopped; got `live`")
        )
        #expect(
            lines.contains(
                "rules/experiments/followup-subject.yaml:6: variations[1].id: `control` is already the id of another variation; ids must be unique"
            ))
        #expect(
            lines.contains(
                "rules/experiments/followup-subject.yaml:7: variations[1].weight: must be between 0 and 1; got 1.4"))
        #expect(
            lines.contains {
                $0.hasPrefix("rules/experiments/followup-subject.yaml:4: variations: weights must sum to 1")
            })
        #expect(lines.contains("rules/experiments/followup-subject.yaml:8: coverage: must be between 0 and 1; got 2"))
        #expect(lines.contains("rules/experiments/followup-subject.yaml:9: hash_version: must be 1 or 2; got 3"))
        #expect(lines.contains { $0.contains(":11: goals[0].window: must be a duration") })
        #expect(lines.contains { $0.contains(":11: goals[0].value: is required for revenue") })
    }

    /// A window past ten years was accepted, then overflowed the report's µs arithmetic
    /// (`window: 10000000000000s`); one too long for 64 bits said it was malformed.
    @Test(arguments: [
        (
            "goals: [{ name: replied, event: EmailReplied, window: 10000000000000s }]", "goals[0].window",
            "10000000000000s"
        ),
        ("goals: [{ name: replied, event: EmailReplied, window: 3651d }]", "goals[0].window", "3651d"),
        (
            "goals: [{ name: replied, event: EmailReplied, window: 99999999999999999999w }]", "goals[0].window",
            "99999999999999999999w"
        ),
        (
            "goals: [{ name: replied, event: EmailReplied, window: 7d }]\nbandit: { schedule: 9999999999999d }",
            "bandit.schedule", "9999999999999d"
        ),
        (
            "goals: [{ name: replied, event: EmailReplied, window: 7d }]\nbandit: { burn_in: 522w }", "bandit.burn_in",
            "522w"
        ),
    ])
    func windowsLongerThanTenYearsAreRefused(tail: String, field: String, text: String) {
        let yaml = "key: w\nvariations: [{ id: a }, { id: b }]\n" + tail + "\n"
        let problems = ExperimentDefinition.lint(yaml: yaml, file: "w.yaml").map(\.description)
        #expect(
            problems.contains { $0.hasSuffix(": \(field): must be at most 3650d (ten years); got `\(text)`") },
            "\(problems)")
    }

    /// The bound itself is a window a definition may give.
    @Test func aTenYearWindowIsAccepted() throws {
        let definition = try ExperimentDefinition.parse(
            yaml: Self.minimal.replacingOccurrences(of: "window: 7d", with: "window: 3650d"))
        #expect(definition.goals[0].window == TimeWindow.maximum)
    }

    /// Lint accepted definitions that publish then refused, because the
    /// ExperimentConfigured schema limits them (at most 20 variations, 2000 characters of
    /// targeting, ...). Lint validates the payload publish would append against the
    /// catalog, so the limits are the schema's, reported at the field and line they
    /// come from.
    @Test func definitionsThePublishedEventCannotHoldAreRefusedWhereTheyAre() {
        let long = String(repeating: "x", count: 201)
        let variations = (0..<21).map { "  - { id: v\($0) }" }.joined(separator: "\n")
        let yaml = """
            key: limits
            name: \(long)
            seed: \(long)
            targeting: "customer.segment == '\(String(repeating: "s", count: 2000))'"
            variations:
            \(variations)
            goals: [{ name: replied, event: EmailReplied, window: 7d }]
            """
        let problems = ExperimentDefinition.lint(yaml: yaml, file: "limits.yaml", eventCatalog: EventCatalog.embedded)
        let event = "does not fit the ExperimentConfigured event that publish appends"
        #expect(
            problems.map(\.description) == [
                "limits.yaml:2: name: \(event) (expected at most 200 characters, found 201); shorten it",
                "limits.yaml:3: seed: \(event) (expected at most 200 characters, found 201); shorten it",
                "limits.yaml:4: targeting: \(event) (expected at most 2000 characters, found 2022); shorten it",
                "limits.yaml:6: variations: \(event) (expected at most 20 items, found 21); remove some",
            ])
    }

    /// A key or variation id over 100 characters breaks the schema too; the key says so in
    /// words of its own rather than the schema's pattern.
    @Test func keysAndVariationIdsAreAtMostOneHundredCharacters() {
        let key = String(repeating: "k", count: 101)
        let id = String(repeating: "v", count: 101)
        let yaml = "key: \(key)\nvariations: [{ id: a }, { id: \(id) }]\ngoals: [{ event: EmailReplied, window: 7d }]\n"
        let problems = ExperimentDefinition.lint(yaml: yaml, eventCatalog: EventCatalog.embedded).map(\.description)
        #expect(
            problems == [
                "key: must be at most 100 characters (events record it); got 101",
                "variations[1].id: does not fit the ExperimentConfigured event that publish appends "
                    + "(expected at most 100 characters, found 101); shorten it",
            ])
    }

    /// An empty name broke the schema's minimum of one character; the parser says what to do.
    @Test func anEmptyNameIsRefused() {
        let problems = ExperimentDefinition.lint(
            yaml: Self.minimal + "\nname: \"\"\n", eventCatalog: EventCatalog.embedded)
        #expect(problems.map(\.description) == ["name: must not be empty; leave it out to use the key"])
    }

    /// A repeated key was Yams' message over several lines, the whole file quoted, "in
    /// line 1, column 1"; it is one line at the repeat, which is the one to remove.
    @Test func aRepeatedKeyIsReportedAtTheRepeatInOneLine() {
        let top = ExperimentDefinition.lint(yaml: "key: e4\nkey: e4\n" + Self.minimal.dropFirst(18), file: "e4.yaml")
        #expect(top.map(\.description) == ["e4.yaml:2: key: is given twice (first at line 1); keep one"])
        let nested = """
            key: nested
            variations:
              - id: a
                name: x

                name: y
              - id: b
            goals: [{ event: EmailReplied, window: 7d }]
            """
        #expect(
            ExperimentDefinition.lint(yaml: nested, file: "n.yaml").map(\.description) == [
                "n.yaml:6: `name` is given twice (first at line 4); keep one"
            ])
        // Saved with CRLF line endings, the same lines: "\r\n" is one Character, and
        // splitting on "\n" found no repeat.
        #expect(
            ExperimentDefinition.lint(yaml: nested.replacing("\n", with: "\r\n"), file: "n.yaml").map(\.description) == [
                "n.yaml:6: `name` is given twice (first at line 4); keep one"
            ])
    }

    /// A file saved with a UTF-8 byte order mark failed with "did not find expected
    /// <document start>"; the mark says nothing in UTF-8 and is read past.
    @Test func aByteOrderMarkIsReadPast() throws {
        let definition = try ExperimentDefinition.parse(yaml: "\u{FEFF}" + Self.minimal, file: "subject-test.yaml")
        #expect(definition.key == "subject-test")
    }

    /// `coverage: .nan` said "must be a number; got `.nan` (a number)".
    @Test(arguments: [(".nan", "not a number"), (".inf", "infinite"), ("-.inf", "infinite")])
    func aNumberThatIsNotFiniteSaysSo(text: String, what: String) {
        #expect(
            ExperimentDefinition.lint(yaml: Self.minimal + "\ncoverage: \(text)\n").map(\.description) == [
                "coverage: must be a finite number; got `\(text)`, which is \(what)"
            ])
    }

    /// A quoted weight added "give a weight for every variation or for none" to its own
    /// problem, though every variation has one; the problem itself says what to do.
    @Test func aQuotedWeightIsOneProblem() {
        let yaml = """
            key: q
            variations: [{ id: a, weight: "0.5" }, { id: b, weight: 0.5 }]
            goals: [{ event: EmailReplied, window: 7d }]
            """
        #expect(
            ExperimentDefinition.lint(yaml: yaml).map(\.description) == [
                "variations[0].weight: must be a number; got `0.5` in quotes, which is text: remove the quotes"
            ])
    }

    /// `dup.yaml` and `dup.yml` with one key said "`./dup.yaml`: key `dup` is also defined
    /// in `./dup.yaml`", one file twice; it names both, each with its key's line.
    @Test func twoFilesWithOneKeyAreBothNamedWithTheirLines() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.minimal.replacingOccurrences(of: "subject-test", with: "dup")
        try text.write(to: folder.appendingPathComponent("dup.yaml"), atomically: true, encoding: .utf8)
        try ("# the same experiment\n" + text).write(
            to: folder.appendingPathComponent("dup.yml"), atomically: true, encoding: .utf8)
        #expect {
            try ExperimentCatalog.load(directory: folder, displayPrefix: "defs")
        } throws: { error in
            (error as? ExperimentsError)?.problems.map(\.description) == [
                "defs/dup.yml:2: key: `dup` is also the key of defs/dup.yaml:1; keys must be unique, "
                    + "so rename one or remove the other file"
            ]
        }
    }

    @Test func misspeltFieldsGetASuggestion() {
        let problems = ExperimentDefinition.lint(yaml: Self.minimal + "\ncoverge: 0.5\n")
        #expect(problems.map(\.description) == ["coverge: is not a known field; did you mean `coverage`?"])
    }

    @Test func keyMustMatchTheFileName() {
        let problems = ExperimentDefinition.lint(yaml: Self.minimal, file: "rules/experiments/other.yaml")
        #expect(
            problems.map(\.description) == [
                "rules/experiments/other.yaml:1: key: must match the file name (`subject-test.yaml`); rename one of them"
            ])
    }

    @Test func parseThrowsEveryProblemAtOnce() {
        #expect {
            try ExperimentDefinition.parse(yaml: "key: Bad Key\nvariations: [{ id: a }]\n", file: "x.yaml")
        } throws: { error in
            guard let error = error as? ExperimentsError else { return false }
            return error.code == .invalidDefinition && error.problems.count >= 3
        }
    }

    @Test func invalidYAMLReportsItsLine() {
        let problems = ExperimentDefinition.lint(yaml: "key: a\nvariations: [\n  - x: [\n", file: "broken.yaml")
        #expect(problems.count == 1)
        #expect(problems.first?.code == .invalidYAML)
        #expect(problems.first?.line != nil)
    }

    @Test func banditsStartFromEqualWeightsAndNeedAConversionGoal() {
        let yaml = """
            key: b
            variations: [{ id: a, weight: 0.5 }, { id: c, weight: 0.5 }]
            bandit: { goal: revenue, minimum_share: 0.6 }
            goals: [{ name: revenue, kind: revenue, event: OrderPlaced, value: data.total, window: 7d }]
            """
        let fields = ExperimentDefinition.lint(yaml: yaml).compactMap(\.field)
        #expect(fields.contains("bandit.goal"))
        #expect(fields.contains("bandit.minimum_share"))
        #expect(fields.contains("variations"))
    }

    @Test func canonicalJSONIsStableAndRoundTrips() throws {
        let a = try ExperimentDefinition.parse(yaml: Self.minimal)
        let reformatted = try ExperimentDefinition.parse(
            yaml: """
                # same experiment, written differently
                goals: [{ event: EmailReplied, window: 168h, name: replied }]
                variations: [{ id: control, weight: 0.50 }, { id: challenger, weight: 0.5 }]
                hash_version: 2
                key: subject-test
                """)
        #expect(a.canonicalBytes == reformatted.canonicalBytes)
        for file in ["followup-subject", "offer-cadence"] {
            let definition = try ExperimentDefinition.load(
                contentsOf: Self.rulesDirectory.appendingPathComponent(file + ".yaml"))
            #expect(try ExperimentDefinition(canonicalJSON: definition.canonicalJSON) == definition)
            #expect(try JSONParser.parse(definition.canonicalBytes) == definition.canonicalJSON)
        }
    }

    @Test func allocationChangesStartANewPhase() throws {
        let base = try ExperimentDefinition.parse(yaml: Self.minimal)
        var renamed = base
        renamed.name = "Subject test"
        renamed.status = .running
        renamed.targeting = "customer.segment == 'smb'"
        #expect(renamed.isSamePhase(as: base))
        var reweighted = base
        reweighted.variations[0].weight = 0.6
        reweighted.variations[1].weight = 0.4
        #expect(!reweighted.isSamePhase(as: base))
        #expect(reweighted.phaseChanges(since: base) == ["variations"])
        var covered = base
        covered.coverage = 0.5
        covered.seed = "new-seed"
        #expect(covered.phaseChanges(since: base) == ["coverage", "seed"])
    }

    @Test func runtimeExperimentAssignsByVariationId() throws {
        let definition = try ExperimentDefinition.load(
            contentsOf: Self.rulesDirectory.appendingPathComponent("followup-subject.yaml"))
        let experiment = definition.experiment(phase: "1")
        let result = experiment.assign(in: EvaluationContext(attributes: ["id": "customer-7"]))
        #expect(definition.variations.map(\.id).contains(result.variationKey) || !result.inExperiment)
        #expect(result.seed == "followup-subject" && result.hashVersion == 2)
        var inside = 0
        for i in 0..<10_000 where experiment.variation(forHashValue: "customer-\(i)") != nil { inside += 1 }
        #expect(abs(inside - 5_000) < 300)  // the namespace slice is half of everyone
    }

    @Test func overlappingNamespaceSlicesConflict() throws {
        var a = try ExperimentDefinition.parse(yaml: Self.minimal)
        a.namespace = Namespace(id: "ns", start: 0, end: 0.6)
        var b = a
        b.key = "other"
        b.namespace = Namespace(id: "ns", start: 0.5, end: 1)
        let catalog = ExperimentCatalog(definitions: [a, b], files: ["subject-test": "a.yaml", "other": "b.yaml"])
        #expect(catalog.conflicts().count == 1)
        b.namespace = Namespace(id: "ns", start: 0.6, end: 1)
        #expect(ExperimentCatalog(definitions: [a, b], files: [:]).conflicts().isEmpty)
    }
}
