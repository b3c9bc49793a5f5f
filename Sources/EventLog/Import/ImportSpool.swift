import Foundation

/// The check pass's output: every line of an import, parsed, validated and encoded
/// as a record template, written to a scratch file so the append pass never parses
/// again. Internal to one import run; the layout is this process's own.
///
/// A block is `magic, count, byte length`, then `count` fixed-size entries, then the
/// templates back to back.
struct ImportSpool {
    struct Entry {
        var offset: UInt32 = 0
        var length: UInt32 = 0
        var line: UInt64 = 0
        var expectedValue: UInt64 = 0
        var restoreSeq: UInt64 = 0
        var restoreVersion: UInt64 = 0
        var restoreHash: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var expectedKind: UInt8 = 0
        var given: UInt8 = 0
        var restoreFlags: UInt8 = 0
        /// ``derivedID`` when the line gives no id, so its event has one derived from the
        /// line (see ``ImportLine/derivedID(_:lineNumber:)``).
        var flags: UInt8 = 0

        static let derivedID: UInt8 = 1
    }

    /// One block read back: a batch ready for the writer (an export line's `seq`,
    /// `version` and `hash` ride on its event, for the planner to check), with each
    /// event's line.
    struct Block {
        var batch: PreparedBatch
        var lines: [Int]
    }

    static let magic: UInt32 = 0x4C4C_5331

    /// Builds a block from parsed lines.
    struct Builder {
        var batch = PreparedBatch()
        var entries: [Entry] = []

        var isEmpty: Bool { entries.isEmpty }

        /// Makes room for `lines` lines of `bytes` bytes in all.
        mutating func reserve(lines: Int, bytes: Int) {
            entries.reserveCapacity(lines)
            batch.events.reserveCapacity(lines)
            batch.bytes.reserveCapacity(bytes + lines * (EventRecord.headerSize + 64))
        }

        mutating func add(_ parsed: ImportLine.Parsed, line: Int) {
            let id = parsed.event.id ?? EventID.generate()
            batch.append(parsed.event, id: id, schemaVersion: parsed.event.schemaVersion ?? 1)
            let event = batch.events[batch.events.count - 1]
            var entry = Entry()
            entry.offset = UInt32(event.offset)
            entry.length = UInt32(event.length)
            entry.line = UInt64(line)
            entry.given = event.given.rawValue
            if !parsed.givesID { entry.flags |= Entry.derivedID }
            switch event.expectedVersion {
            case .any: entry.expectedKind = 0
            case .noStream: entry.expectedKind = 1
            case .exact(let v):
                entry.expectedKind = 2
                entry.expectedValue = v.rawValue
            }
            if let seq = parsed.restore.position {
                entry.restoreFlags |= 1
                entry.restoreSeq = seq.rawValue
            }
            if let version = parsed.restore.version {
                entry.restoreFlags |= 2
                entry.restoreVersion = version.rawValue
            }
            if let hash = parsed.restore.hash {
                entry.restoreFlags |= 4
                hash.bytes.withUnsafeBytes { raw in
                    entry.restoreHash = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                                         raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
                }
            }
            entries.append(entry)
        }

        /// Writes the block to `file`, straight from its arrays (a block holds megabytes;
        /// gathering it into one buffer first would copy all of them once more).
        func write(to file: FileHandle) throws {
            let fd = file.fileDescriptor
            var header = (magic, UInt32(entries.count), UInt64(batch.bytes.count))
            try withUnsafeBytes(of: &header) { try FileIO.write(fd, $0) }
            try entries.withUnsafeBytes { try FileIO.write(fd, $0) }
            try batch.bytes.withUnsafeBytes { try FileIO.write(fd, $0) }
        }
    }

    /// Reads blocks back in order, straight into the batch being filled.
    struct Reader {
        let handle: FileHandle
        /// The entries of the block being read; kept from block to block.
        private var entries: [Entry] = []
        /// The header of the next block, once ``peek()`` has read it.
        private var peeked: (events: Int, bytes: Int)?

        init(url: URL) throws { handle = try FileHandle(forReadingFrom: url) }

        func close() { try? handle.close() }

        /// The size of the next block — its events and their templates' bytes — without
        /// reading it, so a caller can decide where it goes first; `nil` at the end of
        /// the spool. Reads only the block's header.
        mutating func peek() throws -> (events: Int, bytes: Int)? {
            if let peeked { return peeked }
            var header: (UInt32, UInt32, UInt64) = (0, 0, 0)
            let headerRead = try withUnsafeMutableBytes(of: &header) { try Self.readFully(handle.fileDescriptor, into: $0) }
            guard headerRead == MemoryLayout.size(ofValue: header) else {
                if headerRead == 0 { return nil }
                throw EventLogError(.storage, "the import's scratch file ends early; run the import again")
            }
            let (magic, count, byteCount) = header
            guard magic == ImportSpool.magic else { throw EventLogError(.storage, "the import's scratch file is damaged; run the import again") }
            peeked = (Int(count), Int(byteCount))
            return peeked
        }

        /// Whether event `index` of the block read last has the id derived from its line
        /// (the line gives none).
        func derivesID(_ index: Int) -> Bool { entries[index].flags & Entry.derivedID != 0 }

        /// Appends the next block's events (and their lines and export claims) to
        /// `block`; `false` at the end of the spool. The templates are read from the file
        /// into the end of the batch's bytes, so they are copied once, not through a
        /// buffer of their own.
        mutating func next(appendingTo block: inout Block) throws -> Bool {
            let fd = handle.fileDescriptor
            guard let (count, byteCount) = try peek() else { return false }
            peeked = nil
            entries.removeAll(keepingCapacity: true)
            entries.append(contentsOf: repeatElement(Entry(), count: count))
            let entryBytes = try entries.withUnsafeMutableBytes { try Self.readFully(fd, into: $0) }
            let shift = block.batch.bytes.count
            block.batch.bytes.append(contentsOf: repeatElement(0, count: byteCount))
            let templateBytes: Int
            do {
                templateBytes = try block.batch.bytes.withUnsafeMutableBytes { try Self.readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[shift...])) }
            } catch {
                block.batch.bytes.removeSubrange(shift...)
                throw error
            }
            guard entryBytes == count * MemoryLayout<Entry>.stride, templateBytes == byteCount else {
                block.batch.bytes.removeSubrange(shift...)
                throw EventLogError(.storage, "the import's scratch file ends early; run the import again")
            }
            block.batch.bytes.withUnsafeBytes { all in
                let templates = UnsafeRawBufferPointer(rebasing: all[shift...])
                for entry in entries {
                    let template = UnsafeRawBufferPointer(rebasing: templates[Int(entry.offset)..<Int(entry.offset + entry.length)])
                    let streamLength = Int(EventRecord.u16(template, 2))
                    let typeLength = Int(EventRecord.u16(template, 4))
                    let h = EventRecord.headerSize
                    let expected: ExpectedVersion =
                        entry.expectedKind == 0 ? .any : entry.expectedKind == 1 ? .noStream : .exact(StreamVersion(entry.expectedValue))
                    var event = PreparedBatch.Event(
                        offset: shift + Int(entry.offset), length: Int(entry.length), id: EventRecord.id(template),
                        stream: StreamName(unchecked: String(decoding: UnsafeRawBufferPointer(rebasing: template[h..<(h + streamLength)]), as: UTF8.self)),
                        type: EventType(unchecked: String(decoding: UnsafeRawBufferPointer(rebasing: template[(h + streamLength)..<(h + streamLength + typeLength)]), as: UTF8.self)),
                        expectedVersion: expected, given: PreparedBatch.Given(rawValue: entry.given))
                    block.lines.append(Int(entry.line))
                    if entry.restoreFlags & 1 != 0 { event.claimedPosition = entry.restoreSeq }
                    if entry.restoreFlags & 2 != 0 { event.claimedVersion = entry.restoreVersion }
                    if entry.restoreFlags & 4 != 0 {
                        var hash = [UInt8](repeating: 0, count: 32)
                        hash.withUnsafeMutableBytes { out in
                            out.storeBytes(of: entry.restoreHash.0, toByteOffset: 0, as: UInt64.self)
                            out.storeBytes(of: entry.restoreHash.1, toByteOffset: 8, as: UInt64.self)
                            out.storeBytes(of: entry.restoreHash.2, toByteOffset: 16, as: UInt64.self)
                            out.storeBytes(of: entry.restoreHash.3, toByteOffset: 24, as: UInt64.self)
                        }
                        event.claimedHash = EventHash(bytes: hash)
                    }
                    block.batch.events.append(event)
                }
            }
            return true
        }

        /// Fills `buffer` from the file; the bytes read, fewer only at the end of the file.
        private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            do {
                return try FileIO.read(fd, into: buffer)
            } catch {
                throw EventLogError(.storage, "cannot read the import's scratch file: \(error)")
            }
        }
    }
}
