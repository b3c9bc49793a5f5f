import JSON

extension CSVMapping {
    /// One payload field (or an event's `occurredAt`): where its value comes from, and
    /// how that text becomes a JSON value.
    ///
    /// The text of a column or template is trimmed; an empty text takes the field's
    /// `default`, or leaves the field out with `skipIfEmpty`, or is an error. A `values`
    /// table then replaces listed texts, and the ``ValueType`` converts what is left.
    public struct Field: Sendable {
        public enum Source: Sendable {
            case column(Column)
            case template(Template)
            /// A value as written in the mapping; no conversion applies.
            case constant(JSONValue)
            /// The first of these fields that has a value for the row.
            case firstOf([Field])
        }

        /// What the text becomes.
        public enum ValueType: String, Sendable, CaseIterable {
            /// The text itself.
            case string
            /// A JSON integer: `-12`, `007` (written `7`).
            case integer
            /// An exact JSON number: `3.25`, `-0.5`, `1e3`.
            case number
            /// An exact decimal string (see ``MoneyFormat``): `$1,234.5` gives `"1234.50"`.
            case money
            /// `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`, `t`/`f`, `on`/`off`, any case.
            case boolean
            /// An RFC 3339 full-date, `2024-06-30`, read with ``Field/format``.
            case date
            /// An RFC 3339 timestamp in UTC, read with ``Field/format`` in ``Field/timeZone``.
            case datetime
        }

        /// Where the value goes in the payload: object keys from the top (`custom.age`
        /// is `["custom", "age"]`).
        public var path: [String]
        public var source: Source
        public var type = ValueType.string
        /// How dates and times are written; ISO 8601 when `nil`.
        public var format: DateFormat?
        /// The zone of times written without an offset.
        public var timeZone = ZoneRule.utc
        public var money = MoneyFormat()
        /// Texts replaced before conversion; a `null` value leaves the field out.
        public var values: [String: JSONValue]?
        /// The replacement of texts `values` does not list; without it they are errors.
        public var otherwise: JSONValue?
        public var trim = true
        public var skipIfEmpty = false
        /// The value of an empty text (`null` leaves the field out).
        public var defaultValue: JSONValue?
        /// The field is left out of rows where this does not hold.
        public var condition: Condition?
        /// The mapping line of the field.
        public var line: Int

        public init(path: [String], source: Source, line: Int) {
            self.path = path
            self.source = source
            self.line = line
        }

        /// The field's name for messages: `amount`, `custom.age`.
        public var name: String { path.joined(separator: ".") }

        mutating func resolve(_ resolver: inout ColumnResolver) {
            switch source {
            case .column(var column):
                resolver.resolve(&column)
                source = .column(column)
            case .template(var template):
                template.resolve(&resolver)
                source = .template(template)
            case .constant: break
            case .firstOf(var options):
                for i in options.indices { options[i].resolve(&resolver) }
                source = .firstOf(options)
            }
            condition?.resolve(&resolver)
        }

        /// The field's value in `row`, or `nil` when it is left out.
        func value(_ row: CSVRow) throws(CSVRow.Problem) -> JSONValue? {
            switch try resolve(row) {
            case .none: return nil
            case .value(let value): return value
            case .text(let text, let label): return try convert(text, label: label)
            }
        }

        /// The event time in `row`, or `nil` when the field is left out. Reads dates
        /// straight into a ``Timestamp``, without going through text.
        func timestamp(_ row: CSVRow) throws(CSVRow.Problem) -> Timestamp? {
            switch try resolve(row) {
            case .none: return nil
            case .value(let value):
                guard case .string(let text) = value else {
                    throw CSVRow.Problem(column: nil, reason: "occurredAt: \(value) is not \(Timestamp.formatHint) (mapping line \(line))")
                }
                guard let timestamp = Timestamp(rfc3339: text) else {
                    throw CSVRow.Problem(column: nil, reason: "\(Timestamp.refusal(of: text, named: "occurredAt")) (mapping line \(line))")
                }
                return timestamp
            case .text(let text, let label):
                return try parseDate(text, label: label).timestamp(in: timeZone)
            }
        }

        /// What a field holds in a row before conversion.
        private enum Resolved {
            /// Left out.
            case none
            /// A value that needs no conversion (a constant, a `values` entry, a default).
            case value(JSONValue)
            /// Text to convert by ``type``, and the column (or template) it came from.
            case text(String, label: String)
        }

        private func resolve(_ row: CSVRow) throws(CSVRow.Problem) -> Resolved {
            if let condition, try !condition.holds(row) { return .none }
            let text: String
            let label: String
            switch source {
            case .constant(let value):
                return value.isNull ? .none : .value(value)
            case .firstOf(let options):
                for option in options {
                    if let value = try option.value(row) { return .value(value) }
                }
                return try empty(label: name, because: "none of its `first_of` choices has a value")
            case .column(let column):
                label = column.name
                let cell = try row.cell(column, trimmed: trim)
                if cell.isEmpty || (!trim && cell.allSatisfy(\.isWhitespace)) {
                    return try empty(label: label, because: "is empty")
                }
                text = cell
            case .template(let template):
                label = template.source
                switch try template.render(row) {
                case .text(let rendered): text = rendered
                case .empty(let column):
                    return try empty(label: column.name, because: "is empty (`\(template.source)` needs it)")
                }
            }
            guard let values else { return .text(text, label: label) }
            guard let mapped = values[text] ?? otherwise else {
                let listed = values.keys.sorted().prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
                throw CSVRow.Problem(
                    column: label,
                    reason:
                        "\(quoted(text)) is not a value the mapping lists (\(listed)\(values.count > 8 ? ", …" : "")); add it under `values:` or give `otherwise:` (mapping line \(line))"
                )
            }
            guard case .string(let replaced) = mapped else { return mapped.isNull ? .none : .value(mapped) }
            return .text(replaced, label: label)
        }

        private func empty(label: String, because reason: String) throws(CSVRow.Problem) -> Resolved {
            if let defaultValue { return defaultValue.isNull ? .none : .value(defaultValue) }
            if skipIfEmpty { return .none }
            throw CSVRow.Problem(
                column: label,
                reason:
                    "\(reason); the mapping needs a value for `\(name)` (give it `skip_if_empty: true` or a `default:`, mapping line \(line))"
            )
        }

        private func parseDate(_ text: String, label: String) throws(CSVRow.Problem) -> DateFormat.Parsed {
            let format = format ?? .iso8601
            do throws(ValueParser.Failure) {
                return try format.parse(text)
            } catch {
                throw CSVRow.Problem(
                    column: label,
                    reason: "\(quoted(text)) does not match the date format \(format.source): \(error.reason)")
            }
        }

        private func convert(_ text: String, label: String) throws(CSVRow.Problem) -> JSONValue {
            switch type {
            case .string:
                return .string(text)
            case .integer:
                guard let number = ValueParser.integer(text) else {
                    throw CSVRow.Problem(column: label, reason: "\(quoted(text)) is not a whole number")
                }
                return .number(number)
            case .number:
                guard let number = ValueParser.number(text) else {
                    throw CSVRow.Problem(
                        column: label, reason: "\(quoted(text)) is not a number (like 12, -3.5 or 1.2e3)")
                }
                return .number(number)
            case .money:
                do throws(ValueParser.Failure) {
                    return .string(try ValueParser.money(text, format: money))
                } catch {
                    throw CSVRow.Problem(
                        column: label, reason: "\(quoted(text)) is not a money amount: \(error.reason)")
                }
            case .boolean:
                guard let value = ValueParser.boolean(text) else {
                    throw CSVRow.Problem(
                        column: label, reason: "\(quoted(text)) is not a boolean (true/false, yes/no, y/n, 1/0)")
                }
                return .bool(value)
            case .date:
                return .string(try parseDate(text, label: label).dateText)
            case .datetime:
                return .string(try parseDate(text, label: label).timestamp(in: timeZone).description)
            }
        }
    }

    /// How money is written in the file.
    public struct MoneyFormat: Sendable, Hashable {
        /// The decimal separator: `.` (then `,` groups thousands) or `,` (then `.` does).
        public var decimalSeparator: Character = "."
        /// The amount is written with at least this many decimals (`12` gives `12.00`);
        /// more decimals in the file are kept, never rounded.
        public var decimals = 2

        public init() {}
    }
}
