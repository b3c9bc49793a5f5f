#if canImport(Glibc)
import Glibc
#endif
import EventLog
import Foundation
import Synchronization

/// What a command says when LMDB, reading a file whose B-tree pages are damaged, stops
/// the process instead of returning an error.
///
/// LMDB keeps no page checksums and trusts every page it reads. A damaged branch page
/// can fail one of its assertions (an abort) or send it through a pointer outside the
/// map (a segmentation fault or a bus error). The records themselves are covered by
/// the hash chain; the pages that lead to them are not.
///
/// An abort is LMDB's only when LMDB says so: it hands the message of an assertion it
/// fails to ``LMDBAssertion`` just before it aborts, and the report quotes it. Any
/// other abort (the Swift runtime, the C library finding its heap damaged) is not
/// blamed on the store: the report says the process aborted, and how to get a crash
/// report.
///
/// Every command that opens a store installs the report (``install(store:)``), so such
/// a crash ends with one line that says what probably happened and to run `verify`,
/// not with a crash report that reads like a bug. `verify` itself installs its own
/// (``installForVerify(json:)``): an auditor running it still needs an answer, namely
/// how far the chain holds. Setting `LEDGERLINE_CRASH_REPORT` leaves the signals to
/// Swift's crash reporter, for a backtrace when the store turns out to be intact.
///
/// A signal handler may do very little safely, so everything it prints is prepared
/// before the store is read. The handler only copies those bytes and two numbers into
/// a buffer allocated beforehand, writes it, and exits 1, as `verify` does for any
/// other damage it finds.
enum DamagedPagesReport {
    /// The last position whose hash the chain walk confirmed.
    static let verifiedThrough = Atomic<UInt64>(0)
    /// The head of the snapshot being verified.
    static let head = Atomic<UInt64>(0)
    /// The index the walk after the chain is checking (``LMDBEventStore/Index``'s raw
    /// value), 0 before it starts.
    static let index = Atomic<UInt8>(0)

    /// Whether `verify` is walking the store; else some other command is reading it.
    nonisolated(unsafe) private static var verifying = false
    /// Set by ``installForVerify(json:)``; read only by the handler.
    nonisolated(unsafe) private static var json = false
    /// For any other command: the store's folder, quoted for a shell, as UTF-8.
    nonisolated(unsafe) private static var folder: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) private static var buffer: UnsafeMutableBufferPointer<UInt8>?

    /// Routes the signals LMDB dies of on damaged pages to a report that names the
    /// store in `directory` and says to verify it. Every command calls this as it opens
    /// a store; the first call wins, so `verify`'s own report is never replaced.
    static func install(store directory: URL) {
        guard buffer == nil, !crashReportWanted else { return }
        let path = Array(MessageText.shellWord(directory.path).utf8.prefix(2048))
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: path.count)
        _ = copy.initialize(from: path)
        folder = copy
        installHandlers()
    }

    /// Routes the signals to `verify`'s report, which says how far the chain held
    /// (``verifiedThrough``) in text, and also as JSON when `json`. Call once, before
    /// the walk starts.
    static func installForVerify(json: Bool) {
        verifying = true
        Self.json = json
        _ = verifiedThrough.load(ordering: .relaxed)  // initialised before any signal
        _ = head.load(ordering: .relaxed)
        _ = index.load(ordering: .relaxed)
        if buffer == nil, !crashReportWanted { installHandlers() }
    }

    /// `LEDGERLINE_CRASH_REPORT` is set: crashes go to Swift's reporter, with a backtrace.
    private static var crashReportWanted: Bool { ProcessInfo.processInfo.environment["LEDGERLINE_CRASH_REPORT"] != nil }

    private static func installHandlers() {
        buffer = .allocate(capacity: 8192)
        LMDBAssertion.prepare()
        for signal in [SIGSEGV, SIGBUS, SIGABRT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in DamagedPagesReport.report(signal) }
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Whether the process stops on `signal` for a reason that LMDB meeting damaged
    /// pages explains: a fault, or an abort on one of LMDB's assertions.
    private static func lmdbStopped(_ signal: Int32) -> Bool {
        signal != SIGABRT || LMDBAssertion.failed
    }

    /// Writes the report for `signal` and ends the process. Runs in a signal handler:
    /// no allocation, no locks, no Swift strings.
    private static func report(_ signal: Int32) -> Never {
        guard let buffer else { _exit(1) }
        var out = SignalSafeWriter(buffer)
        guard lmdbStopped(signal) else {
            reportAbort(&out)
            out.flush(to: 2)
            _exit(1)
        }
        guard verifying else {
            out.put("\nledgerline: the process stopped (")
            describe(signal, &out, json: false, afterLMDB: false)
            out.put(") while reading the store")
            putFolder(after: " in ", &out)
            out.put(". LMDB stops a process like this when data.mdb's pages are damaged: run `ledgerline")
            putFolder(after: " --data ", &out)
            out.put(" verify` to find where the log breaks, then restore data.mdb from a backup or an export. ")
            out.put("If verify finds the store intact, this is a bug in ledgerline: run the command again with LEDGERLINE_CRASH_REPORT=1 for a crash report\n")
            out.flush(to: 2)
            _exit(1)
        }
        let verified = verifiedThrough.load(ordering: .relaxed)
        let head = head.load(ordering: .relaxed)
        // The walk reports (head, head) once the chain holds; the index walk follows,
        // then the walk of the databases the log does not cover.
        let inIndexes = verified == head
        let inDatabases = inIndexes && LMDBEventStore.Index(rawValue: index.load(ordering: .relaxed))?.isIndex == false
        if json {
            out.put("{\"intact\":false,\"verified\":")
            out.put(verified, grouped: false)
            out.put(",\"head\":")
            out.put(head, grouped: false)
            out.put(",\"headHash\":null,\"firstBadPosition\":")
            if inDatabases {
                out.put("null,\"problem\":null,\"indexProblem\":null,\"databaseProblem\":\"")
                describeIndexes(signal, &out, json: true)
                out.put("\"}\n")
            } else if inIndexes {
                out.put("null,\"problem\":null,\"indexProblem\":\"")
                describeIndexes(signal, &out, json: true)
                out.put("\",\"databaseProblem\":null}\n")
            } else {
                out.put(verified + 1, grouped: false)
                out.put(",\"problem\":\"")
                describeChain(signal, verified: verified, &out, json: true)
                out.put("\",\"indexProblem\":null,\"databaseProblem\":null}\n")
            }
            out.flush(to: 1)
        }
        out.put("\nledgerline: ")
        if inDatabases {
            out.put("the chain and the indexes hold (")
            out.put(verified, grouped: true)
            out.put(" events verified), but ")
            describeIndexes(signal, &out, json: false)
            out.put("; ")
            out.put(VerifyCommand.databaseAdvice)
            out.put("\n")
        } else if inIndexes {
            out.put("the chain holds (")
            out.put(verified, grouped: true)
            out.put(" events verified), but ")
            describeIndexes(signal, &out, json: false)
            out.put("; reads by id, stream or type may fail. `ledgerline export` and an `import` of it into an empty store rebuild the indexes from the log\n")
        } else {
            out.put("the chain breaks at position ")
            out.put(verified + 1, grouped: false)
            out.put(": ")
            describeChain(signal, verified: verified, &out, json: false)
            out.put("; ")
            out.put(verified, grouped: true)
            out.put(" events before it verified. Restore data.mdb from a backup or an export\n")
        }
        out.flush(to: 2)
        _exit(1)
    }

    /// `prefix` and the store's folder, when the report knows the folder.
    private static func putFolder(after prefix: StaticString, _ out: inout SignalSafeWriter) {
        guard let folder else { return }
        out.put(prefix)
        out.put(UnsafeBufferPointer(folder))
    }

    /// The report of an abort that was not one of LMDB's assertions: the process
    /// aborted, which is not known to be the store's doing, and how to find out more.
    /// `verify` says how far it got, and prints no JSON, as for any other error: it
    /// cannot say whether the store is intact.
    private static func reportAbort(_ out: inout SignalSafeWriter) {
        out.put("\nledgerline: ")
        if verifying {
            out.put("verify did not finish: the process aborted, not on one of LMDB's assertions, after ")
            out.put(verifiedThrough.load(ordering: .relaxed), grouped: true)
            out.put(" of ")
            out.put(head.load(ordering: .relaxed), grouped: true)
            out.put(" events verified. Nothing says the store is damaged: this is a bug in ledgerline. ")
            out.put("Run verify again with LEDGERLINE_CRASH_REPORT=1 for a crash report\n")
            return
        }
        out.put("the process aborted, not on one of LMDB's assertions, while it had the store")
        putFolder(after: " in ", &out)
        out.put(" open. Nothing says the store is damaged: this is a bug in ledgerline. ")
        out.put("Run the command again with LEDGERLINE_CRASH_REPORT=1 for a crash report; `ledgerline")
        putFolder(after: " --data ", &out)
        out.put(" verify` checks the store\n")
    }

    private static func describeChain(_ signal: Int32, verified: UInt64, _ out: inout SignalSafeWriter, json: Bool) {
        out.put("the file's pages are damaged: LMDB stopped the process (")
        describe(signal, &out, json: json, afterLMDB: true)
        out.put(") reading past position ")
        out.put(verified, grouped: false)
    }

    private static func describeIndexes(_ signal: Int32, _ out: inout SignalSafeWriter, json: Bool) {
        switch LMDBEventStore.Index(rawValue: index.load(ordering: .relaxed)) {
        case .id: out.put("the id index's")
        case .stream: out.put("the stream index's")
        case .type: out.put("the type index's")
        case .link: out.put("the link index's")
        case .freePages: out.put("the free-page list's")
        case .meta: out.put("the meta database's")
        case .views: out.put("the views database's")
        case nil: out.put("the indexes'")
        }
        out.put(" pages are damaged: LMDB stopped the process (")
        describe(signal, &out, json: json, afterLMDB: true)
        out.put(") reading them")
    }

    /// What stopped the process: for an abort, LMDB's message of the assertion it
    /// failed (``lmdbStopped(_:)`` holds), escaped for a JSON string when `json`.
    /// `afterLMDB`: the words before name LMDB already.
    private static func describe(_ signal: Int32, _ out: inout SignalSafeWriter, json: Bool, afterLMDB: Bool) {
        switch signal {
        case SIGABRT:
            out.put(afterLMDB ? "its assertion failed: " : "LMDB's assertion failed: ")
            LMDBAssertion.withMessage { out.put(escaping: $0, json: json) }
        case SIGBUS: out.put("a bus error")
        default: out.put("a segmentation fault")
        }
    }
}

/// Fills a buffer allocated before the signal, using nothing a signal handler may not.
private struct SignalSafeWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    /// Appends a literal: its UTF-8 is in the binary, so no string is built.
    mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes where count < buffer.count {
                buffer[count] = byte
                count += 1
            }
        }
    }

    /// Appends bytes prepared before the signal.
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes where count < buffer.count {
            buffer[count] = byte
            count += 1
        }
    }

    /// Appends bytes from outside the program (LMDB's message) with control characters
    /// escaped as `\u00XX`, so the report stays one line; with `json`, quotes and
    /// backslashes too, for a JSON string.
    mutating func put(escaping bytes: UnsafeBufferPointer<UInt8>, json: Bool) {
        let hex: StaticString = "0123456789abcdef"
        for byte in bytes where count + 6 <= buffer.count {
            if byte < 0x20 || byte == 0x7F {
                put("\\u00")
                buffer[count] = hex.utf8Start[Int(byte >> 4)]
                buffer[count + 1] = hex.utf8Start[Int(byte & 0x0F)]
                count += 2
                continue
            }
            if json, byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer[count] = UInt8(ascii: "\\")
                count += 1
            }
            buffer[count] = byte
            count += 1
        }
    }

    /// Appends `value` in decimal, with thousands separators when `grouped`.
    mutating func put(_ value: UInt64, grouped: Bool) {
        var digits = 1
        var scale = value
        while scale >= 10 {
            scale /= 10
            digits += 1
        }
        let width = digits + (grouped ? (digits - 1) / 3 : 0)
        guard count + width <= buffer.count else { return }
        var rest = value
        var written = 0
        for index in stride(from: count + width - 1, through: count, by: -1) {
            if grouped, written > 0, written % 4 == 3 {
                buffer[index] = UInt8(ascii: ",")
            } else {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            written += 1
        }
        count += width
    }

    /// Writes what was appended to `descriptor` and starts again.
    mutating func flush(to descriptor: Int32) {
        var done = 0
        while done < count {
            let n = write(descriptor, buffer.baseAddress! + done, count - done)
            if n <= 0 { break }
            done += n
        }
        count = 0
    }
}
