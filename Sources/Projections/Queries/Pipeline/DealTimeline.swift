import EventLog

/// A deal's stage history with the time spent in each stage.
///
/// A stay ends when the next stage is entered, or when the deal closes in it (`DealLost`
/// at the proposal stage ends the proposal stay). The current stage of an open deal is
/// still running and measured up to the reference time. A stage entered by closing
/// (the won stage itself, entered at the closing time) has no duration, nor has a stay
/// that starts at an ``StageEntry/inferred`` entry (the stage the deal was in before the
/// log knew it).
///
/// Stages are listed in log order, and imports need not come in time order: a stay
/// whose end precedes its start (the next stage entered, or the deal closed, "before" it
/// was entered) lasted 0 days, never a negative number.
public struct DealTimeline: Sendable {
    public struct Stay: Sendable {
        public var stage: String
        public var pipeline: String?
        public var enteredAt: Timestamp
        public var inferred: Bool
        /// Days in the stage; `nil` when unknown or not measured.
        public var days: Double?
        /// Whether the deal is open and still in this stage.
        public var isCurrent: Bool
    }

    public let stays: [Stay]

    public init(_ reading: DealReading, referenceTime: Timestamp) {
        let history = reading.deal.history
        var stays: [Stay] = []
        for (i, entry) in history.enumerated() {
            let isLast = i == history.count - 1
            var days: Double?
            let current = isLast && reading.status == .open
            if !entry.inferred {
                if !isLast {
                    days = Self.days(from: entry.at, to: history[i + 1].at)
                } else if current {
                    days = Self.days(from: entry.at, to: referenceTime)
                } else if let closed = reading.closedAt, closed != entry.at {
                    days = Self.days(from: entry.at, to: closed)
                }
            }
            stays.append(
                Stay(
                    stage: entry.stage, pipeline: entry.pipeline, enteredAt: entry.at, inferred: entry.inferred, days: days,
                    isCurrent: current))
        }
        self.stays = stays
    }

    /// Stays that ended (the deal moved on or closed): what averages of time in stage use.
    public var completedStays: [Stay] { stays.filter { !$0.isCurrent && $0.days != nil } }

    /// Days from `start` to `end`; 0 when `end` precedes `start` (events imported out of
    /// time order), so a duration is never negative.
    static func days(from start: Timestamp, to end: Timestamp) -> Double {
        end > start ? Double(end.rawValue - start.rawValue) / 86_400_000_000 : 0
    }
}
