import EventLog

/// One deal read against its pipeline: whether it is open, won or lost, when it closed,
/// what it is worth weighted, and how far along the pipeline it got.
///
/// - Status: an explicit `DealWon` / `DealLost` decides, unless the deal changed stage
///   afterwards; otherwise the current stage does (its configured `outcome`, or for a
///   stage the configuration does not know, its name: ``Stage/outcome(byName:)``).
/// - Closed at: the `DealWon` / `DealLost` time, or when the closing stage was entered.
/// - Probability: 1 when won, 0 when lost, else the current stage's configured
///   probability; `nil` for an open deal in an unconfigured stage, which is then left out
///   of the weighted pipeline (and counted in ``PipelineSummary`` as unweighted).
/// - Furthest stage: the latest stage of the pipeline's progression (its stages minus
///   the lost ones) the deal ever entered; a won deal has reached the won stage.
public struct DealReading: Sendable {
    public let deal: DealState
    public let pipeline: Pipeline
    /// The configured (or inferred) stage the deal is in; `nil` when unknown to the pipeline.
    public let stage: Stage?
    public let status: DealOutcome
    public let closedAt: Timestamp?
    public let probability: Money?
    /// Index into ``Pipeline/progression`` of the furthest stage reached; `nil` when the
    /// deal entered none of them.
    public let furthest: Int?

    public init(_ deal: DealState, book: PipelineBook) {
        self.deal = deal
        let pipeline = book.pipeline(deal.pipeline)
        self.pipeline = pipeline
        let stage = deal.stage.flatMap { pipeline.stage(named: $0) }
        self.stage = stage
        let byStage: DealOutcome
        switch stage?.outcome ?? deal.stage.map(Stage.outcome(byName:)) ?? .open {
        case .open: byStage = .open
        case .won: byStage = .won
        case .lost: byStage = .lost
        }
        let explicit = deal.explicitOutcome
        status = explicit ?? byStage
        if explicit != nil {
            closedAt = deal.outcomeAt
        } else {
            closedAt = byStage == .open ? nil : deal.history.last?.at
        }
        switch status {
        case .won: probability = Money(units: 1, scale: 0)
        case .lost: probability = .zero
        case .open: probability = stage?.probability
        }
        let progression = pipeline.progression
        var furthest: Int?
        for entry in deal.history {
            guard let s = pipeline.stage(named: entry.stage), let i = progression.firstIndex(of: s) else { continue }
            furthest = max(furthest ?? i, i)
        }
        if status == .won, let firstWon = progression.firstIndex(where: { $0.outcome == .won }) {
            furthest = max(furthest ?? firstWon, firstWon)
        }
        self.furthest = furthest
    }

    /// Amount × probability, exact; `nil` without an amount or a probability.
    public var weightedAmount: Money? {
        guard let amount = deal.amount, let probability else { return nil }
        return amount.multiplied(by: probability)
    }

    /// Days from opening to closing; `nil` while open, 0 for a deal closed "before" it
    /// was opened (events imported out of time order).
    public var cycleDays: Double? {
        guard let closedAt, let createdAt = deal.createdAt else { return nil }
        return DealTimeline.days(from: createdAt, to: closedAt)
    }

    /// The owner, or `(none)`.
    public var owner: String { deal.ownerId ?? "(none)" }
}
