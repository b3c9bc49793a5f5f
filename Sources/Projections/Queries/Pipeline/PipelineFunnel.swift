/// `pipeline funnel`: how far deals get, stage by stage, per pipeline.
///
/// For each pipeline the rows are its progression (its stages in configured order,
/// lost stages left out; for an unconfigured pipeline, the inferred order):
///
/// - **reached**: deals whose furthest stage is this one or a later one
///   (``DealReading/furthest``): a deal that skipped a stage still counts as having
///   passed it, so the funnel never widens going down.
/// - **entered**: deals whose history holds this very stage; a won deal has entered the
///   won stage it closed in, whether or not its history names it.
/// - **conversion**: reached ÷ reached of the row before (`nil` for the first row).
/// - **average days in stage**: over the stays in this stage that ended (the deal moved
///   on, or closed in it).
///
/// Won and lost count deals by their status now; the win rate is won ÷ (won + lost).
/// The cohort is the deals opened in the period when one is given (``DealFilter``),
/// all deals otherwise. Stages deals entered that the pipeline does not know are listed
/// apart (``Section/unconfiguredStages``) with their entered counts.
public struct PipelineFunnel: Sendable {
    public struct Row: Sendable {
        public var stage: String
        public var name: String
        public var outcome: Stage.Outcome
        public var reached = 0
        public var entered = 0
        public var conversion: Double?
        public var averageDaysInStage: Double?
        /// Open deals in this stage now.
        public var current = 0
    }

    public struct Section: Sendable {
        public var pipelineId: String
        public var name: String
        public var isConfigured: Bool
        /// Deals in the cohort.
        public var deals = 0
        public var rows: [Row] = []
        public var won = 0
        public var lost = 0
        public var open = 0
        /// Lost deals by the furthest stage they reached (`(none)` when none).
        public var lostAt: [(stage: String, count: Int)] = []
        /// Stages the pipeline does not know, with how many deals entered each.
        public var unconfiguredStages: [(stage: String, entered: Int)] = []

        public var winRate: Double? { won + lost > 0 ? Double(won) / Double(won + lost) : nil }
    }

    public let filter: DealFilter
    public let sections: [Section]

    public init(deals: [DealState], book: PipelineBook, filter: DealFilter) {
        self.filter = filter
        let readings = deals.map { DealReading($0, book: book) }.filter {
            filter.matches($0) && filter.openedInPeriod($0)
        }
        var sections: [Section] = []
        for id in book.pipelineIds(with: deals, including: filter.pipeline) {
            let mine = readings.filter { Stage.normalize($0.pipeline.id) == Stage.normalize(id) }
            if let only = filter.pipeline, Stage.normalize(only) != Stage.normalize(id) { continue }
            sections.append(Self.section(book.pipeline(id), mine))
        }
        self.sections = sections
    }

    private static func section(_ pipeline: Pipeline, _ readings: [DealReading]) -> Section {
        var section = Section(pipelineId: pipeline.id, name: pipeline.name, isConfigured: pipeline.isConfigured)
        let progression = pipeline.progression
        var rows = progression.map { Row(stage: $0.id, name: $0.name, outcome: $0.outcome) }
        var stayDays = [[Double]](repeating: [], count: progression.count)
        var unconfigured: [String: Int] = [:]
        var lostAt: [String: Int] = [:]
        for reading in readings {
            section.deals += 1
            if let furthest = reading.furthest {
                for i in 0...furthest { rows[i].reached += 1 }
            }
            var entered: Set<Int> = []
            var unknown: Set<String> = []
            for entry in reading.deal.history {
                if let stage = pipeline.stage(named: entry.stage) {
                    if let i = progression.firstIndex(of: stage) { entered.insert(i) }
                } else {
                    unknown.insert(entry.stage)
                }
            }
            // A won deal entered the won stage it closed in, whether or not its history
            // names it (a `DealWon` gives no stage): the row read 0 where it was reached.
            if reading.status == .won, let furthest = reading.furthest, progression[furthest].outcome == .won { entered.insert(furthest) }
            for i in entered { rows[i].entered += 1 }
            for stage in unknown { unconfigured[stage, default: 0] += 1 }
            for stay in DealTimeline(reading, referenceTime: reading.deal.lastEventAt ?? .init(rawValue: 0))
                .completedStays
            {
                if let stage = pipeline.stage(named: stay.stage), let i = progression.firstIndex(of: stage),
                    let days = stay.days
                {
                    stayDays[i].append(days)
                }
            }
            switch reading.status {
            case .open:
                section.open += 1
                if let stage = reading.stage, let i = progression.firstIndex(of: stage) { rows[i].current += 1 }
            case .won:
                section.won += 1
            case .lost:
                section.lost += 1
                lostAt[reading.furthest.map { progression[$0].id } ?? "(none)", default: 0] += 1
            }
        }
        if !progression.contains(where: { $0.outcome == .won }) {
            // An inferred pipeline whose stage names say nothing of winning: won deals still end the funnel.
            var won = Row(stage: "won", name: "Won", outcome: .won)
            won.reached = section.won
            won.entered = section.won
            rows.append(won)
            stayDays.append([])
        }
        for i in rows.indices {
            rows[i].averageDaysInStage = mean(stayDays[i])
            if i > 0 {
                rows[i].conversion =
                    rows[i - 1].reached > 0 ? Double(rows[i].reached) / Double(rows[i - 1].reached) : nil
            }
        }
        section.rows = rows
        let stageOrder = progression.map(\.id)
        section.lostAt = lostAt.map { ($0.key, $0.value) }.sorted {
            (stageOrder.firstIndex(of: $0.stage) ?? Int.max, $0.stage) < (
                stageOrder.firstIndex(of: $1.stage) ?? Int.max, $1.stage
            )
        }
        section.unconfiguredStages = unconfigured.map { ($0.key, $0.value) }.sorted { $0.stage < $1.stage }
        return section
    }
}
