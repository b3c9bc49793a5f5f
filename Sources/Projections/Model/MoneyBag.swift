/// Amounts per currency: what a total is when orders or deals come in several currencies.
///
/// Currencies are never converted into each other (that needs a rate, and a rate is a
/// decision, not a fact of the log). Entries stay sorted by currency code, so a bag
/// always encodes to the same bytes and prints in the same order.
public struct MoneyBag: Sendable, Hashable, Sequence {
    /// `(currency, amount)` sorted by currency code.
    public private(set) var entries: [(currency: String, amount: Money)] = []

    public init() {}

    public init(_ currency: String, _ amount: Money) { add(amount, currency) }

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds `amount` to the `currency` total. Cost: O(currencies), a handful at most.
    public mutating func add(_ amount: Money, _ currency: String) {
        let low = entries.insertionIndex(of: currency, by: \.currency)
        if low < entries.count, entries[low].currency == currency {
            entries[low].amount += amount
        } else {
            entries.insert((currency, amount), at: low)
        }
    }

    public mutating func add(_ other: MoneyBag) {
        for entry in other.entries { add(entry.amount, entry.currency) }
    }

    public subscript(currency: String) -> Money? {
        entries.first { $0.currency == currency }?.amount
    }

    public func makeIterator() -> IndexingIterator<[(currency: String, amount: Money)]> { entries.makeIterator() }

    public static func == (lhs: MoneyBag, rhs: MoneyBag) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.currency == $1.currency && $0.amount == $1.amount }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.currency)
            hasher.combine(entry.amount)
        }
    }

    /// `1,234.50 USD + 99.00 EUR` style text; `0` when empty.
    public var description: String {
        entries.isEmpty ? "0" : entries.map { "\($0.amount.formatted()) \($0.currency)" }.joined(separator: " + ")
    }
}
