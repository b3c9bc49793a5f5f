import EventLog
import Foundation

/// How reports write numbers for people: rates as percentages, lifts signed, p-values with
/// enough digits to compare with a threshold.
enum ReportFormat {
    /// `12.34%`.
    static func percent(_ x: Double, digits: Int = 2) -> String {
        guard x.isFinite else { return "n/a" }
        return String(format: "%.\(digits)f%%", x * 100)
    }

    /// `+12.3%` / `-4.0%`.
    static func signedPercent(_ x: Double, digits: Int = 1) -> String {
        guard x.isFinite else { return "n/a" }
        return String(format: "%+.\(digits)f%%", x * 100)
    }

    /// `+1.20pp`: a difference of two rates in percentage points.
    static func points(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        return String(format: "%+.2fpp", x * 100)
    }

    /// A mean or difference of amounts: `12.35`, `+0.42`.
    static func amount(_ x: Double, signed: Bool = false) -> String {
        guard x.isFinite else { return "n/a" }
        return String(format: signed ? "%+.2f" : "%.2f", x)
    }

    /// `0.0123`, `<0.0001`.
    static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        return p < 0.0001 ? "<0.0001" : String(format: "%.4f", p)
    }

    /// `[lower, upper]` with `body` for each end.
    static func interval(_ lower: Double, _ upper: Double, _ body: (Double) -> String) -> String {
        "[\(body(lower)), \(body(upper))]"
    }

    /// `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// The date and time of a timestamp, to the minute: `2024-05-01 09:30Z`.
    static func minute(_ t: Timestamp) -> String {
        let text = t.description
        guard text.count >= 16 else { return text }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + "Z"
    }
}
