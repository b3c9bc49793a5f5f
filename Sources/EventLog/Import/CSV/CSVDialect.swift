/// How a delimited text file is laid out: the delimiter, the quote character, and
/// where the column names come from.
///
/// The default is RFC 4180: comma-separated, `"` quotes (a quote inside a quoted field
/// is doubled), the first record names the columns. Line ends may be CRLF or LF, and a
/// UTF-8 byte order mark at the start is skipped.
public struct CSVDialect: Sendable, Hashable {
    /// What separates fields.
    public enum Delimiter: Sendable, Hashable {
        /// One ASCII character, such as `,`, `;` or a tab.
        case character(UInt8)
        /// Runs of spaces and tabs; leading and trailing ones are ignored (as in
        /// `CDNOW_master.txt`, whose columns are aligned with spaces).
        case whitespace
    }

    public var delimiter: Delimiter = .character(UInt8(ascii: ","))
    /// The quote character, or `nil` when fields are never quoted.
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// Whether the first record names the columns.
    public var hasHeader = true
    /// The column names of a file without a header row.
    public var columns: [String] = []

    public init() {}
}
