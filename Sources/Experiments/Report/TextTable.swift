/// Columns of text aligned for a terminal: the first column left-aligned, the others
/// right-aligned, two spaces apart.
struct TextTable {
    var rows: [[String]] = []

    init(header: [String]) { rows = [header] }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines, each indented by `indent` spaces.
    func lines(indent: Int = 0) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        let pad = String(repeating: " ", count: indent)
        return rows.map { row in
            var line = pad
            for (i, cell) in row.enumerated() {
                let fill = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + fill : "  " + fill + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
