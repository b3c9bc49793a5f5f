/// What a file's first bytes say it is, when they say it is not UTF-8 text: a compressed
/// file, a zip archive, UTF-16 text, or binary data. Both importers name such a file
/// for what it is, once, instead of reporting its bytes line by line or row by row; each
/// gives its own advice.
enum FileSignature: Equatable {
    /// Compressed by `format`; `unpack` writes what it holds to standard output.
    case compressed(format: String, unpack: String)
    /// A zip archive (an `.xlsx` workbook is one).
    case zip
    /// UTF-16 text with its byte-order mark.
    case utf16
    /// A NUL byte where text would start: binary data, or UTF-16 without a byte-order
    /// mark ("{" is 7B 00 or 00 7B). UTF-8 text never holds one there.
    case nul

    /// `nil` when `start` (a file's first bytes, 8 are enough) is not one of these.
    init?(start: some Collection<UInt8>) {
        let compressors: [(magic: [UInt8], format: String, unpack: String)] = [
            ([0x1F, 0x8B], "gzip", "gzip -dc"),
            ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "zstd -dc"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "xz -dc"),
            (Array("BZh".utf8), "bzip2", "bzip2 -dc"),
        ]
        for compressor in compressors where start.starts(with: compressor.magic) {
            // "BZh" is followed by the block size, a digit from 1 to 9.
            if compressor.format == "bzip2", start.dropFirst(3).first.map({ !(0x31...0x39).contains($0) }) ?? true { continue }
            self = .compressed(format: compressor.format, unpack: compressor.unpack)
            return
        }
        if start.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            self = .zip
        } else if start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF]) {
            self = .utf16
        } else if start.prefix(2).contains(0) {
            self = .nul
        } else {
            return nil
        }
    }
}

extension TextFile {
    /// What a file's first bytes say it is when it is not UTF-8 text, in words for a
    /// message ("compressed with gzip (`gzip -dc FILE` unpacks it)", "a zip archive",
    /// "UTF-16 text", "binary data"); `nil` when they say nothing of the kind.
    public static func notText(start: some Collection<UInt8>, file: String) -> String? {
        switch FileSignature(start: start) {
        case .compressed(let format, let unpack)?: "compressed with \(format) (`\(unpack) \(MessageText.shellPath(file))` unpacks it)"
        case .zip?: "a zip archive (`unzip -p \(MessageText.shellPath(file))` gives what it holds)"
        case .utf16?: "UTF-16 text (`iconv -f UTF-16 -t UTF-8 \(MessageText.shellPath(file))` converts it)"
        case .nul?: "binary data, or UTF-16 text without a byte-order mark"
        case nil: nil
        }
    }
}

/// How the importers advise importing a file that is compressed, zipped or UTF-16: by
/// piping what it holds into a command that reads standard input, with no unpacked copy
/// on disk.
public struct StandardInputAdvice: Sendable {
    /// The command that reads standard input (`ledgerline import -`). The CLI gives the
    /// one that ran, with the `--data` it was given (and `--mapping`, `--dry-run`), so
    /// that the advice imports into the same store.
    public var command: String
    /// Whether the file is standard input: the unpacking step then goes in the pipe.
    public var readsStandardInput: Bool

    public init(command: String, readsStandardInput: Bool = false) {
        self.command = command
        self.readsStandardInput = readsStandardInput
    }

    /// What the advice calls the input: "the file" or "standard input".
    var subject: String { readsStandardInput ? "standard input" : "the file" }

    /// The command (in backquotes) feeding what `file` (as the user named it) holds to
    /// ``command`` through `tool`: `gzip -dc 'my file.gz' | ledgerline import -`, the name
    /// quoted for the shell and written `./-name` when it starts with `-` (which the tool
    /// would take for an option); for standard input, `tool` put in the pipe.
    func pipe(_ tool: String, file: String) -> String {
        guard !readsStandardInput else { return "`… | \(tool) | \(command)`" }
        return "`\(tool) \(MessageText.shellPath(file)) | \(command)`"
    }

    /// ``pipe(_:file:)`` for a zip archive, which unzip reads from a file, never a pipe.
    func unzipPipe(file: String) -> String {
        readsStandardInput ? "`unzip -p FILE | \(command)` after saving it as FILE" : pipe("unzip -p", file: file)
    }
}
