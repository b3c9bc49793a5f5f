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
    /// building a `String`. Cost: an FNV-1a hash of the bytes, a probe or two of a small
    /// open-addressed table, and one comparison of the name.
    public init(typeBytes bytes: UnsafeRawBufferPointer) {
        let hash = FNV1a.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while true {
            let kind = Self.slotKinds[slot]
            if kind == Self.emptySlot { break }
            if Self.slotHashes[slot] == hash, Self.names[Int(kind)].elementsEqual(bytes) {
                self = Self.byIndex[Int(kind)]
                return
            }
            slot = (slot + 1) & (Self.slotCount - 1)
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
    /// The kinds by ``index`` (`allCases` builds a new array on every call).
    private static let byIndex = allCases
    /// Type names by ``index`` (empty for ``other``).
    private static let names: [[UInt8]] = allCases.map { Array($0.rawValue.utf8) }
    /// The lookup table of ``init(typeBytes:)``: each kind's name hash in the slot its
    /// hash picks (or the next free one), and its ``index`` there.
    private static let slotCount = 128
    private static let emptySlot = UInt8.max
    private static let (slotHashes, slotKinds): ([UInt64], [UInt8]) = {
        var hashes = [UInt64](repeating: 0, count: slotCount)
        var kinds = [UInt8](repeating: emptySlot, count: slotCount)
        for kind in allCases where kind != .other {
            let hash = FNV1a.hash(names[kind.index])
            var slot = Int(truncatingIfNeeded: hash) & (slotCount - 1)
            while kinds[slot] != emptySlot { slot = (slot + 1) & (slotCount - 1) }
            hashes[slot] = hash
            kinds[slot] = UInt8(kind.index)
        }
        return (hashes, kinds)
    }()
}
