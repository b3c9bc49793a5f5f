/// What an evaluation found evaluated, for `unevaluatedProperties` and
/// `unevaluatedItems`: which object members (by position in the instance's sorted
/// members) and which array elements.
///
/// Only collected below a node that has an `unevaluated*` keyword; everywhere else
/// it stays empty and costs nothing.
struct Annotations {
    var properties = IndexBits()
    var items = IndexBits()

    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        items.formUnion(other.items)
    }
}

/// A growable set of small non-negative integers, with an "everything" flag.
struct IndexBits {
    private var words: [UInt64] = []
    /// Whether every index is in the set.
    var all = false

    func contains(_ i: Int) -> Bool {
        if all { return true }
        let w = i >> 6
        return w < words.count && words[w] & (1 << UInt64(i & 63)) != 0
    }

    mutating func insert(_ i: Int) {
        let w = i >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        words[w] |= 1 << UInt64(i & 63)
    }

    /// Inserts `0..<count`.
    mutating func insertPrefix(_ count: Int) {
        for i in 0..<count { insert(i) }
    }

    mutating func formUnion(_ other: IndexBits) {
        if other.all { all = true }
        if all { return }
        if other.words.count > words.count { words.append(contentsOf: repeatElement(0, count: other.words.count - words.count)) }
        for (i, w) in other.words.enumerated() { words[i] |= w }
    }
}
