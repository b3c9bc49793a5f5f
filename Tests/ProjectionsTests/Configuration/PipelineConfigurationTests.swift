import Foundation
import Projections
import Testing

@Suite struct PipelineConfigurationTests {
    @Test func readsStagesInOrderWithExactProbabilitiesAndOutcomes() throws {
        let configuration = try TestPipelines.configuration
        let pipeline = try #require(configuration.pipeline("default"))
        #expect(pipeline.name == "New business")
        #expect(
            pipeline.stages.map(\.id) == [
                "new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation", "won", "lost",
            ])
        #expect(pipeline.stages[3].probability == Money("0.35"))
        #expect(pipeline.stages[6].outcome == .won && pipeline.stages[6].probability == Money("1"))
        #expect(pipeline.stages[7].outcome == .lost && pipeline.stages[7].probability == Money("0"))
        #expect(pipeline.progression.map(\.id).last == "won")
    }

    @Test func stagesMatchIgnoringCaseSpacesAndPunctuationAndTheirAliases() throws {
        let pipeline = try #require(try TestPipelines.configuration.pipeline("Default"))
        #expect(pipeline.stage(named: "Demo Scheduled")?.id == "demo_scheduled")
        #expect(pipeline.stage(named: "closed-won")?.id == "won")
        #expect(pipeline.stage(named: "CLOSEDLOST")?.id == "lost")
        #expect(pipeline.stage(named: "legal") == nil)
    }

    @Test func theShippedConfigurationLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        let configuration = try PipelineConfiguration.load(
            path: root.appendingPathComponent("rules/pipelines.yaml").path)
        #expect(configuration.pipelines.map(\.id) == ["default", "enterprise", "renewal"])
        #expect(
            configuration.pipelines.allSatisfy {
                $0.stages.contains { $0.outcome == .won } && $0.stages.contains { $0.outcome == .lost }
            })
    }

    @Test(arguments: [
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.5\n", 5, nil as String?,
            "is not valid YAML"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probabilty: 0.5 }\n", 4,
            "pipelines[0].stages[0].probabilty", "is not a known field"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 1.5 }\n", 4,
            "pipelines[0].stages[0].probability", "must be a decimal number from 0 to 1"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x }\n", 4, "pipelines[0].stages[0].probability",
            "is missing for open stage `x`"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.1 }\n      - { id: X, probability: 0.2 }\n",
            5, "pipelines[0].stages[1]", "same name as stage `x`"
        ),
        ("pipelines:\n  - id: a\n    stages: []\n", 3, "pipelines[0].stages", "non-empty list"),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.1, outcome: maybe }\n", 4,
            "pipelines[0].stages[0].outcome", "must be open, won or lost"
        ),
        ("stages: []\n", 1, "stages", "is not a known field"),
        // A won stage before an open one put every won deal past the open stage: the
        // funnel said 684 reached the won stage where 163 were won.
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: w, outcome: won }\n      - { id: x, probability: 0.5 }\n",
            5, "pipelines[0].stages[1]", "open stage `x` comes after won stage `w` (line 4); list the stages in the order"
        ),
        // A probability on a closing stage was ignored without a word.
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.5 }\n      - { id: l, outcome: lost, probability: 0.3 }\n",
            5, "pipelines[0].stages[1].probability", "is 0.3 for lost stage `l`, whose deals are lost: its probability is 0"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: w, outcome: won, probability: 0.9 }\n", 4,
            "pipelines[0].stages[0].probability", "is 0.9 for won stage `w`, whose deals are won: its probability is 1"
        ),
        // `---` normalises to the empty name, which `""` is refused for.
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: \"---\", probability: 0.5 }\n", 4,
            "pipelines[0].stages[0].id", "`---` has no letter or digit"
        ),
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.5, aliases: [ok, \"--\"] }\n", 4,
            "pipelines[0].stages[0].aliases[1]", "`--` has no letter or digit"
        ),
        ("pipelines:\n  - id: \"*\"\n    stages:\n      - { id: x, probability: 0.5 }\n", 2, "pipelines[0].id", "`*` has no letter or digit"),
        // In range, but past the 18 decimals kept exactly: it said "must be a decimal
        // number from 0 to 1".
        (
            "pipelines:\n  - id: a\n    stages:\n      - { id: x, probability: 0.7000000000000000000000000000001 }\n", 4,
            "pipelines[0].stages[0].probability", "has 31 decimals, and at most 18 are kept exactly; round it"
        ),
    ])
    func aMalformedFileIsRefusedWithFileLineAndField(yaml: String, line: Int, field: String?, reason: String) {
        do {
            _ = try PipelineConfiguration.parse(yaml: yaml, file: "pipelines.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            let first = error.problems.first ?? error
            #expect(first.code == .invalidConfiguration)
            #expect(first.file == "pipelines.yaml")
            #expect(first.line == line, "\(error)")
            #expect(first.field == field)
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("pipelines.yaml:\(first.line!):"), "\(error)")
        }
    }

    /// Closing stages may come in any order after the open ones, a lost stage even before
    /// them (the funnel leaves lost stages out); explicit probabilities that agree with
    /// the outcome are accepted, and 18 decimals are kept exactly.
    @Test func closingStagesWithTheirOwnProbabilityAndALostStageFirstAreAccepted() throws {
        let configuration = try PipelineConfiguration.parse(
            yaml: """
                pipelines:
                  - id: a
                    stages:
                      - { id: dropped, outcome: lost, probability: 0 }
                      - { id: x, probability: 0.700000000000000001 }
                      - { id: w, outcome: won, probability: 1.0 }
                      - { id: w2, outcome: won }
                """, file: "pipelines.yaml")
        let stages = try #require(configuration.pipeline("a")).stages
        #expect(stages.map(\.id) == ["dropped", "x", "w", "w2"])
        #expect(stages[1].probability?.description == "0.700000000000000001")
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: ProjectionError.self) { try PipelineConfiguration.load(path: "/nonexistent/pipelines.yaml") }
        do { _ = try PipelineConfiguration.load(path: "/nonexistent/pipelines.yaml") } catch {
            #expect(error.code == .unreadableFile)
            #expect(
                error.description
                    == "/nonexistent/pipelines.yaml: cannot read the pipeline configuration: no such file; pass --pipelines FILE"
            )
        }
    }
}
