import Foundation

extension CSVMapping {
    /// Text with column values put in: `customer-{CustomerID}`, `{Deal Name|slug}`,
    /// `cdnow-{line}`.
    ///
    /// `{Name}` is the value of column `Name`, trimmed; `{line}` is the physical line the
    /// row starts on and `{row}` its number among the data rows (from 1). A filter after
    /// `|` transforms the value: `int` (a whole number without leading zeros: `00042`
    /// gives `42`), `lower`, `upper`, `slug` (lower case, runs of other characters
    /// become `-`: `Acme Corp.` gives `acme-corp`). `{{` and `}}` are literal braces.
    public struct Template: Sendable, CustomStringConvertible {
        public enum Filter: String, Sendable, CaseIterable {
            case int, lower, upper, slug
        }

        public enum Piece: Sendable {
            case literal(String)
            case column(Column, Filter?)
            case line
            case row
        }

        public var pieces: [Piece]
        /// The template as written.
        public var source: String
        /// The mapping line the template is on (0 for one made in code).
        public var line = 0

        /// A template that is only text.
        public init(literal text: String) {
            pieces = text.isEmpty ? [] : [.literal(text)]
            source = text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
        }

        /// Parses `text`, naming `line` as where its columns are referenced.
        /// - Throws: the reason, as a sentence.
        public init(parsing text: String, line: Int) throws(CSVMappingError.Problem) {
            source = text
            self.line = line
            pieces = []
            var literal = ""
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                let next = text.index(after: i)
                if c == "{", next < text.endIndex, text[next] == "{" {
                    literal.append("{")
                    i = text.index(after: next)
                    continue
                }
                if c == "}", next < text.endIndex, text[next] == "}" {
                    literal.append("}")
                    i = text.index(after: next)
                    continue
                }
                if c == "}" {
                    throw CSVMappingError.Problem(
                        line: line, message: "`\(text)`: a lone `}`; write `}}` for a literal brace")
                }
                guard c == "{" else {
                    literal.append(c)
                    i = next
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw CSVMappingError.Problem(
                        line: line, message: "`\(text)`: `{` is never closed; write `{{` for a literal brace")
                }
                var name = String(text[next..<close])
                var filter: Filter?
                if let bar = name.lastIndex(of: "|") {
                    let filterName = name[name.index(after: bar)...].trimmingCharacters(in: .whitespaces)
                    guard let known = Filter(rawValue: filterName) else {
                        throw CSVMappingError.Problem(
                            line: line,
                            message:
                                "`\(text)`: unknown filter `\(filterName)`; filters are \(Filter.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    filter = known
                    name = String(name[..<bar])
                }
                name = name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else {
                    throw CSVMappingError.Problem(line: line, message: "`\(text)`: `{}` names no column")
                }
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                }
                switch (name, filter) {
                case ("line", nil): pieces.append(.line)
                case ("row", nil): pieces.append(.row)
                default: pieces.append(.column(Column(name, line: line), filter))
                }
                i = text.index(after: close)
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
        }

        /// Whether the template puts in no values.
        public var isConstant: Bool {
            pieces.allSatisfy { if case .literal = $0 { return true } else { return false } }
        }

        /// The text of a template that puts in no values (braces unescaped).
        public var constantText: String {
            pieces.map { if case .literal(let text) = $0 { return text } else { return "" } }.joined()
        }

        /// Whether the template puts in the row's `{line}`, else its `{row}`, else neither.
        var position: Position {
            if pieces.contains(where: { if case .line = $0 { return true } else { return false } }) { return .line }
            if pieces.contains(where: { if case .row = $0 { return true } else { return false } }) { return .row }
            return .none
        }

        enum Position { case line, row, none }

        /// The columns the template reads.
        public var columns: [Column] {
            pieces.compactMap { if case .column(let column, _) = $0 { return column } else { return nil } }
        }

        public var description: String { source }

        mutating func resolve(_ resolver: inout ColumnResolver) {
            for i in pieces.indices {
                if case .column(var column, let filter) = pieces[i] {
                    resolver.resolve(&column)
                    pieces[i] = .column(column, filter)
                }
            }
        }

        /// A rendered template: its text, or the column it reads that is empty in the row.
        enum Rendered {
            case text(String)
            case empty(Column)
        }

        /// The text for `row`, unless a column it reads is empty there.
        func render(_ row: CSVRow) throws(CSVRow.Problem) -> Rendered {
            if pieces.count == 1, case .literal(let text) = pieces[0] { return .text(text) }
            var out = ""
            for piece in pieces {
                switch piece {
                case .literal(let text): out += text
                case .line: out += String(row.line)
                case .row: out += String(row.number)
                case .column(let column, let filter):
                    let value = try row.cell(column, trimmed: true)
                    if value.isEmpty { return .empty(column) }
                    guard let filter else {
                        out += value
                        continue
                    }
                    out += try Self.apply(filter, to: value, column: column)
                }
            }
            return .text(out)
        }

        static func apply(_ filter: Filter, to value: String, column: Column) throws(CSVRow.Problem) -> String {
            switch filter {
            case .lower: return value.lowercased()
            case .upper: return value.uppercased()
            case .int:
                guard let number = ValueParser.integer(value) else {
                    throw CSVRow.Problem(
                        column: column.name,
                        reason: "\(quoted(value)) is not a whole number (the template's |int filter needs one)")
                }
                return number.text
            case .slug:
                var out = ""
                var pendingDash = false
                let folded = value.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
                for scalar in folded.unicodeScalars {
                    if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                        if pendingDash && !out.isEmpty { out.append("-") }
                        pendingDash = false
                        out.unicodeScalars.append(scalar)
                    } else {
                        pendingDash = true
                    }
                }
                return out
            }
        }
    }
}

/// A value for a message: quoted, at most 40 characters.
func quoted(_ value: String) -> String {
    value.count > 40 ? "\"\(value.prefix(40))…\"" : "\"\(value)\""
}
