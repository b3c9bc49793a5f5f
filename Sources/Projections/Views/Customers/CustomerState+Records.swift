import EventLog

/// One lifecycle change: from where, to where, when and because of which event type.
public struct LifecycleTransition: Sendable, Hashable {
    /// Transitions kept per customer (the oldest are dropped past this).
    public static let historyLimit = 32

    public var from: LifecycleStage?
    public var to: LifecycleStage
    public var at: Timestamp
    /// The event type that caused it (`OrderPlaced`, `ContactUpdated`).
    public var cause: String
    public var position: LogPosition

    /// Set by a `ContactUpdated` naming the stage, not implied by an activity.
    public var isExplicit: Bool { cause == EventKind.contactUpdated.rawValue }
}

/// A customer's consent on one channel (email, sms, phone, ...).
public struct ConsentRecord: Sendable, Hashable {
    public var channel: String
    /// `true` after `Subscribed` or a ticked form consent; `false` after `Unsubscribed`.
    public var granted: Bool
    public var at: Timestamp
    /// Where it came from: the event's `source` (`link`, `form`, `import`...).
    public var source: String?
}

/// How often a customer did one kind of thing, and when last.
public struct EngagementCount: Sendable, Hashable {
    public var kind: EventKind
    public var count: UInt64
    public var lastAt: Timestamp

    /// The event type: `EmailOpened`, `PageVisited`, `MeetingHeld`...
    public var activity: String { kind.rawValue }
}

/// One order of the customer's latest few.
public struct OrderSummary: Sendable, Hashable {
    /// Orders kept per customer.
    public static let recentLimit = 10

    public var orderId: String?
    public var at: Timestamp
    public var amount: Money
    public var currency: String
    public var quantity: Int64
    /// Refunded so far against this order (same currency).
    public var refunded: Money?
}

/// Whether a deal was closed by an explicit `DealWon` / `DealLost`.
public enum DealOutcome: UInt8, Sendable, Hashable {
    case open = 0
    case won = 1
    case lost = 2

    public var name: String {
        switch self {
        case .open: return "open"
        case .won: return "won"
        case .lost: return "lost"
        }
    }
}

/// A deal of the customer, as far as the customer card shows it.
public struct CustomerDeal: Sendable, Hashable {
    public var dealId: String
    public var name: String?
    public var pipeline: String?
    public var stage: String?
    public var amount: Money?
    public var currency: String?
    /// Closed by `DealWon` / `DealLost` (a stage configured as won or lost closes it too;
    /// queries apply the configuration).
    public var outcome: DealOutcome
    public var updatedAt: Timestamp
}

/// The latest score of one model.
public struct ModelScore: Sendable, Hashable {
    public var model: String
    public var modelVersion: Int64
    public var score: Double
    public var segment: String?
    public var at: Timestamp
}

/// The variant a customer is on in one experiment.
public struct VariantAssignment: Sendable, Hashable {
    public var experimentKey: String
    public var phase: Int64
    public var variationId: Int64
    public var variationKey: String
    public var at: Timestamp
    /// `ExperimentExposed` events seen for this experiment.
    public var exposures: UInt64
}
