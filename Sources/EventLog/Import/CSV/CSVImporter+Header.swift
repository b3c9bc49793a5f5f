import Foundation

extension CSVImporter {
    /// Why a header row that does not name the mapping's columns shows that the file
    /// itself cannot be read as the mapping says: it is a zip (a workbook) or compressed file,
    /// UTF-16 or another encoding than UTF-8, its lines end in a carriage return alone,
    /// or its fields are separated by another delimiter than the mapping's. `nil` when
    /// the header gives no such sign (then the mapping is at fault).
    ///
    /// - Parameters:
    ///   - fileStart: the first bytes of the file, as read (a UTF-8 byte order mark removed).
    ///   - texts: the header row's fields, as read with the mapping's dialect (`nil` for
    ///     one that is not UTF-8).
    ///   - file: the file as the user named it, for the advice's commands.
    ///   - advice: how the advice pipes a converted or unpacked file into an import of
    ///     standard input with the same mapping and store.
    static func headerProblem(fileStart: [UInt8], texts: [String?], dialect: CSVDialect, file: String, advice: StandardInputAdvice) -> String? {
        let subject = advice.subject
        func pipe(_ tool: String) -> String { advice.pipe(tool, file: file) }
        let convert = "save it as UTF-8 (in Excel: CSV UTF-8), or convert it in a pipe: \(pipe("iconv -f UTF-16 -t UTF-8"))"
        switch FileSignature(start: fileStart) {
        case .zip?:
            return "\(subject) is a zip archive (an .xlsx workbook?), not delimited text; save the sheet as CSV UTF-8, "
                + "or pipe a CSV file inside it: \(advice.unzipPipe(file: file))"
        case .compressed(let format, let unpack)?:
            return "\(subject) is compressed with \(format), not delimited text; unpack it in a pipe: \(pipe(unpack))"
        case .utf16?:
            return "\(subject) is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8; \(convert)"
        case .nul?, nil:
            break  // NUL bytes are told from the header's fields below.
        }
        if texts.contains(where: { $0?.contains("\u{0}") == true }) {
            return "the header row holds NUL bytes, as a UTF-16 file does; \(convert)"
        }
        if texts.contains(where: { $0 == nil }) {
            return "the header row is not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8), or convert it in a pipe: "
                + "\(pipe("iconv -f WINDOWS-1252 -t UTF-8")) (or from the encoding it was saved in)"
        }
        let header = texts.map { CSVRow.trim($0 ?? "") }
        if header.contains(where: { $0.contains("\r") }) {
            return "the header row runs into the next line: the file's lines end in a carriage return alone "
                + "(old Mac line ends); save it with LF or CRLF line ends, or convert it with `tr '\\r' '\\n'`"
        }
        guard header.count == 1, case .character(let used) = dialect.delimiter else { return nil }
        let candidates: [(UInt8, String)] = [
            (UInt8(ascii: ";"), "\";\""), (0x09, "tab"), (UInt8(ascii: "|"), "\"|\""), (UInt8(ascii: ","), "\",\""),
        ]
        guard let (_, spelled) = candidates.first(where: { $0.0 != used && header[0].utf8.contains($0.0) }) else {
            return nil
        }
        let shown = header[0].count > 60 ? String(header[0].prefix(60)) + "…" : header[0]
        return "the header row is one column, \"\(shown.replacingOccurrences(of: "\t", with: "\\t"))\": its names are "
            + "separated by \(spelled == "tab" ? "tabs" : spelled); set `csv: { delimiter: \(spelled) }` in the mapping"
    }
}
