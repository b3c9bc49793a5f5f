import EventLog

/// The analysis of one experiment from the log: per phase, per metric, per variation.
///
/// Built by ``ExperimentReporter``; rendered as text (``text``), JSON (``json``) and a
/// self-contained HTML page (``html``).
public struct ExperimentReport: Sendable {
    public var experimentKey: String
    public var name: String
    public var status: ExperimentStatus
    public var isBandit: Bool
    /// The last log position the report read.
    public var through: LogPosition
    public var options: ReportOptions
    /// The phases with their results, oldest first.
    public var phases: [PhaseReport]
}
