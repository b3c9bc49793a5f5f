import EventLog

/// A deal's stage history with the time spent in each stage.
///
/// A stay ends when the next stage is entered; the current stage of an open deal is
/// still running and measured up to the reference time; a closed deal's last stage
/// has no duration. A stay that starts at an ``StageEntry/inferred`` entry (the stage
/// the deal was in before the log knew it) has no known length.
public struct DealTimeline: Sendable {
    public struct Stay: Sendable {
        public var stage: String
        public var pipeline: String?
        public var enteredAt: Timestamp
        public var inferred: Bool
        /// Days in the stage; `nil` when unknown or not over.
        public var days: Double?
        /// Whether the deal is still in this stage.
        public var isCurrent: Bool
    }

    public let stays: [Stay]

    public init(_ reading: DealReading, referenceTime: Timestamp) {
        let history = reading.deal.history
        var stays: [Stay] = []
        for (i, entry) in history.enumerated() {
            let isLast = i == history.count - 1
            var days: Double?
            if !entry.inferred {
                if !isLast {
                    days = Self.days(from: entry.at, to: history[i + 1].at)
                } else if reading.status == .open {
                    days = Self.days(from: entry.at, to: max(entry.at, referenceTime))
                }
            }
            stays.append(
                Stay(
                    stage: entry.stage, pipeline: entry.pipeline, enteredAt: entry.at, inferred: entry.inferred,
                    days: days, isCurrent: isLast))
        }
        self.stays = stays
    }

    /// Completed stays only (the stage was left): what averages of time in stage use.
    public var completedStays: [Stay] { stays.filter { !$0.isCurrent && $0.days != nil } }

    static func days(from start: Timestamp, to end: Timestamp) -> Double {
        Double(end.rawValue - start.rawValue) / 86_400_000_000
    }
}
