import EventLog

/// Writes a view row: a compact, deterministic binary encoding.
///
/// Unsigned integers are LEB128 varints, signed ones zigzag varints, strings a varint
/// length and UTF-8 bytes, money its scale and zigzag units. Equal states always give
/// equal bytes (callers write collections in a fixed order), which is what lets
/// `project digest` compare a rebuilt view with a live one bit for bit.
///
/// Cost: appends to one growing array; no allocation per field once it has grown.
public struct RowWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func uint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func uint(_ value: Int) { uint(UInt64(max(0, value))) }

    public mutating func int(_ value: Int64) { uint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func string(_ value: String) {
        var copy = value
        copy.withUTF8 { utf8 in
            uint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// A presence byte, then the string.
    public mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    public mutating func timestamp(_ value: Timestamp) { int(value.rawValue) }

    /// A presence byte, then the timestamp.
    public mutating func optionalTimestamp(_ value: Timestamp?) {
        bool(value != nil)
        if let value { timestamp(value) }
    }

    public mutating func position(_ value: LogPosition) { uint(value.rawValue) }

    public mutating func money(_ value: Money) {
        uint(value.scale)
        let units = value.units
        let zigzag = UInt128(bitPattern: (units << 1) ^ (units >> 127))
        var v = zigzag
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func optionalMoney(_ value: Money?) {
        bool(value != nil)
        if let value { money(value) }
    }

    public mutating func moneyBag(_ bag: MoneyBag) {
        uint(bag.entries.count)
        for entry in bag.entries {
            string(entry.currency)
            money(entry.amount)
        }
    }

    /// A double by its bit pattern (scores and probabilities; never money).
    public mutating func double(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    public mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }
}
