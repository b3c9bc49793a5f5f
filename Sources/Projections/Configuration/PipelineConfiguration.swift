/// The sales pipelines: for each, its stages in order, the probability that a deal in
/// a stage is won, and which stages close a deal as won or lost.
///
/// Read from `rules/pipelines.yaml` (or `--pipelines FILE`) by queries, never by the
/// fold: the pipeline view stores what happened, and this says how to read it, so a
/// changed probability or a renamed stage needs no rebuild.
///
/// Stage names from the log are matched loosely (``Pipeline/stage(named:)``): case,
/// spaces and punctuation are ignored, and a stage may list `aliases`, so `Closed Won`,
/// `closed_won` and `closedwon` are one stage.
public struct PipelineConfiguration: Sendable {
    public var pipelines: [Pipeline]
    /// Where it was read from, for messages; `nil` for none (``empty``).
    public var file: String?

    public init(pipelines: [Pipeline], file: String? = nil) {
        self.pipelines = pipelines
        self.file = file
    }

    /// No pipelines configured: every pipeline's stage order is inferred from the deals
    /// and stages close a deal by their names (see ``Pipeline/inferred(id:histories:)``).
    public static let empty = PipelineConfiguration(pipelines: [])

    public func pipeline(_ id: String) -> Pipeline? {
        let key = Stage.normalize(id)
        return pipelines.first { Stage.normalize($0.id) == key }
    }
}

/// One pipeline's stages, in the order deals move through them.
public struct Pipeline: Sendable {
    public var id: String
    public var name: String
    public var stages: [Stage]
    /// `false` for a pipeline the configuration does not list, whose order was inferred.
    public var isConfigured: Bool

    public init(id: String, name: String? = nil, stages: [Stage], isConfigured: Bool = true) {
        self.id = id
        self.name = name ?? id
        self.stages = stages
        self.isConfigured = isConfigured
    }

    /// The stage `name` stands for: its id or one of its aliases, ignoring case, spaces and punctuation.
    public func stage(named name: String) -> Stage? {
        let key = Stage.normalize(name)
        return stages.first { $0.keys.contains(key) }
    }

    /// The stages a deal progresses through: every stage but the lost ones, in order.
    public var progression: [Stage] { stages.filter { $0.outcome != .lost } }
}

/// One stage of a pipeline.
public struct Stage: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case open
        case won
        case lost
    }

    public var id: String
    public var name: String
    /// The chance a deal in this stage is won, exact (`0.35`); `nil` when unknown (an
    /// unconfigured stage), which leaves the deal out of the weighted pipeline.
    public var probability: Money?
    public var outcome: Outcome
    public var aliases: [String]

    public init(id: String, name: String? = nil, probability: Money?, outcome: Outcome = .open, aliases: [String] = [])
    {
        self.id = id
        self.name = name ?? id
        self.probability = probability
        self.outcome = outcome
        self.aliases = aliases
    }

    /// The normalised names this stage answers to.
    var keys: Set<String> { Set(([id, name] + aliases).map(Self.normalize)) }

    /// Lower case letters and digits only: `Closed Won` → `closedwon`.
    static func normalize(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }

    /// What a stage's name says about it when no configuration does: `won`,
    /// `closed_won`, `Closed Won` and `dealwon` close a deal as won; the same with `lost`
    /// as lost; anything else is open.
    public static func outcome(byName name: String) -> Outcome {
        let key = normalize(name)
        if key == "won" || key.hasPrefix("won") || key.hasSuffix("won") { return .won }
        if key == "lost" || key.hasPrefix("lost") || key.hasSuffix("lost") { return .lost }
        return .open
    }
}
