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
