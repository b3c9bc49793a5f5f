import Projections

/// The pipeline configuration the tests read deals with (the shape of rules/pipelines.yaml).
enum TestPipelines {
    static let yaml = """
        pipelines:
          - id: default
            name: New business
            stages:
              - { id: new, probability: 0.05 }
              - { id: qualified, probability: 0.10 }
              - { id: demo_scheduled, probability: 0.20 }
              - { id: demo_done, probability: 0.35 }
              - { id: proposal, probability: 0.50 }
              - { id: negotiation, probability: 0.75 }
              - { id: won, outcome: won, aliases: [Closed Won] }
              - { id: lost, outcome: lost, aliases: [Closed Lost] }
          - id: renewal
            stages:
              - { id: upcoming, probability: 0.7 }
              - { id: renewed, outcome: won }
              - { id: churned, outcome: lost }
        """

    static var configuration: PipelineConfiguration {
        get throws { try PipelineConfiguration.parse(yaml: yaml, file: "pipelines.yaml") }
    }
}
