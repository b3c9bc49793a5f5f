import Foundation
import JSON

extension CSVMapping {
    /// When a row yields an event (or a field): a test of one column's (or template's)
    /// trimmed text, or `all`/`any`/`not` of other conditions.
    public indirect enum Condition: Sendable {
        case all([Condition])
        case any([Condition])
        case not(Condition)
        case test(Operand, Test, ignoreCase: Bool, line: Int)

        /// What a test reads.
        public enum Operand: Sendable {
            case column(Column)
            /// A template's text; empty when a column it reads is empty.
            case template(Template)
        }

        public enum Test: Sendable {
            case equals(String)
            case notEquals(String)
            case oneOf([String])
            case noneOf([String])
            /// `true`: the text is empty; `false`: it is not.
            case empty(Bool)
            /// The text is a number and compares so with the bound; an empty text fails.
            case greaterThan(JSONNumber)
            case atLeast(JSONNumber)
            case lessThan(JSONNumber)
            case atMost(JSONNumber)
        }

        mutating func resolve(_ resolver: inout ColumnResolver) {
            switch self {
            case .all(var list):
                for i in list.indices { list[i].resolve(&resolver) }
                self = .all(list)
            case .any(var list):
                for i in list.indices { list[i].resolve(&resolver) }
                self = .any(list)
            case .not(var inner):
                inner.resolve(&resolver)
                self = .not(inner)
            case .test(.column(var column), let test, let ignoreCase, let line):
                resolver.resolve(&column)
                self = .test(.column(column), test, ignoreCase: ignoreCase, line: line)
            case .test(.template(var template), let test, let ignoreCase, let line):
                template.resolve(&resolver)
                self = .test(.template(template), test, ignoreCase: ignoreCase, line: line)
            }
        }

        /// Whether the condition holds for `row`.
        func holds(_ row: CSVRow) throws(CSVRow.Problem) -> Bool {
            switch self {
            case .all(let list):
                for condition in list where try !condition.holds(row) { return false }
                return true
            case .any(let list):
                for condition in list where try condition.holds(row) { return true }
                return false
            case .not(let inner):
                return try !inner.holds(row)
            case .test(let operand, let test, let ignoreCase, let line):
                let text: String
                let label: String
                switch operand {
                case .column(let column):
                    text = try row.cell(column, trimmed: true)
                    label = column.name
                case .template(let template):
                    label = template.source
                    if case .text(let rendered) = try template.render(row) { text = rendered } else { text = "" }
                }
                func same(_ a: String, _ b: String) -> Bool {
                    ignoreCase ? a.caseInsensitiveCompare(b) == .orderedSame : a == b
                }
                switch test {
                case .equals(let value): return same(text, value)
                case .notEquals(let value): return !same(text, value)
                case .oneOf(let values): return values.contains { same(text, $0) }
                case .noneOf(let values): return !values.contains { same(text, $0) }
                case .empty(let wanted): return text.isEmpty == wanted
                case .greaterThan(let bound), .atLeast(let bound), .lessThan(let bound), .atMost(let bound):
                    if text.isEmpty { return false }
                    guard let number = ValueParser.number(text) else {
                        throw CSVRow.Problem(
                            column: label,
                            reason:
                                "\(quoted(text)) is not a number, and the condition at mapping line \(line) compares it with \(bound)"
                        )
                    }
                    switch test {
                    case .greaterThan: return number > bound
                    case .atLeast: return number >= bound
                    case .lessThan: return number < bound
                    default: return number <= bound
                    }
                }
            }
        }
    }
}
