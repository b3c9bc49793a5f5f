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
        var padding: UInt8 = 0
    }

    /// One block read back: a batch ready for the writer, with each event's line and
    /// what its export line claimed.
    struct Block {
        var batch: PreparedBatch
        var lines: [Int]
        var restores: [ImportLine.Restore]
    }

    static let magic: UInt32 = 0x4C4C_5331

    /// Builds a block from parsed lines.
    struct Builder {
        var batch = PreparedBatch()
        var entries: [Entry] = []

        var isEmpty: Bool { entries.isEmpty }

        mutating func add(_ parsed: ImportLine.Parsed, line: Int) {
            let id = parsed.event.id ?? EventID.generate()
            batch.append(parsed.event, id: id, schemaVersion: parsed.event.schemaVersion ?? 1)
            let event = batch.events[batch.events.count - 1]
            var entry = Entry()
            entry.offset = UInt32(event.offset)
            entry.length = UInt32(event.length)
            entry.line = UInt64(line)
            entry.given = event.given.rawValue
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

        /// The block's bytes.
        func serialized() -> Data {
            var data = Data()
            var header = (magic, UInt32(entries.count), UInt64(batch.bytes.count))
            withUnsafeBytes(of: &header) { data.append(contentsOf: $0) }
            entries.withUnsafeBytes { data.append(contentsOf: $0) }
            data.append(contentsOf: batch.bytes)
            return data
        }
    }

    /// Reads blocks back in order.
    struct Reader {
        let handle: FileHandle

        init(url: URL) throws { handle = try FileHandle(forReadingFrom: url) }

        func close() { try? handle.close() }

        mutating func next() throws -> Block? {
            let headerSize = MemoryLayout<(UInt32, UInt32, UInt64)>.size
            guard let header = try handle.read(upToCount: headerSize), header.count == headerSize else { return nil }
            let (magic, count, byteCount) = header.withUnsafeBytes { $0.loadUnaligned(as: (UInt32, UInt32, UInt64).self) }
            guard magic == ImportSpool.magic else { throw EventLogError(.storage, "the import's scratch file is damaged; run the import again") }
            let entryBytes = Int(count) * MemoryLayout<Entry>.stride
            let entryData = try handle.read(upToCount: entryBytes) ?? Data()
            let bytes = try handle.read(upToCount: Int(byteCount)) ?? Data()
            guard entryData.count == entryBytes, bytes.count == Int(byteCount) else {
                throw EventLogError(.storage, "the import's scratch file ends early; run the import again")
            }
            var batch = PreparedBatch()
            batch.bytes = [UInt8](bytes)
            var lines: [Int] = []
            var restores: [ImportLine.Restore] = []
            lines.reserveCapacity(Int(count))
            batch.events.reserveCapacity(Int(count))
            entryData.withUnsafeBytes { raw in
                let entries = raw.bindMemory(to: Entry.self)
                batch.bytes.withUnsafeBytes { templates in
                    for entry in entries {
                        let template = UnsafeRawBufferPointer(rebasing: templates[Int(entry.offset)..<Int(entry.offset + entry.length)])
                        let streamLength = Int(EventRecord.u16(template, 2))
                        let typeLength = Int(EventRecord.u16(template, 4))
                        let h = EventRecord.headerSize
                        let expected: ExpectedVersion =
                            entry.expectedKind == 0 ? .any : entry.expectedKind == 1 ? .noStream : .exact(StreamVersion(entry.expectedValue))
                        batch.events.append(
                            PreparedBatch.Event(
                                offset: Int(entry.offset), length: Int(entry.length), id: EventRecord.id(template),
                                stream: StreamName(unchecked: String(decoding: UnsafeRawBufferPointer(rebasing: template[h..<(h + streamLength)]), as: UTF8.self)),
                                type: EventType(unchecked: String(decoding: UnsafeRawBufferPointer(rebasing: template[(h + streamLength)..<(h + streamLength + typeLength)]), as: UTF8.self)),
                                expectedVersion: expected, given: PreparedBatch.Given(rawValue: entry.given)))
                        lines.append(Int(entry.line))
                        var restore = ImportLine.Restore()
                        if entry.restoreFlags & 1 != 0 { restore.position = LogPosition(entry.restoreSeq) }
                        if entry.restoreFlags & 2 != 0 { restore.version = StreamVersion(entry.restoreVersion) }
                        if entry.restoreFlags & 4 != 0 {
                            var hash = [UInt8](repeating: 0, count: 32)
                            hash.withUnsafeMutableBytes { out in
                                out.storeBytes(of: entry.restoreHash.0, toByteOffset: 0, as: UInt64.self)
                                out.storeBytes(of: entry.restoreHash.1, toByteOffset: 8, as: UInt64.self)
                                out.storeBytes(of: entry.restoreHash.2, toByteOffset: 16, as: UInt64.self)
                                out.storeBytes(of: entry.restoreHash.3, toByteOffset: 24, as: UInt64.self)
                            }
                            restore.hash = EventHash(bytes: hash)
                        }
                        restores.append(restore)
                    }
                }
            }
            return Block(batch: batch, lines: lines, restores: restores)
        }
    }
}
