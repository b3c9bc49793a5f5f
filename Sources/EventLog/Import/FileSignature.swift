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

    /// Advice's command (in backquotes) that feeds what a file holds to `command`, which
    /// reads standard input, through `tool`: `gzip -dc 'my file.gz' | ledgerline import -`
    /// for a `file` as the user named it (quoted for the shell, and written `./-name`
    /// when it starts with `-`, which the tool would take for an option), or with `tool`
    /// put in the pipe for standard input (`nil`).
    static func pipe(_ tool: String, file: String?, into command: String) -> String {
        guard let file else { return "`… | \(tool) | \(command)`" }
        return "`\(tool) \(MessageText.shellWord(file.hasPrefix("-") ? "./" + file : file)) | \(command)`"
    }

    /// The advice for a zip archive: unzip reads an archive from a file, never from a pipe.
    static func unzipPipe(file: String?, into command: String) -> String {
        file == nil ? "`unzip -p FILE | \(command)` after saving it as FILE" : pipe("unzip -p", file: file, into: command)
    }
}
