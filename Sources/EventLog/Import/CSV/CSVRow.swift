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

    /// The text of `column`, trimmed of spaces, tabs and line breaks unless `trimmed` is false.
    ///
    /// A cell that is not valid UTF-8, or holds a control character other than a tab
    /// or a line break (a NUL, most often), is refused rather than stored: neither is
    /// text a CRM exports, and both say the file was read in the wrong encoding or
    /// carries binary data, which the rest of its cells may share.
    func cell(_ column: CSVMapping.Column, trimmed: Bool) throws(Problem) -> String {
        guard let text = cells[column.index] else {
            throw Problem(
                column: column.name, reason: "is not valid UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
        }
        if let byte = Self.controlByte(in: text) {
            throw Problem(column: column.name, reason: Self.controlCharacterReason(byte))
        }
        return trimmed ? Self.trim(text) : text
    }

    /// The first C0 control character of `text` other than tab, CR and LF (which
    /// quoted cells may hold), as its byte; in UTF-8 no other byte is below 0x20.
    static func controlByte(in text: String) -> UInt8? {
        text.utf8.first { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    /// Why a cell holding `byte`, a control character, is refused, and what to do.
    static func controlCharacterReason(_ byte: UInt8) -> String {
        let hex = "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        let what = byte == 0 ? "a NUL byte (0x00)" : "the control character \(hex)"
        return
            "holds \(what), which no text holds: the file is probably not UTF-8 text (UTF-16 puts a NUL beside every "
            + "Latin letter) or has binary data in it; save it as UTF-8 (in Excel: CSV UTF-8; `iconv -f UTF-16 -t UTF-8` "
            + "converts UTF-16), or remove the binary data"
    }

    /// `text` without leading and trailing spaces, tabs, no-break spaces and line breaks.
    static func trim(_ text: String) -> String {
        // A stray CR (a file whose lines end in CR CR LF) is space too.
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{A0}" || $0 == "\r" || $0 == "\n" }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[start...end])
    }
}
