import ArgumentParser
import EventLog
import Foundation
import JSON
import Projections

extension ProjectionError {
    /// The exit code of the CLI's convention: 65 for bad input (an unknown id, an
    /// `--as-of` past the head, a wrong configuration file), 66 for a configuration file
    /// that is missing or cannot be read, 75 for a conflict worth retrying, 1 for a
    /// damaged view or a failing store. An `--as-of` or a time that
    /// does not parse never gets here: ``ViewQueryOptions`` refuses it as a usage error.
    var exitCode: Int32 {
        switch code {
        case .notFound, .invalidPosition, .invalidConfiguration, .invalidInput: return 65
        case .unreadableFile: return 66
        case .conflict: return 75
        case .corruptView, .storage: return 1
        }
    }
}

/// Options every view query shares: the point in time, the reference instant, JSON.
extension StandardViews {
    /// The views `names` calls (all when empty); a name no view has is a usage error,
    /// found before the store opens.
    static func checked(_ names: [String]) throws(ValidationError) -> [any Projection] {
        do throws(ProjectionError) {
            return try named(names)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

struct ViewQueryOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Answer as the views stood at this log position (1200) or time (2026-11-25T14:03:00Z, 2026-11-25 = end of that day, UTC).",
            valueName: "seq|time"))
    var asOf: String?

    @Option(
        help: ArgumentHelp(
            "The instant recency, overdue and time in stage are measured to: a time, or a day = its start (00:00 UTC). Default: the --as-of time, else when the event at that position (or the head) was recorded; at position 0, when the first event was; in an empty log, 1970-01-01T00:00:00Z.",
            valueName: "time"))
    var now: String?

    @Flag(help: "Print JSON instead of a table.") var json = false

    /// A malformed `--as-of` or `--now` is a usage error, refused before the store is opened.
    func validate() throws {
        _ = try pointInTime()
        _ = try nowInstant()
    }

    /// `--as-of` parsed.
    func pointInTime() throws(ValidationError) -> PointInTime? {
        guard let asOf else { return nil }
        do {
            return try PointInTime(parsing: asOf)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func nowInstant() throws(ValidationError) -> Timestamp? {
        guard let now else { return nil }
        return try ViewQueryOptions.instant(now, option: "--now", endOfDay: false)
    }

    /// An RFC 3339 time or a calendar day (its start, or its last microsecond), given to
    /// `option`: `read --since`, `tail --since`, `pipeline --from`, a view's `--now`.
    /// Anything else is a usage error (exit 64) naming the option and the forms it takes.
    ///
    /// The log keeps microseconds; a time given finer is cut to the microsecond, or
    /// with `roundingUp` (a lower bound such as `--since`) raised to the next one, so
    /// that no event recorded before the time given is kept.
    static func instant(_ text: String, option: String, endOfDay: Bool, roundingUp: Bool = false) throws(ValidationError) -> Timestamp {
        if let instant = Timestamp(rfc3339: text) {
            return roundingUp && hasDigitsBeyondMicroseconds(text) ? Timestamp(rawValue: instant.rawValue + 1) : instant
        }
        if text.utf8.count == 10, let start = Timestamp(rfc3339: text + "T00:00:00Z") {
            return endOfDay ? Timestamp(rawValue: start.rawValue + 86_400_000_000 - 1) : start
        }
        throw ValidationError(
            "\(option) \"\(text.prefix(40))\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25")
    }

    /// Whether the fraction of seconds in RFC 3339 `text` has a digit other than 0 past
    /// the sixth.
    private static func hasDigitsBeyondMicroseconds(_ text: String) -> Bool {
        guard let point = text.utf8.firstIndex(of: UInt8(ascii: ".")) else { return false }
        let fraction = text.utf8[text.utf8.index(after: point)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return fraction.dropFirst(6).contains { $0 != UInt8(ascii: "0") }
    }
}

/// An open store with the views a query reads caught up, and the point it answers at.
struct ViewSession {
    let store: LMDBEventStore
    let point: QueryPoint
    let queries: ViewQueries

    /// Parses the query options, opens the store, folds what `views` have not folded
    /// yet (the view answers with everything the log holds), and resolves the point.
    static func open(_ global: GlobalOptions, _ options: ViewQueryOptions, views: [any Projection]) async throws
        -> ViewSession
    {
        let asOf = try options.pointInTime()
        let now = try options.nowInstant()
        let store = try global.openStore()
        do {
            try await ProjectionRunner(store: store, projections: views).catchUp()
            let point = try QueryPoint.resolve(asOf: asOf, now: now, in: store)
            return ViewSession(store: store, point: point, queries: ViewQueries(store: store))
        } catch {
            store.close()
            throw error
        }
    }

    func close() { store.close() }

    /// Prints `value` (a JSON object) with the point it answers for added as `asOf`.
    func printJSON(_ value: JSONValue) {
        var object = value.objectValue ?? JSONObject()
        object["asOf"] = .point(point)
        Output.line(JSONWriter.prettyString(.object(object)))
    }

    /// The error for an entity the view has no row for at this point.
    func notFound(_ noun: String, _ id: String, in view: String, hint: String) -> ProjectionError {
        ProjectionError(
            .notFound,
            "there is no \(noun) \(id.prefix(80)) in the \(view) view \(point.isHead ? "" : "as of position \(point.position) ")(no event names it); check the id, or run `\(hint)`"
        )
    }

    /// `as of position 1200 (head) · now 2026-11-25T14:03:00Z`.
    var header: String {
        "as of position \(Int(point.position.rawValue).grouped)\(point.isHead ? " (head)" : "") · now \(point.referenceTime)"
    }
}

/// Aligned text columns for people.
struct TextTable {
    var headers: [String]
    var rightAligned: Set<Int> = []
    var rows: [[String]] = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    /// Adds a row. A cell is one line: control characters in it, a line feed too, are
    /// written as escapes, so that a value cannot break the table or drive the terminal.
    mutating func add(_ row: [String]) { rows.append(row.map { MessageText.oneLine($0) }) }

    var lines: [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                parts.append(rightAligned.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad))
            }
            return parts.joined(separator: "  ")
        }
        return [line(headers)] + rows.map(line)
    }

    func print() { for text in lines { Output.line(text) } }
}

/// How figures read in tables.
enum Figures {
    /// `12,345.50 USD + 99.00 EUR`; `—` when empty. `first`, when the bag holds it, leads
    /// (the currency a list is ranked by); the others follow by code.
    static func bag(_ bag: MoneyBag, first: String? = nil) -> String {
        let entries = bag.entries.filter { $0.currency == first } + bag.entries.filter { $0.currency != first }
        return bag.isEmpty ? "—" : entries.map { "\(money($0.amount)) \($0.currency)" }.joined(separator: " + ")
    }

    /// `12,345.50`: grouped thousands and every decimal the amount has, never rounded:
    /// `1000.005` is `1,000.005`. Trailing zeros past the second decimal are dropped
    /// (a weighted `500.000` is `500.00`), and an amount with fewer than two decimals gets
    /// them (`1000` JPY is `1,000.00`: no table of each currency's decimals is kept, so
    /// every currency shows at least two). JSON output keeps the digits as stored.
    static func money(_ value: Money) -> String {
        var text = value.formatted(minimumScale: 2)
        if let point = text.firstIndex(of: ".") {
            while text.distance(from: point, to: text.endIndex) > 3, text.last == "0" { text.removeLast() }
        }
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]).map(\.grouped) ?? String(parts[0])
        return (negative ? "-" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func percent(_ ratio: Double?) -> String {
        guard let ratio else { return "—" }
        return String(format: "%.1f%%", ratio * 100)
    }

    static func days(_ days: Double?) -> String {
        guard let days else { return "—" }
        return String(format: "%.1f", days)
    }

    static func time(_ instant: Timestamp?) -> String { instant?.description ?? "—" }

    /// The day of an instant: `2026-11-25`.
    static func day(_ instant: Timestamp?) -> String { instant.map { String($0.description.prefix(10)) } ?? "—" }

    static func text(_ value: String?) -> String { value ?? "—" }
}
