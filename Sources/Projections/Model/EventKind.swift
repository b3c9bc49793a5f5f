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

    /// The kind of the type named by `bytes` (a stored record's type, in place), without
    /// building a `String`. Cost: an FNV-1a hash of the bytes and one comparison.
    public init(typeBytes bytes: UnsafeRawBufferPointer) {
        let hash = Self.fnv1a(bytes)
        for (candidateHash, name, kind) in Self.byHash where candidateHash == hash && name.elementsEqual(bytes) {
            self = kind
            return
        }
        self = .other
    }

    /// The event type this kind stands for (`nil` for ``other``).
    var eventType: EventType? { Self.types[index] }

    /// A small dense number (the declaration order), for tables indexed by kind.
    /// Cost: none; a payload-free enum is stored as its case number.
    @inline(__always)
    var index: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// A table answering `kinds.contains(kind)` by index, for hot paths.
    static func table(_ kinds: Set<EventKind>) -> [Bool] {
        allCases.map { kinds.contains($0) }
    }
    private static let types: [EventType?] = allCases.map { $0 == .other ? nil : EventType($0.rawValue) }
    private static let byHash: [(UInt64, [UInt8], EventKind)] = allCases.filter { $0 != .other }.map {
        let name = Array($0.rawValue.utf8)
        return (name.withUnsafeBytes { fnv1a($0) }, name, $0)
    }

    private static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
