/// The pipelines queries read deals against: the configured ones, and for every
/// pipeline id the deals use that the configuration does not list, one inferred from
/// the deals themselves (``Pipeline/inferred(id:histories:)``).
public struct PipelineBook: Sendable {
    public let configuration: PipelineConfiguration
    private var inferred: [String: Pipeline] = [:]

    /// Builds the book for `deals`: inferring each unconfigured pipeline from its deals' histories.
    public init(configuration: PipelineConfiguration, deals: [DealState]) {
        self.configuration = configuration
        var histories: [String: [[String]]] = [:]
        for deal in deals {
            let id = deal.pipeline ?? Self.noPipeline
            guard configuration.pipeline(id) == nil else { continue }
            histories[id, default: []].append(deal.history.map(\.stage))
        }
        for (id, list) in histories { inferred[id] = Pipeline.inferred(id: id, histories: list) }
    }

    /// The id shown for deals whose events never named a pipeline.
    public static let noPipeline = "(none)"

    /// The pipeline `id` (configured, else inferred).
    public func pipeline(_ id: String?) -> Pipeline {
        let id = id ?? Self.noPipeline
        return configuration.pipeline(id) ?? inferred[id] ?? Pipeline(id: id, stages: [], isConfigured: false)
    }

    /// Throws ``ProjectionError/Code/notFound`` when `id` (a `--pipeline`) is neither
    /// configured nor the pipeline of any of `deals`, naming the pipelines there are:
    /// such a pipeline would be reported as an empty one whose stage order was inferred
    /// from no deal at all. Names match ignoring case, spaces and punctuation.
    public func checkKnown(_ id: String, deals: [DealState]) throws(ProjectionError) {
        let known = pipelineIds(with: deals) + configuration.pipelines.map(\.id)
        guard !known.contains(where: { Stage.normalize($0) == Stage.normalize(id) }) else { return }
        var names: [String] = []
        for name in known where !names.contains(name) { names.append(name) }
        let configured =
            configuration.file.map { "\($0) does not configure it" } ?? "no pipeline configuration was read"
        let there = names.isEmpty ? "there are no pipelines yet" : "the pipelines are \(names.joined(separator: ", "))"
        throw ProjectionError(
            .notFound,
            "there is no pipeline \(id.prefix(80)): no deal is in it and \(configured); \(there); check --pipeline")
    }

    /// The pipelines `deals` use (and `including`, when given, deals or not): configured
    /// ones in file order, then the others by id.
    public func pipelineIds(with deals: [DealState], including: String? = nil) -> [String] {
        var used = Set(deals.map { Stage.normalize($0.pipeline ?? Self.noPipeline) })
        if let including { used.insert(Stage.normalize(including)) }
        var ids = configuration.pipelines.map(\.id).filter { used.contains(Stage.normalize($0)) }
        let configured = Set(configuration.pipelines.map { Stage.normalize($0.id) })
        var others: [String: String] = [:]
        for deal in deals {
            let id = deal.pipeline ?? Self.noPipeline
            if !configured.contains(Stage.normalize(id)) {
                others[Stage.normalize(id)] = others[Stage.normalize(id)] ?? id
            }
        }
        if let including, !configured.contains(Stage.normalize(including)), others[Stage.normalize(including)] == nil {
            others[Stage.normalize(including)] = including
        }
        ids += others.values.sorted()
        return ids
    }
}

extension Pipeline {
    /// A pipeline the configuration does not list, ordered from its deals.
    ///
    /// Each stage is placed by the average position at which deals first entered it
    /// (ties by name); stages whose names say won or lost (``Stage/outcome(byName:)``)
    /// close deals and come last. No stage has a probability.
    static func inferred(id: String, histories: [[String]]) -> Pipeline {
        var sums: [String: (total: Double, count: Double)] = [:]
        for history in histories {
            var seen: Set<String> = []
            var ordinal = 0.0
            for stage in history where seen.insert(stage).inserted {
                sums[stage, default: (0, 0)].total += ordinal
                sums[stage, default: (0, 0)].count += 1
                ordinal += 1
            }
        }
        func rank(_ outcome: Stage.Outcome) -> Int { outcome == .open ? 0 : outcome == .won ? 1 : 2 }
        let stages = sums.map { name, sum in
            (name: name, average: sum.total / sum.count, outcome: Stage.outcome(byName: name))
        }.sorted {
            (rank($0.outcome), $0.average, $0.name) < (rank($1.outcome), $1.average, $1.name)
        }.map { Stage(id: $0.name, probability: nil, outcome: $0.outcome) }
        return Pipeline(id: id, stages: stages, isConfigured: false)
    }
}
