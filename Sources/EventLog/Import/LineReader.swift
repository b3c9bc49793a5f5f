import Foundation

/// Reads a file in large chunks and hands out whole lines with their line numbers.
///
/// Memory stays bounded by the chunk size (plus the longest line), whatever the size
/// of the file. A final line without a newline is still a line; a trailing `\r` is
/// dropped, and so is a UTF-8 byte order mark before the first line (RFC 8259 lets a
/// parser ignore one), so files written on Windows read the same.
struct LineReader {
    struct Chunk {
        /// The bytes of whole lines, newlines included.
        var bytes: [UInt8]
        /// (line number, start, end) of each line in ``bytes``, end excluding the newline.
        var lines: [(number: Int, start: Int, end: Int)]
        /// Bytes of the file consumed up to the end of this chunk.
        var fileOffset: Int
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private var carry: [UInt8] = []
    private var nextLine = 1
    private var offset = 0
    private var finished = false
    /// The file's size when it was opened.
    let size: Int

    init(url: URL, chunkSize: Int = 4 << 20) throws {
        handle = try FileHandle(forReadingFrom: url)
        size = Int((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0)
        self.chunkSize = chunkSize
    }

    func close() { try? handle.close() }

    /// The next chunk of whole lines, or `nil` at the end of the file.
    mutating func next() throws -> Chunk? {
        while !finished {
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            if data.isEmpty {
                finished = true
                if carry.isEmpty { return nil }
                var bytes = carry
                carry = []
                bytes.append(0x0A)
                return split(bytes)
            }
            var bytes = carry
            bytes.append(contentsOf: data)
            guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
                carry = bytes
                continue
            }
            carry = Array(bytes[(lastNewline + 1)...])
            bytes.removeSubrange((lastNewline + 1)...)
            return split(bytes)
        }
        return nil
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
                lines.append((nextLine, start, end))
                nextLine += 1
                start = i + 1
            }
        }
        offset += bytes.count
        return Chunk(bytes: bytes, lines: lines, fileOffset: min(offset, size))
    }
}
