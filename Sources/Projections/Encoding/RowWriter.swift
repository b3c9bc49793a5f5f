import EventLog

/// Writes a view row: a compact, deterministic binary encoding.
///
/// Unsigned integers are LEB128 varints, signed ones zigzag varints, strings a varint
/// length and UTF-8 bytes, money its scale and zigzag units. Equal states always give
/// equal bytes (callers write collections in a fixed order), which is what lets
/// `project digest` compare a rebuilt view with a live one bit for bit.
///
/// Cost: writes into one growing buffer that it owns (so it cannot be copied); a field
/// costs one capacity check and its bytes, with no allocation once the buffer has grown.
/// The rows of a rebuild are all encoded in one go at its commit, so this is on the
/// path of every rebuild.
public struct RowWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    public init(capacity: Int = 128) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written, copied out.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    public mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    public mutating func uint(_ value: UInt64) { varint(value) }

    /// `value` in base-128 groups, low first, the high bit set on all but the last.
    @inline(__always)
    private mutating func varint<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) {
        reserve((Value.bitWidth + 6) / 7)
        var v = value
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count += 1
            v >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: v)
        count += 1
    }

    public mutating func uint(_ value: Int) { uint(UInt64(max(0, value))) }

    public mutating func int(_ value: Int64) { uint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    public mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }

    public mutating func string(_ value: String) {
        var copy = value
        copy.withUTF8 { utf8 in
            uint(utf8.count)
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    private mutating func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, !raw.isEmpty else { return }
        reserve(raw.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
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
        varint(UInt128(bitPattern: (units << 1) ^ (units >> 127)))
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
        withUnsafeBytes(of: value.bitPattern.littleEndian) { append($0) }
    }

    public mutating func raw(_ other: [UInt8]) { other.withUnsafeBytes { append($0) } }
}

extension RowWriter {
    /// Hands the bytes written over without copying them.
    consuming func finish() -> RowBytes {
        let bytes = RowBytes(base: base, count: count)
        discard self
        return bytes
    }
}

/// Bytes a ``RowWriter`` wrote, owned and freed by this object: many rows encoded for a
/// commit go to the writer thread without a copy.
final class RowBytes: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    let count: Int

    init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// No bytes.
    convenience init() { self.init(base: .allocate(capacity: 1), count: 0) }

    deinit { base.deallocate() }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
