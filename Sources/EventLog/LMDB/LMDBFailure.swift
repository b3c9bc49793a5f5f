import CLMDB

/// A non-zero LMDB return code, with what the store was doing when it happened.
///
/// Internal: the store turns it into an ``EventLogError`` at its public boundary (see
/// ``eventLogError``), so no `MDB_*` code escapes the module.
struct LMDBFailure: Error {
    var code: Int32
    var operation: String
    /// What to do, when the one the code gives is not enough (a failed commit says how
    /// full the disk is: see ``WriteFailure``).
    var advice: String?

    var isMapFull: Bool { code == MDB_MAP_FULL }
    var isMapResized: Bool { code == MDB_MAP_RESIZED }
    /// LMDB found a page that is not what the tree says it is: the file is damaged.
    var isDamage: Bool { code == MDB_CORRUPTED || code == MDB_PAGE_NOTFOUND }

    var lmdbMessage: String { String(cString: mdb_strerror(code)) }

    /// What to do about damage that no command can read past, `verify` included: its
    /// advice to run `verify` would send the reader in a circle.
    static let restoreAdvice =
        "restore data.mdb from a backup, or import an export of the store into a new one (`ledgerline --data NEW import FILE`)"

    /// This failure, when it is damage, advising a restore instead of `verify`: for
    /// damage met where every command, `verify` included, has to read (opening the
    /// store, reading the head). `place` says what LMDB could not read there.
    func advisingRestore(_ place: String) -> LMDBFailure {
        guard isDamage else { return self }
        var failure = self
        failure.advice = "data.mdb is damaged \(place), so no command can read the store, `verify` included: \(Self.restoreAdvice)"
        return failure
    }

    var eventLogError: EventLogError {
        if let advice { return EventLogError(.storage, "LMDB failed while \(operation): \(lmdbMessage); \(advice)") }
        var advice = ""
        switch code {
        case MDB_MAP_FULL: advice = "; the map could not grow — check free disk space"
        case MDB_READERS_FULL: advice = "; too many concurrent readers — close idle readers or processes"
        case MDB_PANIC:
            // LMDB sets this for good once a commit could not write its meta page.
            advice = "; an earlier commit in this process failed at its last write, and LMDB lets this process write no more — "
                + "restart it, then run `ledgerline verify`"
        case MDB_VERSION_MISMATCH: advice = "; the files are not an LMDB environment this library can read"
        case MDB_INVALID: advice = "; data.mdb is not an LMDB file, or its first pages are damaged: check that --data names the store, else \(Self.restoreAdvice)"
        default: if isDamage { advice = "; data.mdb is damaged: `ledgerline verify` finds where, and a backup or an export restores it" }
        }
        return EventLogError(.storage, "LMDB failed while \(operation): \(lmdbMessage)\(advice)")
    }
}

/// Calls an LMDB function and throws its return code unless it is zero.
@inline(__always)
func lmdbCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBFailure) {
    if code != 0 { throw LMDBFailure(code: code, operation: operation()) }
}

extension Error {
    /// This error as the log's one public error type.
    var asEventLogError: EventLogError {
        switch self {
        case let error as EventLogError: return error
        case let error as LMDBFailure: return error.eventLogError
        default: return EventLogError(.storage, "\(self)")
        }
    }

    var isMapResized: Bool { (self as? LMDBFailure)?.isMapResized ?? false }
}
