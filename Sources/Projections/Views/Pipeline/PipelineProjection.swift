import EventLog

/// The pipeline view: one row per deal, folded from the deal events
/// (`DealCreated`, `DealStageChanged`, `DealAmountChanged`, `DealOwnerChanged`,
/// `DealWon`, `DealLost`).
///
/// General on purpose: a deal whose `DealCreated` is not in the log (an export that
/// starts mid-flight) is opened by its earliest event; a `DealStageChanged` whose
/// `fromStage` is not the stage the view last saw records that stage as reached
/// (``StageEntry/inferred``), so "ever reached" stays true to the data; stage and
/// pipeline names are kept as given, whether or not the configuration knows them.
public struct PipelineProjection: Projection {
    public typealias State = DealState

    public let name = "pipeline"
    /// 2: a deal is opened when its `DealCreated` says, whichever event the log holds first.
    /// 3: a `DealWon` / `DealLost` stored before the deal's `DealCreated` still closes it
    /// (the creation stage was counted as a stage change after the outcome).
    public let version = 3

    public init() {}

    /// No fold reads another entity.
    public var contextKinds: Set<EventKind> { [] }

    public var handledKinds: Set<EventKind> {
        [.dealCreated, .dealStageChanged, .dealAmountChanged, .dealOwnerChanged, .dealWon, .dealLost]
    }

    public func entities(of event: ProjectedEvent, links: LinkTable, into keys: inout [String]) {
        if let deal = event.string("dealId") { keys.append(deal) }
    }

    public func apply(_ event: ProjectedEvent, to deal: inout DealState, context: FoldContext<DealState>) {
        let at = event.occurredAt
        // Opened when DealCreated says (the earliest, if several), else at the earliest
        // event: whichever of them the log holds first.
        if event.kind == .dealCreated {
            deal.createdAt = deal.hasCreation ? min(deal.createdAt ?? at, at) : at
        } else if !deal.hasCreation, deal.createdAt == nil || at < deal.createdAt! {
            deal.createdAt = at
        }
        if deal.lastEventAt == nil || at > deal.lastEventAt! { deal.lastEventAt = at }
        switch event.kind {
        case .dealCreated:
            deal.hasCreation = true
            deal.name = event.string("name") ?? deal.name
            deal.ownerId = event.string("ownerId") ?? deal.ownerId
            deal.customerId = event.string("customerId") ?? deal.customerId
            deal.accountId = event.string("accountId") ?? deal.accountId
            deal.probability = event.double("probability") ?? deal.probability
            deal.expectedCloseDate = event.string("expectedCloseDate") ?? deal.expectedCloseDate
            if let amount = event.money("amount") {
                deal.amount = amount
                deal.currency = event.string("currency")
            }
            let pipeline = event.string("pipeline")
            deal.pipeline = deal.pipeline ?? pipeline
            if let stage = event.string("stage") {
                // The creation stage is where the deal started, so it precedes a `DealWon` /
                // `DealLost` stored before it: it is counted among the entries the outcome
                // saw, and never reads as a stage change after the outcome.
                if deal.history.isEmpty {
                    enter(stage, pipeline: pipeline, at: at, &deal)
                    if deal.outcome != .open { deal.outcomeHistoryCount += 1 }
                } else if !deal.history.contains(where: { $0.stage == stage }) {
                    // Created after later events arrived: the creation stage comes first.
                    deal.history.insert(StageEntry(stage: stage, pipeline: pipeline, at: at, inferred: false), at: 0)
                    if deal.outcome != .open { deal.outcomeHistoryCount += 1 }
                }
            }
        case .dealStageChanged:
            let pipeline = event.string("pipeline") ?? deal.pipeline
            if let from = event.string("fromStage"), deal.stage != from {
                deal.history.append(StageEntry(stage: from, pipeline: pipeline, at: at, inferred: true))
                deal.stage = from
            }
            if let to = event.string("toStage") { enter(to, pipeline: pipeline, at: at, &deal) }
        case .dealAmountChanged:
            deal.amount = event.money("amount") ?? deal.amount
            deal.currency = event.string("currency") ?? deal.currency
        case .dealOwnerChanged:
            deal.ownerId = event.string("ownerId") ?? deal.ownerId
        case .dealWon, .dealLost:
            if let stage = event.string("stage"), stage != deal.stage {
                enter(stage, pipeline: deal.pipeline, at: at, &deal)
            }
            if let amount = event.money("amount") {
                deal.amount = amount
                deal.currency = event.string("currency") ?? deal.currency
            }
            if event.kind == .dealWon, deal.customerId == nil { deal.customerId = event.string("customerId") }
            deal.outcome = event.kind == .dealWon ? .won : .lost
            deal.outcomeAt = at
            deal.outcomeHistoryCount = deal.history.count
            deal.closeReason = event.string("reason")
        default:
            break
        }
    }

    private func enter(_ stage: String, pipeline: String?, at: Timestamp, _ deal: inout DealState) {
        deal.history.append(StageEntry(stage: stage, pipeline: pipeline, at: at, inferred: false))
        deal.stage = stage
        if let pipeline { deal.pipeline = pipeline }
    }
}
