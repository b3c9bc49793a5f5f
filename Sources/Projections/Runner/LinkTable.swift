import EventLog

/// A projection's own key → value table, for routing events that do not name their
/// entity: the customer view maps `deal:<id>` to the deal's customer when the deal is
/// created, and follows it when `DealWon` arrives without a customer id.
///
/// Links are written with the view's rows and checkpoint in one transaction. They are
/// routing state, not history: `--as-of` never needs them, because each entity keeps
/// the positions of the events routed to it.
public final class LinkTable {
    /// The table of the generation being folded (the runner switches it with the view's).
    var table: ViewTable
    private var cache: [String: String?] = [:]
    private(set) var dirty: [String: String?] = [:]
    var reader: (any ViewReader)?
    /// When the table is known to hold nothing the cache does not (a rebuild from zero).
    var startsEmpty = false

    init(table: ViewTable) { self.table = table }

    /// The value linked to `key`, or `nil`. Setting `nil` removes the link.
    public subscript(key: String) -> String? {
        get {
            // Routing asks for the same flag-like key for event after event (the
            // customer view's `merges`): the last answer is kept beside the cache.
            if let last, last.key == key { return last.value }
            let found = lookUp(key)
            last = (key, found)
            return found
        }
        set {
            cache[key] = .some(newValue)
            dirty[key] = .some(newValue)
            if last?.key == key { last = (key, newValue) }
        }
    }

    private var last: (key: String, value: String?)?

    private func lookUp(_ key: String) -> String? {
        if let cached = cache[key] { return cached }
        var found: String?
        if !startsEmpty, let reader, let bytes = try? reader.get(table, Array(key.utf8)) {
            found = String(decoding: bytes, as: UTF8.self)
        }
        cache[key] = .some(found)
        return found
    }

    /// The writes of the links changed since the last commit, in key order.
    func pendingWrites() -> [ViewWrite] {
        dirty.keys.sorted().map { key in
            let value = dirty[key]!
            return ViewWrite(table: table, key: Array(key.utf8), value: value.map { Array($0.utf8) })
        }
    }

    func didCommit(evict: Bool) {
        dirty.removeAll(keepingCapacity: true)
        if evict {
            last = nil
            cache.removeAll()
            startsEmpty = false
        }
    }

    func discard() {
        dirty.removeAll()
        last = nil
        cache.removeAll()
        startsEmpty = false
    }
}
