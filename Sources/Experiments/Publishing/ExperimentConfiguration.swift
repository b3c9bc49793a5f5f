import EventLog

/// One published version of an experiment: an `ExperimentConfigured` event read back from
/// the log, with the definition it carries and where it sits.
///
/// Phases number from 1. A configuration either starts a phase (its allocation differs
/// from the phase before: weights, coverage, seed, hash settings, namespace, filters,
/// variations or bucket versions; see ``phaseChanges``) or continues the current one
/// (a new name, status, targeting or metrics). Exposures record their phase, so each is
/// analysed under the configuration that was in force.
public struct ExperimentConfiguration: Sendable, Hashable {
    public var definition: ExperimentDefinition
    public var phase: Int
    /// The allocation fields that changed when this configuration started its phase; empty
    /// for the first phase and for configurations that continue a phase.
    public var phaseChanges: [String]
    /// SHA-256 of ``ExperimentDefinition/canonicalBytes``, when the publisher recorded one.
    public var checksum: String?
    /// Who published it.
    public var configuredBy: String?
    public var position: LogPosition
    public var version: StreamVersion
    public var occurredAt: Timestamp
    public var eventID: EventID

    public init(
        definition: ExperimentDefinition, phase: Int, phaseChanges: [String] = [], checksum: String? = nil,
        configuredBy: String? = nil, position: LogPosition, version: StreamVersion, occurredAt: Timestamp,
        eventID: EventID
    ) {
        self.definition = definition
        self.phase = phase
        self.phaseChanges = phaseChanges
        self.checksum = checksum
        self.configuredBy = configuredBy
        self.position = position
        self.version = version
        self.occurredAt = occurredAt
        self.eventID = eventID
    }

    public var key: String { definition.key }
}
