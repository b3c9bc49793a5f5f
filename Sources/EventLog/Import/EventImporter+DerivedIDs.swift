import Foundation

/// The lines of an import file whose derived id a line's given id may be.
///
/// A line without an `id` gets one derived from its bytes and line number, with the
/// line number in its first 48 bits (see ``EventID/derivedOrdinal``). A line giving
/// an id of that form names the one line whose derived id it can be; the check pass
/// collects those lines here and, once the file is spooled, hands their derived ids to
/// ``RepeatedIDs`` beside the given ones, so such a pair with different content is
/// refused before anything is appended, like an id given twice.
///
/// Up to ``budget`` lines are held (a set of them, tens of bytes each); a file naming
/// more — an export of events imported without ids, say, mixed with lines without
/// ids — takes every line without an id instead, which ``RepeatedIDs`` holds in
/// bounded memory.
struct DerivedIDClaims {
    let budget: Int
    private var lines: Set<Int> = []
    /// More lines were named than ``budget``: any line without an id may be one.
    private(set) var isOverBudget = false

    init(budget: Int) { self.budget = max(1, budget) }

    var isEmpty: Bool { !isOverBudget && lines.isEmpty }

    mutating func add(_ claimed: [Int]) {
        guard !isOverBudget, !claimed.isEmpty else { return }
        lines.formUnion(claimed)
        if lines.count > budget {
            isOverBudget = true
            lines = []
        }
    }

    /// Whether a given id may be line `line`'s derived id.
    func includes(_ line: Int) -> Bool { isOverBudget || lines.contains(line) }
}

extension EventImporter {
    /// Reads `spool` once and adds to `repeatedIDs` the derived id of each line of
    /// `claims` that gives no id, marked as derived, for
    /// ``refuseConflictingRepeats(_:spool:displayName:)`` to compare with the lines
    /// giving the same id. Costs a read of the spool, only for a file with such lines.
    func addDerivedIDs(of claims: DerivedIDClaims, in spool: URL, to repeatedIDs: inout RepeatedIDs, displayName: String) throws(ImportFailure) {
        var reader: ImportSpool.Reader
        do { reader = try ImportSpool.Reader(url: spool) } catch { throw ImportFailure(file: displayName, cannotRead: error) }
        defer { reader.close() }
        while true {
            var block = ImportSpool.Block(batch: PreparedBatch(), lines: [])
            do {
                guard try reader.next(appendingTo: &block) else { break }
            } catch {
                throw ImportFailure(file: displayName, failed: error)
            }
            var derived: [RepeatedIDs.Entry] = []
            for (index, line) in block.lines.enumerated() where reader.derivesID(index) && claims.includes(line) {
                let event = block.batch.events[index]
                derived.append(.init(id: event.id, line: line, templateLength: UInt32(event.length), source: RepeatedIDs.Entry.derivedFromLine))
            }
            try repeatedIDs.add(derived)
        }
    }
}
