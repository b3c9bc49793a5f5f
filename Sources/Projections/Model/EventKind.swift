import EventLog

/// The event types of the catalog as a closed set, so a fold switches on a small enum
/// instead of comparing type names for every event.
///
/// Types the catalog does not know (a user's own types loaded with `--schemas`) are
/// ``other``: views ignore them.
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case accountCreated = "AccountCreated"
    case accountUpdated = "AccountUpdated"
    case callLogged = "CallLogged"
    case contactCreated = "ContactCreated"
    case contactMerged = "ContactMerged"
    case contactUpdated = "ContactUpdated"
    case dealAmountChanged = "DealAmountChanged"
    case dealCreated = "DealCreated"
    case dealLost = "DealLost"
    case dealOwnerChanged = "DealOwnerChanged"
    case dealStageChanged = "DealStageChanged"
    case dealWon = "DealWon"
    case emailBounced = "EmailBounced"
    case emailClicked = "EmailClicked"
    case emailDelivered = "EmailDelivered"
    case emailFailed = "EmailFailed"
    case emailOpened = "EmailOpened"
    case emailQueued = "EmailQueued"
    case emailReplied = "EmailReplied"
    case emailSent = "EmailSent"
    case experimentConfigured = "ExperimentConfigured"
    case experimentExposed = "ExperimentExposed"
    case formSubmitted = "FormSubmitted"
    case leadCreated = "LeadCreated"
    case leadDisqualified = "LeadDisqualified"
    case leadQualified = "LeadQualified"
    case meetingBooked = "MeetingBooked"
    case meetingHeld = "MeetingHeld"
    case modelTrained = "ModelTrained"
    case orderPlaced = "OrderPlaced"
    case orderRefunded = "OrderRefunded"
    case pageVisited = "PageVisited"
    case ruleDisabled = "RuleDisabled"
    case ruleFired = "RuleFired"
    case ruleVersionPublished = "RuleVersionPublished"
    case scoreUpdated = "ScoreUpdated"
    case subscribed = "Subscribed"
    case taskCancelled = "TaskCancelled"
    case taskCompleted = "TaskCompleted"
    case taskCreated = "TaskCreated"
    case timerFired = "TimerFired"
    case timerScheduled = "TimerScheduled"
    case unsubscribed = "Unsubscribed"
    case variantAssigned = "VariantAssigned"
    case other = ""

    private static let byName: [String: EventKind] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .other }.map { ($0.rawValue, $0) })

    /// The kind of `type`; ``other`` for types outside the catalog. Cost: one hash lookup.
    public init(_ type: EventType) {
        self = Self.byName[type.rawValue] ?? .other
    }

    /// A small dense number, for tables indexed by kind.
    var index: Int { Self.indexes[self]! }

    private static let indexes: [EventKind: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}
