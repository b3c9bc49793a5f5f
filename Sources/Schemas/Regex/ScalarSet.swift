/// A set of Unicode scalars: what one character class, escape or literal matches.
///
/// ASCII membership is a 128-bit bitmap computed once, so the common case costs one
/// shift and mask. Other scalars are looked up in sorted ranges (binary search) and
/// then in Unicode property tests (`\p{Lu}`), which ask the standard library's
/// Unicode tables.
struct ScalarSet: Sendable {
    /// Sorted, non-overlapping, non-adjacent ranges of scalar values.
    private(set) var ranges: [ClosedRange<UInt32>] = []
    /// Property tests; a scalar matching any of them is in the set.
    private(set) var properties: [UnicodeProperty] = []
    /// Whether the set is the complement of what `ranges` and `properties` describe.
    private(set) var negated = false
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0

    init() {}

    init(_ scalar: Unicode.Scalar) {
        ranges = [scalar.value...scalar.value]
        refreshBitmap()
    }

    init(ranges: [ClosedRange<UInt32>], properties: [UnicodeProperty] = [], negated: Bool = false) {
        self.ranges = Self.normalise(ranges)
        self.properties = properties
        self.negated = negated
        refreshBitmap()
    }

    /// The one scalar this set holds, when it is a plain literal.
    var singleScalar: UInt32? {
        guard !negated, properties.isEmpty, ranges.count == 1, ranges[0].count == 1 else { return nil }
        return ranges[0].lowerBound
    }

    /// Membership test. O(1) for ASCII, O(log ranges + properties) otherwise.
    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return asciiLow & (1 << UInt64(value)) != 0 }
        if value < 128 { return asciiHigh & (1 << UInt64(value - 64)) != 0 }
        return containsSlow(value)
    }

    private func containsSlow(_ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        var found = false
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < value {
                low = mid + 1
            } else if ranges[mid].lowerBound > value {
                high = mid
            } else {
                found = true
                break
            }
        }
        if !found, !properties.isEmpty, let scalar = Unicode.Scalar(value) {
            found = properties.contains { $0.matches(scalar) }
        }
        return found != negated
    }

    /// The union of this set and `other`. Negated operands are first turned into
    /// explicit ranges so the union stays exact.
    func union(_ other: ScalarSet) -> ScalarSet {
        let left = self.materialised()
        let right = other.materialised()
        return ScalarSet(ranges: left.ranges + right.ranges, properties: left.properties + right.properties)
    }

    /// The complement of this set.
    func inverted() -> ScalarSet {
        var copy = self
        copy.negated.toggle()
        copy.refreshBitmap()
        return copy
    }

    /// An equivalent set that is not `negated` (property tests are complemented one by one,
    /// which is exact only when there is at most one of them and no ranges; other mixes
    /// are rare enough in practice that they are expanded over the whole scalar range).
    private func materialised() -> ScalarSet {
        guard negated else { return self }
        if ranges.isEmpty, properties.count == 1 {
            return ScalarSet(ranges: [], properties: [properties[0].inverted()])
        }
        if properties.isEmpty {
            return ScalarSet(ranges: Self.complement(ranges))
        }
        var explicit: [ClosedRange<UInt32>] = []
        var start: UInt32?
        for value in UInt32(0)...0x10FFFF {
            let member = contains(value)
            if member, start == nil { start = value }
            if !member, let s = start {
                explicit.append(s...(value - 1))
                start = nil
            }
        }
        if let s = start { explicit.append(s...0x10FFFF) }
        return ScalarSet(ranges: explicit)
    }

    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in normalise(ranges) {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
            if range.upperBound == 0x10FFFF { return result }
        }
        result.append(next...0x10FFFF)
        return result
    }

    private static func normalise(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private mutating func refreshBitmap() {
        asciiLow = 0
        asciiHigh = 0
        for value in UInt32(0)..<128 {
            var member = ranges.contains { $0.contains(value) }
            if !member, let scalar = Unicode.Scalar(value) { member = properties.contains { $0.matches(scalar) } }
            guard member != negated else { continue }
            if value < 64 { asciiLow |= 1 << UInt64(value) } else { asciiHigh |= 1 << UInt64(value - 64) }
        }
    }
}

extension ScalarSet {
    /// `\d`.
    static let digit = ScalarSet(ranges: [0x30...0x39])
    /// `\w`: ECMA-262 word characters, ASCII only.
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: ECMA-262 WhiteSpace and LineTerminator.
    static let space = ScalarSet(ranges: [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])
    /// `.`: everything but the line terminators.
    static let dot = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029], negated: true)
}
