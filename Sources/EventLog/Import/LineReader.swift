import Foundation

/// Reads a file in large chunks and hands out whole lines with their line numbers.
///
/// Memory stays bounded by the chunk size plus ``maxLineBytes``, whatever the size of
/// the file: a longer line (a JSON array given instead of JSON Lines, a file with no
/// newlines) is not kept, only its number, in ``Chunk/overlongLines``.
///
/// A final line without a newline is still a line; a trailing `\r` is dropped, and so
/// is a UTF-8 byte order mark before the first line (RFC 8259 lets a parser ignore
/// one), so files written on Windows read the same.
struct LineReader {
    struct Chunk {
        /// The bytes of whole lines, newlines included.
        var bytes: [UInt8]
        /// (line number, start, end) of each line in ``bytes``, end excluding the newline.
        var lines: [(number: Int, start: Int, end: Int)]
        /// Bytes of the file consumed up to the end of this chunk.
        var fileOffset: Int
        /// Lines before the end of this chunk that were longer than ``maxLineBytes``,
        /// skipped unread.
        var overlongLines: [Int] = []
    }

    /// The longest line kept. An event's record is at most 1 MiB; its line can be
    /// longer (escapes, whitespace), but not by this much without being absurd.
    static let defaultMaxLineBytes = 8 << 20

    private let handle: FileHandle
    private let chunkSize: Int
    private var carry: [UInt8] = []
    private var nextLine = 1
    private var offset = 0
    private var finished = false
    /// Inside a line longer than ``maxLineBytes``: dropping bytes up to its newline.
    private var skipping = false
    private var overlong: [Int] = []
    /// The file's size when it was opened.
    let size: Int
    let maxLineBytes: Int
    /// Says why a file that starts with the given bytes cannot be read as lines at all;
    /// asked once, with the file's first bytes.
    private var refusingStart: (([UInt8]) -> String?)?

    /// A file ``LineReader/init(url:chunkSize:maxLineBytes:refusingStart:)``'s
    /// `refusingStart` refused, with its reason.
    struct RefusedStart: Error {
        var reason: String
    }

    /// - Parameter refusingStart: asked with the first bytes of the file (up to 8)
    ///   before any line is read; a reason it gives is thrown as ``RefusedStart`` by
    ///   ``next()``. A binary file need not then be read to its end (nor, for
    ///   `/dev/zero`, forever) before it is refused.
    init(
        url: URL, chunkSize: Int = 4 << 20, maxLineBytes: Int = LineReader.defaultMaxLineBytes,
        refusingStart: (([UInt8]) -> String?)? = nil
    ) throws {
        handle = try FileHandle(forReadingFrom: url)
        size = Int((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0)
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        self.refusingStart = refusingStart
    }

    func close() { try? handle.close() }

    /// The next chunk of whole lines, or `nil` at the end of the file.
    mutating func next() throws -> Chunk? {
        while !finished {
            var data = try handle.read(upToCount: chunkSize) ?? Data()
            if let refuse = refusingStart {
                refusingStart = nil
                if let reason = refuse(Array(data.prefix(8))) { throw RefusedStart(reason: reason) }
            }
            if skipping, !data.isEmpty {
                offset += data.count
                let newline = data.withUnsafeBytes { raw in
                    memchr(raw.baseAddress!, 0x0A, raw.count).map { raw.baseAddress!.distance(to: UnsafeRawPointer($0)) }
                }
                guard let newline else { continue }
                endOverlongLine()
                offset -= data.count - (newline + 1)
                data = data.subdata(in: (data.startIndex + newline + 1)..<data.endIndex)
                if data.isEmpty { continue }
            }
            if data.isEmpty {
                finished = true
                if skipping { endOverlongLine() }
                if carry.isEmpty {
                    return overlong.isEmpty ? nil : Chunk(bytes: [], lines: [], fileOffset: min(offset, size), overlongLines: overlong.take())
                }
                var bytes = carry
                carry = []
                bytes.append(0x0A)
                return split(bytes)
            }
            var bytes = carry
            bytes.append(contentsOf: data)
            guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
                if bytes.count > maxLineBytes {
                    // Not kept: the rest of the line is dropped as it is read.
                    skipping = true
                    offset += bytes.count
                    carry = []
                } else {
                    carry = bytes
                }
                continue
            }
            carry = Array(bytes[(lastNewline + 1)...])
            bytes.removeSubrange((lastNewline + 1)...)
            return split(bytes)
        }
        return nil
    }

    /// The line being skipped has ended: it is the next line number, reported.
    private mutating func endOverlongLine() {
        skipping = false
        overlong.append(nextLine)
        nextLine += 1
    }

    private mutating func split(_ bytes: [UInt8]) -> Chunk {
        var lines: [(number: Int, start: Int, end: Int)] = []
        lines.reserveCapacity(bytes.count / 256)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            if offset == 0 && buffer.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
            // memchr finds each newline a vector at a time.
            while start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                let i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var end = i
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                if end - start > maxLineBytes {
                    overlong.append(nextLine)
                } else {
                    lines.append((nextLine, start, end))
                }
                nextLine += 1
                start = i + 1
            }
        }
        offset += bytes.count
        return Chunk(bytes: bytes, lines: lines, fileOffset: min(offset, size), overlongLines: overlong.take())
    }
}

extension Array {
    /// The elements, leaving the array empty.
    fileprivate mutating func take() -> [Element] {
        defer { removeAll() }
        return self
    }
}
