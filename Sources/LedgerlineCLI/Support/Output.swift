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

    static func line(_ text: String) {
        line(Array(text.utf8))
    }

    static func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
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
}
