/// A mapping file that cannot be used: every problem found, each at its line in the
/// mapping (`MAPPING:LINE: reason`). Nothing is read from the data file or appended.
public struct CSVMappingError: Error, Sendable, CustomStringConvertible {
    /// One problem: its line in the mapping (when known) and what is wrong.
    public struct Problem: Error, Sendable, Hashable {
        public var line: Int?
        public var message: String

        public init(line: Int?, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// The mapping file's name as given.
    public var file: String
    /// In line order.
    public var problems: [Problem]

    public init(file: String, problems: [Problem]) {
        self.file = file
        var seen = Set<Problem>()
        self.problems = problems.filter { seen.insert($0).inserted }.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
    }

    /// `MAPPING:LINE: reason` for each problem, one per line.
    public var lines: [String] {
        problems.map { problem in
            problem.line.map { "\(file):\($0): \(problem.message)" } ?? "\(file): \(problem.message)"
        }
    }

    public var description: String {
        (lines + [
            "\(file): \(problems.count == 1 ? "the mapping has a problem" : "the mapping has \(problems.count) problems"); nothing was imported"
        ])
        .joined(separator: "\n")
    }
}

/// Resolves column names against a file's header, collecting every unknown name.
struct ColumnResolver {
    let header: [String]
    let dataFile: String
    /// Where the names come from, for messages: the header of the file, or the
    /// mapping's `csv.columns` for a file without one.
    let source: String
    private var positions: [String: [Int]] = [:]
    private(set) var problems: [CSVMappingError.Problem] = []

    init(header: [String], dataFile: String, fromHeader: Bool = true) {
        self.header = header
        self.dataFile = dataFile
        source = fromHeader ? "the header of \(dataFile)" : "`csv.columns`"
        for (i, name) in header.enumerated() { positions[name, default: []].append(i) }
    }

    mutating func resolve(_ column: inout CSVMapping.Column) {
        guard let found = positions[column.name] else {
            column.index = -1
            problems.append(
                .init(
                    line: column.line,
                    message: "no column \"\(column.name)\" in \(source)\(hint(column.name))"))
            return
        }
        if found.count > 1 {
            problems.append(
                .init(
                    line: column.line,
                    message:
                        "column \"\(column.name)\" appears \(found.count) times in \(source) (columns \(found.map { String($0 + 1) }.joined(separator: ", "))); rename all but one"
                ))
        }
        column.index = found[0]
    }

    private func hint(_ name: String) -> String {
        if let same = header.first(where: { $0.caseInsensitiveEquals(name) }) { return "; did you mean \"\(same)\"?" }
        let lower = name.lowercased()
        if lower.count >= 3, let containing = header.first(where: { $0.lowercased().contains(lower) }) {
            return "; did you mean \"\(containing)\"?"
        }
        let near = header.map { ($0, Suggestion.editDistance($0, name)) }.filter { $0.1 <= max(2, name.count / 3) }.min {
            $0.1 < $1.1
        }
        if let near { return "; did you mean \"\(near.0)\"?" }
        let listed = header.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
        return "; its columns are \(listed)\(header.count > 12 ? ", …" : "")"
    }
}

extension String {
    fileprivate func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}

