import JSON

/// How the rows of a delimited file become events: the file's dialect, and for each
/// row, the events it yields.
///
/// A mapping is usually read from YAML (``init(yaml:file:)``); the reference of its
/// keys is in the README. Column names are resolved against the file's header by
/// ``resolved(header:file:)`` before rows are mapped, so a misspelt column is reported
/// once, at its line in the mapping, instead of once per row.
///
/// Every event's id is derived from its type and a key template (SHA-256, see
/// ``EventID/derived(from:)``), so importing the same file twice appends nothing the
/// second time.
public struct CSVMapping: Sendable {
    /// The mapping file's name, for messages.
    public var file: String
    public var dialect = CSVDialect()
    /// The events each row may yield, in the order they are appended.
    public var events: [Event] = []

    public init(file: String, dialect: CSVDialect = CSVDialect(), events: [Event] = []) {
        self.file = file
        self.dialect = dialect
        self.events = events
    }

    /// One event a row yields (when its condition holds).
    public struct Event: Sendable {
        public var type: EventType
        /// The schema version of the payload; the catalog's latest when `nil`.
        public var schemaVersion: Int?
        /// The row yields this event only when the condition holds.
        public var condition: Condition?
        public var stream: Template
        /// The key the event id is derived from: the same key and type give the same id.
        public var idKey: Template
        /// When it happened; the time of the import when `nil` (or when the field is
        /// left out for a row).
        public var occurredAt: Field?
        public var actor: Template?
        public var metadata: [(key: String, value: Template)] = []
        /// The payload's fields, in mapping order.
        public var data: [Field] = []
        /// The mapping line of the event's entry.
        public var line: Int

        public init(type: EventType, stream: Template, idKey: Template, line: Int) {
            self.type = type
            self.stream = stream
            self.idKey = idKey
            self.line = line
        }
    }

    /// A reference to a column by name; ``index`` is set by ``CSVMapping/resolved(header:file:)``.
    public struct Column: Sendable, Hashable {
        public var name: String
        /// The mapping line that names the column.
        public var line: Int
        public var index = -1

        public init(_ name: String, line: Int) {
            self.name = name
            self.line = line
        }
    }
}
