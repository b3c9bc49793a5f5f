import EventLog

/// A customer as `customers show` and `customers list` present it: the stored state and
/// the figures that depend on when you ask.
///
/// - RFM: **recency** is whole days from the last order to the reference time
///   (``QueryPoint/referenceTime``; `nil` without orders), **frequency** the number of
///   orders, **monetary** per currency the total of the orders, their average, and the
///   net after refunds. Currencies are never added together.
/// - Deals are open, won or lost as ``DealReading`` decides: an explicit
///   `DealWon`/`DealLost`, else the stage under the pipeline configuration.
public struct CustomerSummary: Sendable {
    public struct Monetary: Sendable, Hashable {
        public var currency: String
        public var orders: UInt64
        public var total: Money
        public var average: Money?
        /// Total minus refunds in the currency.
        public var net: Money
    }

    public let state: CustomerState
    public let referenceTime: Timestamp
    public let recencyDays: Int64?
    public let monetary: [Monetary]
    public let openDeals: [CustomerDeal]
    public let wonDeals: [CustomerDeal]
    public let lostDeals: [CustomerDeal]

    public init(_ state: CustomerState, referenceTime: Timestamp, pipelines: PipelineConfiguration) {
        self.state = state
        self.referenceTime = referenceTime
        recencyDays = state.lastOrderAt.map { max(0, (referenceTime.rawValue - $0.rawValue) / 86_400_000_000) }
        var monetary: [Monetary] = state.orders.entries.map { entry in
            Monetary(
                currency: entry.currency, orders: entry.count, total: entry.amount, average: entry.average,
                net: entry.amount - (state.refunds[entry.currency]?.amount ?? .zero))
        }
        for refund in state.refunds.entries where state.orders[refund.currency] == nil {
            monetary.append(
                Monetary(currency: refund.currency, orders: 0, total: .zero, average: nil, net: -refund.amount))
        }
        self.monetary = monetary.sorted { $0.currency < $1.currency }
        var open: [CustomerDeal] = []
        var won: [CustomerDeal] = []
        var lost: [CustomerDeal] = []
        for deal in state.deals {
            switch Self.status(of: deal, pipelines) {
            case .open: open.append(deal)
            case .won: won.append(deal)
            case .lost: lost.append(deal)
            }
        }
        openDeals = open
        wonDeals = won
        lostDeals = lost
    }

    public var frequency: UInt64 { state.orders.count }

    /// Explicit outcome, else the stage: configured outcome, else what its name says.
    static func status(of deal: CustomerDeal, _ pipelines: PipelineConfiguration) -> DealOutcome {
        if deal.outcome != .open { return deal.outcome }
        guard let stageName = deal.stage else { return .open }
        let outcome =
            deal.pipeline.flatMap { pipelines.pipeline($0) }?.stage(named: stageName)?.outcome
            ?? Stage.outcome(byName: stageName)
        switch outcome {
        case .open: return .open
        case .won: return .won
        case .lost: return .lost
        }
    }
}
