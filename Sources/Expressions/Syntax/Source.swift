/// The text of an expression with the means to turn byte offsets into line and column.
///
/// The lexer works on UTF-8 bytes; every token and syntax node remembers its byte offset.
/// Lines and columns are computed only when an error is reported, so the common path pays
/// nothing for them.
public struct Source: Sendable, Hashable {
    /// The expression as written.
    public let text: String
    /// The same text as UTF-8, which is what offsets index into.
    let bytes: [UInt8]

    public init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// The 1-based line and column of a byte offset; columns count Unicode scalars.
    ///
    /// Cost: linear in the offset.
    public func location(of offset: Int) -> SourceLocation {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte == 0x0D {
                // A lone CR ends a line; CR LF counts once (the LF does it).
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                } else {
                    line += 1
                    column = 1
                }
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(offset: end, line: line, column: column)
    }

    /// The text of the given 1-based line without its line terminator; tabs become spaces so
    /// a caret drawn under it lines up.
    public func line(_ number: Int) -> String {
        var current = 1
        var start = 0
        var index = 0
        while index < bytes.count, current < number {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && !(index + 1 < bytes.count && bytes[index + 1] == 0x0A))
            {
                current += 1
                start = index + 1
            }
            index += 1
        }
        var end = start
        while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return String(text.unicodeScalars.map { $0 == "\t" || $0.value < 0x20 ? " " : Character($0) })
    }

    /// An error located at a byte offset, with the line it points into.
    func error(_ code: ExpressionError.Code, _ message: String, at offset: Int) -> ExpressionError {
        let location = location(of: offset)
        return ExpressionError(code, message, location: location, sourceLine: line(location.line))
    }
}
