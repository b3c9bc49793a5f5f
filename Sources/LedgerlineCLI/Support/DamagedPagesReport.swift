#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What `verify` says when LMDB, reading a file whose B-tree pages are damaged, stops
/// the process instead of returning an error.
///
/// LMDB keeps no page checksums and trusts every page it reads. A damaged branch page
/// can fail one of its assertions (an abort) or send it through a pointer outside the
/// map (a segmentation fault or a bus error). The records themselves are covered by
/// the hash chain; the pages that lead to them are not. An auditor running `verify`
/// on such a file still needs an answer: how far the chain holds, and what to do.
///
/// A signal handler may do very little safely, so everything it prints is prepared
/// before the walk begins. The handler only copies those bytes and two numbers into a
/// buffer allocated beforehand, writes it, and exits 1, as `verify` does for any
/// other damage it finds.
enum DamagedPagesReport {
    /// The last position whose hash the chain walk confirmed.
    static let verifiedThrough = Atomic<UInt64>(0)
    /// The head of the snapshot being verified.
    static let head = Atomic<UInt64>(0)

    /// Set by ``install(json:)``; read only by the handler.
    nonisolated(unsafe) private static var json = false
    nonisolated(unsafe) private static var buffer: UnsafeMutableBufferPointer<UInt8>?

    /// Routes the signals LMDB dies of on damaged pages to the report until the
    /// process exits. Call once, before the walk starts.
    static func install(json: Bool) {
        Self.json = json
        buffer = .allocate(capacity: 4096)
        _ = verifiedThrough.load(ordering: .relaxed)  // initialised before any signal
        _ = head.load(ordering: .relaxed)
        for signal in [SIGSEGV, SIGBUS, SIGABRT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in DamagedPagesReport.report(signal) }
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Writes the report for `signal` and ends the process. Runs in a signal handler:
    /// no allocation, no locks, no Swift strings.
    private static func report(_ signal: Int32) -> Never {
        guard let buffer else { _exit(1) }
        var out = SignalSafeWriter(buffer)
        let verified = verifiedThrough.load(ordering: .relaxed)
        let head = head.load(ordering: .relaxed)
        // The walk reports (head, head) once the chain holds; the index walk follows.
        let inIndexes = verified == head
        if json {
            out.put("{\"intact\":false,\"verified\":")
            out.put(verified, grouped: false)
            out.put(",\"head\":")
            out.put(head, grouped: false)
            out.put(",\"headHash\":null,\"firstBadPosition\":")
            if inIndexes {
                out.put("null,\"problem\":null,\"indexProblem\":\"")
                describeIndexes(signal, &out)
                out.put("\"}\n")
            } else {
                out.put(verified + 1, grouped: false)
                out.put(",\"problem\":\"")
                describeChain(signal, verified: verified, &out)
                out.put("\",\"indexProblem\":null}\n")
            }
            out.flush(to: 1)
        }
        out.put("\nledgerline: ")
        if inIndexes {
            out.put("the chain holds (")
            out.put(verified, grouped: true)
            out.put(" events verified), but ")
            describeIndexes(signal, &out)
            out.put("; reads by id, stream or type may fail. `ledgerline export` and an `import` of it into an empty store rebuild the indexes from the log\n")
        } else {
            out.put("the chain breaks at position ")
            out.put(verified + 1, grouped: false)
            out.put(": ")
            describeChain(signal, verified: verified, &out)
            out.put("; ")
            out.put(verified, grouped: true)
            out.put(" events before it verified. Restore data.mdb from a backup or an export\n")
        }
        out.flush(to: 2)
        _exit(1)
    }

    private static func describeChain(_ signal: Int32, verified: UInt64, _ out: inout SignalSafeWriter) {
        out.put("the file's pages are damaged: LMDB stopped the process (")
        describe(signal, &out)
        out.put(") reading past position ")
        out.put(verified, grouped: false)
    }

    private static func describeIndexes(_ signal: Int32, _ out: inout SignalSafeWriter) {
        out.put("the indexes' pages are damaged: LMDB stopped the process (")
        describe(signal, &out)
        out.put(") reading them")
    }

    private static func describe(_ signal: Int32, _ out: inout SignalSafeWriter) {
        switch signal {
        case SIGABRT: out.put("one of its assertions failed")
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
