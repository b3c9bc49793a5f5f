import EventLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Buffered standard output for commands that print many lines, and stderr helpers.
enum Output {
    nonisolated(unsafe) private static var buffer: [UInt8] = {
        var b = [UInt8]()
        b.reserveCapacity(1 << 16)
        return b
    }()

    /// Appends `bytes` and a newline; flushes every 64 KiB.
    static func line(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes text for people. Values from the log in it (a name, a task's title) may
    /// hold control characters; they are written as escapes (`\u001b`), so that an
    /// escape sequence in an event cannot clear or recolour the terminal, hide a link
    /// or overwrite a line of the output (a carriage return). Line feeds stay.
    static func line(_ text: String) {
        line(Array(MessageText.oneLine(text, keepingLineBreaks: true).utf8))
    }

    /// Writes what is buffered. When standard output cannot take it (a full disk, a
    /// file size limit, a closed descriptor), the command stops there with exit 74 and
    /// says so: `export > backup.jsonl` must never end with status 0 and half a backup.
    static func flush() {
        guard !buffer.isEmpty else { return }
        let failure: Int32? = buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return written < 0 ? errno : EIO }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { outputFailed(failure) }
    }

    /// What the command has done to the store or the disk by the time it reports it (an
    /// event appended, a backup written), set once that is done. When the report then
    /// cannot be written, the message says the change was made rather than to run the
    /// command again: running `append` again would store the event twice.
    nonisolated(unsafe) static var completedChange: String?

    /// Ends the process: standard output failed with `code`.
    static func outputFailed(_ code: Int32) -> Never {
        let reason = String(cString: strerror(code))
        if let done = completedChange {
            error("ledgerline: cannot write standard output: \(reason); \(done); only the report of it is incomplete")
        } else {
            error("ledgerline: cannot write standard output: \(reason); what was printed is incomplete\(advice(code))")
        }
        _exit(74)
    }

    private static func advice(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "; free space where the output goes and run the command again"
        case EFBIG: "; the output reached the largest file this process may write (`ulimit -f`): raise that limit and run the command again"
        default: ""
        }
    }

    /// Checks, as the process exits, what `print` wrote through the C library's
    /// buffered streams (some commands print a few lines that way): when they cannot
    /// be flushed, the process ends with exit 74 too. A stream that failed earlier
    /// keeps what it could not write and fails again here.
    static func checkBufferedOutputAtExit() {
        atexit {
            errno = 0
            if fflush(nil) != 0 { Output.outputFailed(errno == 0 ? EIO : errno) }
        }
    }

    /// Writes one line to stderr, its control characters escaped: a message quoting a
    /// value with a newline or a terminal escape in it stays one line.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((MessageText.oneLine(text) + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled = Output.stderrIsTerminal
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    func update(label: String, done: Int, total: Int, detail: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 28
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let text = "\r\(label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar) \(String(format: "%3.0f%%", fraction * 100))  \(detail)\u{1B}[K"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The progress of an import (`import`, `import-csv`) drawn on this bar; `units`
    /// names what its check pass counts (lines, rows).
    func importProgress(counting units: String) -> @Sendable (EventImporter.Progress) -> Void {
        { [self] progress in
            let detail =
                switch progress.phase {
                case .checking: "\(progress.lines.grouped) \(units) checked"
                case .appending: "\(progress.appended.grouped) appended, \(progress.duplicates.grouped) already stored"
                case .planning, .previewing: "\(progress.appended.grouped) to append, \(progress.duplicates.grouped) already stored"
                }
            update(label: progress.phase.rawValue, done: progress.bytesDone, total: progress.bytesTotal, detail: detail)
        }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    var elapsed: Double { Date().timeIntervalSince(started) }
}

extension Int {
    /// `1,234,567`.
    var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return self < 0 ? "-" + out : out
    }

    /// `1 event`, `1,234 events`: the count, grouped, and `noun` in the number it takes
    /// (`plural`, else `noun` with an `s`).
    func counted(_ noun: String, plural: String? = nil) -> String {
        "\(grouped) \(self == 1 ? noun : plural ?? noun + "s")"
    }
}

extension UInt64 {
    /// ``Swift/Int/counted(_:plural:)`` for a count kept as `UInt64` (positions).
    func counted(_ noun: String, plural: String? = nil) -> String { Int(clamping: self).counted(noun, plural: plural) }
}
