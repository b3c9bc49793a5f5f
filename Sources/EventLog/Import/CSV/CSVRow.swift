/// One data row being mapped: its cells, the physical line it starts on, and its
/// number among the data rows (from 1).
struct CSVRow {
    /// Why a row cannot be mapped: `column: reason`, or just the reason.
    struct Problem: Error, Sendable, Hashable {
        var column: String?
        var reason: String

        var text: String { column.map { "\($0): \(reason)" } ?? reason }
    }

    /// The cells as text; `nil` for one that is not valid UTF-8.
    let cells: [String?]
    let line: Int
    let number: Int

    /// The text of `column`, trimmed of spaces and tabs unless `trimmed` is false.
    func cell(_ column: CSVMapping.Column, trimmed: Bool) throws(Problem) -> String {
        guard let text = cells[column.index] else {
            throw Problem(
                column: column.name, reason: "is not valid UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
        }
        return trimmed ? Self.trim(text) : text
    }

    /// `text` without leading and trailing spaces, tabs and no-break spaces.
    static func trim(_ text: String) -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[start...end])
    }
}
