/// Amounts and counts per currency: the orders or refunds of a customer, the deals of a
/// stage. Like ``MoneyBag`` it never converts currencies, and keeps its entries sorted
/// by currency code so it always encodes to the same bytes; unlike it, it also counts
/// the amounts added, so an average per currency is exact.
public struct MoneyTally: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var currency: String
        public var count: UInt64
        public var amount: Money

        /// The mean amount, rounded half to even at two more decimals than the amounts.
        public var average: Money? { count > 0 ? amount.divided(by: Int(count), scale: amount.scale + 2) : nil }
    }

    /// Sorted by currency code.
    public private(set) var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Amounts added over all currencies.
    public var count: UInt64 { entries.reduce(0) { $0 + $1.count } }

    /// Adds one amount (`count` 1) or a subtotal of several.
    public mutating func add(_ amount: Money, _ currency: String, count: UInt64 = 1) {
        let low = entries.insertionIndex(of: currency, by: \.currency)
        if low < entries.count, entries[low].currency == currency {
            entries[low].amount += amount
            entries[low].count += count
        } else {
            entries.insert(Entry(currency: currency, count: count, amount: amount), at: low)
        }
    }

    public mutating func add(_ other: MoneyTally) {
        for entry in other.entries { add(entry.amount, entry.currency, count: entry.count) }
    }

    public subscript(currency: String) -> Entry? { entries.first { $0.currency == currency } }

    /// The amounts alone.
    public var bag: MoneyBag {
        var bag = MoneyBag()
        for entry in entries { bag.add(entry.amount, entry.currency) }
        return bag
    }

    func encode(to writer: inout RowWriter) {
        writer.uint(entries.count)
        for entry in entries {
            writer.string(entry.currency)
            writer.uint(entry.count)
            writer.money(entry.amount)
        }
    }

    init(decoding reader: inout RowReader) throws(ProjectionError) {
        let n = try reader.count()
        entries.reserveCapacity(n)
        for _ in 0..<n {
            entries.append(Entry(currency: try reader.string(), count: try reader.uint(), amount: try reader.money()))
        }
    }
}
