import EventLog

/// Reads what ``RowWriter`` wrote. Every read checks bounds and throws
/// ``ProjectionError/Code/corruptView`` on a truncated or malformed row.
public struct RowReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    /// The table the row came from, for error messages.
    let table: String

    public init(_ bytes: [UInt8], table: String, offset: Int = 0) {
        self.bytes = bytes
        self.table = table
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    func damaged(_ what: String) -> ProjectionError { .corrupt(table, "\(what) at byte \(offset)") }

    public mutating func byte() throws(ProjectionError) -> UInt8 {
        guard offset < bytes.count else { throw damaged("the row ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func uint() throws(ProjectionError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw damaged("a number is too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func count() throws(ProjectionError) -> Int {
        let n = try uint()
        guard n <= UInt64(bytes.count - offset) * 8 + 64 else { throw damaged("a count is larger than the row") }
        return Int(n)
    }

    public mutating func int() throws(ProjectionError) -> Int64 {
        let z = try uint()
        return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }

    public mutating func bool() throws(ProjectionError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw damaged("a flag is neither 0 nor 1")
        }
    }

    public mutating func string() throws(ProjectionError) -> String {
        let n = try count()
        guard offset + n <= bytes.count else { throw damaged("a string runs past the row") }
        defer { offset += n }
        return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
    }

    public mutating func optionalString() throws(ProjectionError) -> String? {
        try bool() ? try string() : nil
    }

    public mutating func timestamp() throws(ProjectionError) -> Timestamp { Timestamp(rawValue: try int()) }

    public mutating func optionalTimestamp() throws(ProjectionError) -> Timestamp? {
        try bool() ? try timestamp() : nil
    }

    public mutating func position() throws(ProjectionError) -> LogPosition { LogPosition(try uint()) }

    public mutating func money() throws(ProjectionError) -> Money {
        let scale = Int(try uint())
        guard scale <= Money.maximumScale else { throw damaged("a money scale is out of range") }
        var result: UInt128 = 0
        var shift = 0
        while true {
            let b = try byte()
            guard shift < 128 else { throw damaged("an amount is too long") }
            result |= UInt128(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        let units = Int128(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
        return Money(units: units, scale: scale)
    }

    public mutating func optionalMoney() throws(ProjectionError) -> Money? {
        try bool() ? try money() : nil
    }

    public mutating func moneyBag() throws(ProjectionError) -> MoneyBag {
        var bag = MoneyBag()
        for _ in 0..<(try count()) {
            let currency = try string()
            bag.add(try money(), currency)
        }
        return bag
    }

    public mutating func double() throws(ProjectionError) -> Double {
        guard offset + 8 <= bytes.count else { throw damaged("the row ends early") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Double(bitPattern: bits)
    }
}
