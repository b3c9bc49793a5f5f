import Foundation

/// Reads delimited text (RFC 4180 CSV and its relatives, see ``CSVDialect``) in large
/// chunks and hands out whole records with the physical line each starts on.
///
/// Quoted fields may hold delimiters, doubled quotes and line breaks; a record that
/// spans lines is reported at its first line, and the line count stays physical. Memory
/// is bounded by the chunk size plus ``maxRecordBytes``, whatever the file's size: a
/// record that grows past it without ending (most often a quote never closed, which
/// makes the rest of the file one field) is reported as a problem at its first line
/// and reading stops there. Blank lines are skipped.
///
/// A record the reader cannot make sense of (text after a closing quote, a quote never
/// closed) is still handed out, with ``Chunk/problems`` saying why, so a caller can
/// report every bad record of a file rather than the first.
public struct CSVReader {
    /// One field: a byte range of ``Chunk/bytes``.
    public struct Field: Sendable {
        public var start: Int
        public var end: Int
        /// The field was quoted and holds doubled quotes to undo.
        public var hasDoubledQuotes: Bool
    }

    /// One record: its line and its fields, a range of ``Chunk/fields``.
    public struct Record: Sendable {
        public var line: Int
        public var fields: Range<Int>
    }

    /// Whole records and the bytes they point into.
    public struct Chunk: Sendable {
        public var bytes: [UInt8]
        public var fields: [Field]
        public var records: [Record]
        /// Why a record is malformed, by its index in ``records``.
        public var problems: [Int: String]
        /// Bytes of the file consumed up to the end of this chunk.
        public var fileOffset: Int

        /// The text of `field`, or `nil` when it is not valid UTF-8.
        public func text(_ field: Field) -> String? {
            bytes.withUnsafeBufferPointer { buffer in
                let raw = UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
                guard field.hasDoubledQuotes else { return String(validating: raw, as: UTF8.self) }
                var unescaped: [UInt8] = []
                unescaped.reserveCapacity(raw.count)
                var i = 0
                while i < raw.count {
                    unescaped.append(raw[i])
                    i += raw[i] == 0x22 && i + 1 < raw.count && raw[i + 1] == 0x22 ? 2 : 1
                }
                return String(validating: unescaped, as: UTF8.self)
            }
        }

        /// The texts of a record's fields (`nil` for one that is not valid UTF-8).
        public func texts(_ record: Record) -> [String?] {
            fields[record.fields].map { text($0) }
        }
    }

    private let handle: FileHandle
    private let dialect: CSVDialect
    private let chunkSize: Int
    private var carry: [UInt8] = []
    private var nextLine = 1
    private var offset = 0
    private var atStart = true
    private var finished = false
    /// The file's size when it was opened.
    public let size: Int
    /// The longest record read; see the type's documentation.
    public let maxRecordBytes: Int

    /// Opens `url`. `chunkSize` is how much is read at a time (4 MiB by default).
    public init(url: URL, dialect: CSVDialect, chunkSize: Int = 4 << 20, maxRecordBytes: Int = 8 << 20) throws {
        handle = try FileHandle(forReadingFrom: url)
        size = Int((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0)
        self.dialect = dialect
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = maxRecordBytes
    }

    public func close() { try? handle.close() }

    /// The next chunk of whole records, or `nil` at the end of the file. A chunk may
    /// hold no records (a stretch of blank lines).
    public mutating func next() throws -> Chunk? {
        while !finished {
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            var bytes = carry
            bytes.append(contentsOf: data)
            carry = []
            if data.isEmpty { finished = true }
            if atStart {
                if bytes.count < 3 && !finished {
                    carry = bytes
                    continue
                }
                atStart = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                    bytes.removeFirst(3)
                    offset += 3
                }
            }
            if finished && bytes.isEmpty { return nil }
            return parse(bytes, atEnd: finished)
        }
        return nil
    }

    // MARK: - Parsing

    private enum Step {
        /// A record ending at `end` (after its line break), `breaks` line breaks later.
        case record(end: Int, breaks: Int, problem: String?)
        /// A line with nothing on it.
        case blank(end: Int)
        /// The bytes end inside the record; the next read completes it.
        case incomplete
    }

    /// Splits `bytes` into records. Unless `atEnd`, a record the bytes end inside is
    /// kept in ``carry`` for the next read.
    private mutating func parse(_ bytes: [UInt8], atEnd: Bool) -> Chunk {
        var fields: [Field] = []
        var records: [Record] = []
        var problems: [Int: String] = [:]
        fields.reserveCapacity(bytes.count / 8)
        records.reserveCapacity(bytes.count / 64)
        var consumed = 0
        var line = nextLine
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            scan: while i < b.count {
                let first = fields.count
                switch scanRecord(b, from: i, atEnd: atEnd, fields: &fields) {
                case .incomplete:
                    fields.removeSubrange(first...)
                    break scan
                case .blank(let end):
                    line += 1
                    i = end
                case .record(let end, let breaks, let problem):
                    if fields.count - first == 1, isBlank(b, fields[first]), b[i] != dialect.quote {
                        fields.removeSubrange(first...)
                    } else {
                        if let problem { problems[records.count] = problem }
                        records.append(Record(line: line, fields: first..<fields.count))
                    }
                    line += breaks
                    i = end
                }
                consumed = i
            }
        }
        nextLine = line
        carry = atEnd ? [] : Array(bytes[consumed...])
        if carry.count > maxRecordBytes {
            // Nothing after this can be read reliably: if a quote was left open, every
            // later quote is off by one.
            let limit = maxRecordBytes % (1 << 20) == 0 ? "\(maxRecordBytes >> 20) MiB" : "\(maxRecordBytes) bytes"
            let cause: String
            if let quote = dialect.quote, carry.contains(quote) {
                cause =
                    "most likely a quoted field opened on it is never closed "
                    + "(a quote inside a quoted field is written twice, \"\")"
            } else if let cr = carry.firstIndex(of: 0x0D), cr + 1 < carry.count, carry[cr + 1] != 0x0A {
                cause =
                    "its lines end in a carriage return alone (old Mac line ends); convert the file with `tr '\\r' '\\n'`"
            } else {
                // No quote to blame: a field this long is not a CRM value, and no event
                // could hold it.
                cause =
                    "no line break ends it, and no event could hold a record this long; "
                    + "check that this is the file to import"
            }
            problems[records.count] =
                "the record starting on this line runs past \(limit) without ending: \(cause); the rest of the file was not read"
            records.append(Record(line: line, fields: fields.count..<fields.count))
            carry = []
            finished = true
            consumed = bytes.count
        }
        offset += consumed
        return Chunk(bytes: bytes, fields: fields, records: records, problems: problems, fileOffset: min(offset, size))
    }

    private func isBlank(_ b: UnsafeBufferPointer<UInt8>, _ field: Field) -> Bool {
        (field.start..<field.end).allSatisfy { b[$0] == 0x20 || b[$0] == 0x09 }
    }

    /// Reads one record starting at `start`, appending its fields.
    private func scanRecord(_ b: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool, fields: inout [Field])
        -> Step
    {
        let lf: UInt8 = 0x0A
        let cr: UInt8 = 0x0D
        let n = b.count
        let whitespace = dialect.delimiter == .whitespace
        let delimiter: UInt8 = if case .character(let c) = dialect.delimiter { c } else { 0x20 }
        @inline(__always) func isSpace(_ i: Int) -> Bool { b[i] == 0x20 || b[i] == 0x09 }
        /// Whether the byte at `j` ends an unquoted field.
        @inline(__always) func endsField(_ j: Int) -> Bool {
            let c = b[j]
            if c == lf { return true }
            if c == cr { return j + 1 == n || b[j + 1] == lf }
            return whitespace ? c == 0x20 || c == 0x09 : c == delimiter
        }

        var i = start
        var breaks = 0
        var problem: String?
        if whitespace { while i < n, isSpace(i) { i += 1 } }
        if i == n { return atEnd ? .blank(end: n) : .incomplete }
        if b[i] == lf { return .blank(end: i + 1) }
        if b[i] == cr {
            if i + 1 == n && !atEnd { return .incomplete }
            if i + 1 == n { return .blank(end: n) }
            if b[i + 1] == lf { return .blank(end: i + 2) }
        }
        while true {
            if let quote = dialect.quote, i < n, b[i] == quote {
                // A quoted field: up to the quote that is not doubled.
                var j = i + 1
                var doubled = false
                while true {
                    if j == n {
                        if !atEnd { return .incomplete }
                        fields.append(Field(start: i + 1, end: n, hasDoubledQuotes: doubled))
                        return .record(
                            end: n, breaks: breaks,
                            problem:
                                "a quoted field opened on this line is never closed; a quote inside a quoted field is written twice (\"\")"
                        )
                    }
                    if b[j] == quote {
                        if j + 1 == n && !atEnd { return .incomplete }  // the next read may bring a second quote
                        if j + 1 < n && b[j + 1] == quote {
                            doubled = true
                            j += 2
                            continue
                        }
                        break
                    }
                    if b[j] == lf { breaks += 1 }
                    j += 1
                }
                fields.append(Field(start: i + 1, end: j, hasDoubledQuotes: doubled))
                i = j + 1
                if i < n, !endsField(i) {
                    problem =
                        problem
                        ?? "text after the closing quote of a quoted field; a quote inside a quoted field is written twice (\"\")"
                    while i < n, !endsField(i) { i += 1 }
                }
            } else {
                var j = i
                while j < n, !endsField(j) { j += 1 }
                fields.append(Field(start: i, end: j, hasDoubledQuotes: false))
                i = j
            }
            // After a field: a delimiter, the end of the line, or the end of the bytes.
            if whitespace { while i < n, isSpace(i) { i += 1 } }
            if i == n { return atEnd ? .record(end: n, breaks: breaks, problem: problem) : .incomplete }
            if b[i] == lf { return .record(end: i + 1, breaks: breaks + 1, problem: problem) }
            if b[i] == cr {
                if i + 1 == n { return atEnd ? .record(end: n, breaks: breaks, problem: problem) : .incomplete }
                if b[i + 1] == lf { return .record(end: i + 2, breaks: breaks + 1, problem: problem) }
            }
            if !whitespace, b[i] == delimiter {
                i += 1
                if i == n {
                    if !atEnd { return .incomplete }
                    fields.append(Field(start: n, end: n, hasDoubledQuotes: false))
                    return .record(end: n, breaks: breaks, problem: problem)
                }
            }
        }
    }
}
