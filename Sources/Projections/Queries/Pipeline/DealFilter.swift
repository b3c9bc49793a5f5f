import EventLog

/// Which deals a pipeline query looks at: `--owner`, `--pipeline`, and a period
/// `--from … --to`.
///
/// The period is read per question: open deals and the funnel count deals *opened* in
/// it (a cohort); won, lost, win rate and cycle time count deals *closed* in it. `from`
/// is inclusive, `to` exclusive.
public struct DealFilter: Sendable, Hashable {
    public var owner: String?
    public var pipeline: String?
    public var from: Timestamp?
    public var to: Timestamp?

    public init(owner: String? = nil, pipeline: String? = nil, from: Timestamp? = nil, to: Timestamp? = nil) {
        self.owner = owner
        self.pipeline = pipeline
        self.from = from
        self.to = to
    }

    public var hasPeriod: Bool { from != nil || to != nil }

    func matches(_ reading: DealReading) -> Bool {
        if let owner, reading.deal.ownerId != owner { return false }
        if let pipeline, Stage.normalize(reading.pipeline.id) != Stage.normalize(pipeline) { return false }
        return true
    }

    /// Opened in the period (deals never seen opening count when there is no period).
    func openedInPeriod(_ reading: DealReading) -> Bool { inPeriod(reading.deal.createdAt) }

    /// Closed in the period.
    func closedInPeriod(_ reading: DealReading) -> Bool { inPeriod(reading.closedAt) }

    private func inPeriod(_ instant: Timestamp?) -> Bool {
        guard hasPeriod else { return true }
        guard let instant else { return false }
        if let from, instant < from { return false }
        if let to, instant >= to { return false }
        return true
    }
}

/// Deals counted together: how many, their exact amounts per currency, and their
/// weighted amounts.
public struct DealTally: Sendable, Hashable {
    public var count = 0
    public var amount = MoneyBag()
    public var weighted = MoneyBag()
    /// Deals counted without a weighted amount (no amount, or a stage with no probability).
    public var unweighted = 0

    public init() {}

    mutating func add(_ reading: DealReading, weigh: Bool) {
        count += 1
        if let amount = reading.deal.amount, let currency = reading.deal.currency {
            self.amount.add(amount, currency)
            if weigh, let weighted = reading.weightedAmount {
                self.weighted.add(weighted, currency)
            } else if weigh {
                unweighted += 1
            }
        } else if weigh {
            unweighted += 1
        }
    }

    mutating func add(_ other: DealTally) {
        count += other.count
        amount.add(other.amount)
        weighted.add(other.weighted)
        unweighted += other.unweighted
    }
}
