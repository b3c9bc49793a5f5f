import EventLog

/// `pipeline summary`: per pipeline, open deals per stage (or per owner) with count,
/// exact amount and weighted amount per currency; won and lost deals; win rate and
/// average cycle time.
///
/// - Weighted amount: amount × the stage's configured probability, exact, per currency.
/// - Win rate: won ÷ (won + lost), over deals closed (in the period, when one is given).
/// - Average cycle time: the mean of closed-at − opened-at in days, over won deals
///   (``Section/averageCycleDaysWon``) and over lost ones; a deal closed "before" it was
///   opened counts 0 days (``DealReading/cycleDays``).
/// - A deal in a stage the configuration does not know is listed under that stage,
///   marked not configured, counted in totals and left out of the weighted amount.
public struct PipelineSummary: Sendable {
    public enum Grouping: String, Sendable, CaseIterable {
        case stage
        case owner
    }

    /// One line of a section: an open stage, the won or lost deals, or an owner.
    public struct Row: Sendable {
        public enum Kind: Sendable, Hashable {
            case stage(configured: Bool, probability: Money?)
            case won
            case lost
            case owner
        }

        public var key: String
        public var label: String
        public var kind: Kind
        public var open = DealTally()
        public var won = DealTally()
        public var lost = DealTally()

        /// won ÷ (won + lost); `nil` when none closed.
        public var winRate: Double? { Self.rate(won.count, lost.count) }

        static func rate(_ won: Int, _ lost: Int) -> Double? { won + lost > 0 ? Double(won) / Double(won + lost) : nil }
    }

    /// One pipeline.
    public struct Section: Sendable {
        public var pipelineId: String
        public var name: String
        public var isConfigured: Bool
        public var rows: [Row]
        public var open = DealTally()
        public var won = DealTally()
        public var lost = DealTally()
        public var averageCycleDaysWon: Double?
        public var averageCycleDaysLost: Double?

        public var winRate: Double? { Row.rate(won.count, lost.count) }
    }

    public let grouping: Grouping
    public let filter: DealFilter
    public let sections: [Section]

    public init(deals: [DealState], book: PipelineBook, grouping: Grouping, filter: DealFilter) {
        self.grouping = grouping
        self.filter = filter
        let readings = deals.map { DealReading($0, book: book) }.filter(filter.matches)
        var sections: [Section] = []
        for id in book.pipelineIds(with: deals, including: filter.pipeline) {
            let pipeline = book.pipeline(id)
            let mine = readings.filter { Stage.normalize($0.pipeline.id) == Stage.normalize(id) }
            if let only = filter.pipeline, Stage.normalize(only) != Stage.normalize(id) { continue }
            sections.append(Self.section(pipeline, mine, grouping: grouping, filter: filter))
        }
        self.sections = sections
    }

    private static func section(_ pipeline: Pipeline, _ readings: [DealReading], grouping: Grouping, filter: DealFilter)
        -> Section
    {
        var section = Section(
            pipelineId: pipeline.id, name: pipeline.name, isConfigured: pipeline.isConfigured, rows: [])
        var rows: [String: Row] = [:]
        var order: [String] = []
        if grouping == .stage {
            for stage in pipeline.stages where stage.outcome == .open {
                rows[stage.id] = Row(
                    key: stage.id, label: stage.name,
                    kind: .stage(configured: pipeline.isConfigured, probability: stage.probability))
                order.append(stage.id)
            }
        }
        var wonCycles: [Double] = []
        var lostCycles: [Double] = []
        for reading in readings {
            let open = reading.status == .open
            guard open ? filter.openedInPeriod(reading) : filter.closedInPeriod(reading) else { continue }
            let key: String
            switch grouping {
            case .owner: key = reading.owner
            case .stage: key = open ? (reading.stage?.id ?? reading.deal.stage ?? "(none)") : ""
            }
            if grouping == .owner || open, rows[key] == nil {
                let kind: Row.Kind = grouping == .owner ? .owner : .stage(configured: false, probability: nil)
                rows[key] = Row(key: key, label: key, kind: kind)
                order.append(key)
            }
            switch reading.status {
            case .open:
                rows[key]!.open.add(reading, weigh: true)
                section.open.add(reading, weigh: true)
            case .won, .lost:
                let won = reading.status == .won
                if grouping == .owner {
                    if won {
                        rows[key]!.won.add(reading, weigh: false)
                    } else {
                        rows[key]!.lost.add(reading, weigh: false)
                    }
                }
                if won { section.won.add(reading, weigh: false) } else { section.lost.add(reading, weigh: false) }
                if let days = reading.cycleDays { if won { wonCycles.append(days) } else { lostCycles.append(days) } }
            }
        }
        section.rows = order.map { rows[$0]! }
        if grouping == .stage {
            section.rows.append(Row(key: "won", label: "Won", kind: .won, won: section.won))
            section.rows.append(Row(key: "lost", label: "Lost", kind: .lost, lost: section.lost))
        } else {
            section.rows.sort { $0.key < $1.key }
        }
        section.averageCycleDaysWon = mean(wonCycles)
        section.averageCycleDaysLost = mean(lostCycles)
        return section
    }
}

func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}
