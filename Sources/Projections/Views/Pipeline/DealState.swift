import EventLog

/// One deal as the pipeline view holds it: who owns it, what it is worth, every stage
/// it entered and when, and whether `DealWon` / `DealLost` closed it.
///
/// The fold stores facts only. Which stages close a deal, in which order stages come
/// and what they are worth in probability belong to the pipeline configuration, which
/// queries apply (``PipelineConfiguration``); so changing `pipelines.yaml` needs no
/// rebuild, and a deal in a stage the configuration does not know is still kept whole.
public struct DealState: ViewState, Sendable, Hashable {
    /// The deal id: `dealId` of the events, and the row key.
    public var entity: String
    public var name: String?
    public var pipeline: String?
    /// The stage the deal is in now (the last entry of ``history``).
    public var stage: String?
    public var ownerId: String?
    public var customerId: String?
    public var accountId: String?
    public var amount: Money?
    public var currency: String?
    /// The deal's own win probability from `DealCreated`, when the CRM gave one.
    public var probability: Double?
    public var expectedCloseDate: String?
    /// When the deal was opened: `DealCreated`'s time (the earliest, if the log holds
    /// several), or the earliest event of a deal whose creation the log does not hold;
    /// the same whichever order the events were imported in.
    public var createdAt: Timestamp?
    /// Whether the log holds the deal's `DealCreated`.
    public var hasCreation = false
    /// Every stage entered, oldest first.
    public var history: [StageEntry] = []
    /// Set by `DealWon` / `DealLost`; a later stage change reopens the question (see ``explicitOutcome``).
    public var outcome: DealOutcome = .open
    public var outcomeAt: Timestamp?
    /// How many ``history`` entries there were when ``outcome`` was set.
    public var outcomeHistoryCount = 0
    /// `DealLost`'s reason, or `DealWon`'s.
    public var closeReason: String?
    public var lastEventAt: Timestamp?

    public init(entity: String) { self.entity = entity }

    /// The outcome of `DealWon` / `DealLost`, unless the deal changed stage after it
    /// (then the stage decides, under the configuration).
    public var explicitOutcome: DealOutcome? {
        outcome != .open && outcomeHistoryCount == history.count ? outcome : nil
    }
}

/// A stage a deal entered.
public struct StageEntry: Sendable, Hashable {
    public var stage: String
    public var pipeline: String?
    public var at: Timestamp
    /// The deal was in this stage before the first event the log holds about it (the
    /// `fromStage` of a first `DealStageChanged`): that it reached the stage is known,
    /// when is not (``at`` is the time of that first event).
    public var inferred: Bool
}
