/// Where a customer is in the funnel, from first contact to paying customer.
///
/// Events move a customer forward only (``rank`` increases): a form fill makes a
/// subscriber a lead, an order makes anyone a customer, but a page visit never moves a
/// customer back to lead. `ContactCreated`'s `lifecycleStage` is where a contact starts
/// (a later-imported contact record never moves a buyer back). An explicit
/// `lifecycleStage` in `ContactUpdated` sets the stage whatever it was, unless a later
/// transition (by business time) already happened; that is the way into ``churned``,
/// and an order the way out (a churned customer who buys again is a customer). Events
/// imported out of time order are placed by their business time (see
/// ``CustomerState/lifecycleHistory``).
public enum LifecycleStage: String, Sendable, Hashable, CaseIterable, Comparable {
    case subscriber
    case lead
    case mql
    case sql
    case opportunity
    case customer
    case churned

    /// Forward order; ``churned`` ranks with ``customer``, so only an explicit change or
    /// a purchase moves a customer out of it.
    public var rank: Int {
        switch self {
        case .subscriber: return 0
        case .lead: return 1
        case .mql: return 2
        case .sql: return 3
        case .opportunity: return 4
        case .customer, .churned: return 5
        }
    }

    public static func < (lhs: LifecycleStage, rhs: LifecycleStage) -> Bool { lhs.rank < rhs.rank }

    /// Reads a stage as CRMs spell it: `MQL`, `marketingqualifiedlead`,
    /// `Sales Qualified Lead`, `former_customer`. `nil` for stages of no meaning here
    /// (HubSpot's `evangelist`, `other`).
    public init?(parsing text: String) {
        let key = String(
            text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        switch key {
        case "subscriber", "subscribed": self = .subscriber
        case "lead", "newlead": self = .lead
        case "mql", "marketingqualifiedlead", "marketingqualified": self = .mql
        case "sql", "salesqualifiedlead", "salesqualified": self = .sql
        case "opportunity", "opp": self = .opportunity
        case "customer", "client": self = .customer
        case "churned", "churn", "formercustomer", "lostcustomer": self = .churned
        default: return nil
        }
    }

    /// The stage `self` moves to when an event implies at least `target`.
    func advanced(to target: LifecycleStage) -> LifecycleStage {
        if self == .churned { return target == .customer ? .customer : self }
        return target.rank > rank ? target : self
    }

    var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }

    init?(code: UInt8) {
        guard Int(code) < Self.allCases.count else { return nil }
        self = Self.allCases[Int(code)]
    }
}
