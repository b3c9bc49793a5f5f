import Crypto
import JSON
#if canImport(Glibc)
import Glibc
#endif

/// The binary record format of an event in the `events` database, format version 1.
///
/// A record is a fixed 100-byte header, the variable-length fields, then the 32-byte
/// hash. Integers are little-endian, ids big-endian (their textual byte order):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | record format (1) |
/// | 1 | 1 | flags: bit 0 actor, bit 1 correlationId, bit 2 causationId present |
/// | 2 | 2 | stream length |
/// | 4 | 2 | type length |
/// | 6 | 2 | actor length |
/// | 8 | 4 | schemaVersion |
/// | 12 | 4 | metadata length |
/// | 16 | 4 | payload length |
/// | 20 | 8 | seq |
/// | 28 | 8 | version |
/// | 36 | 16 | id |
/// | 52 | 8 | occurredAt, µs since the Unix epoch |
/// | 60 | 8 | recordedAt, µs since the Unix epoch |
/// | 68 | 16 | correlationId (zero when absent) |
/// | 84 | 16 | causationId (zero when absent) |
/// | 100 | … | stream, type, actor (UTF-8), metadata (canonical JSON object of strings, empty when none), payload (canonical JSON) |
/// | end − 32 | 32 | hash = SHA-256(previous hash ‖ every byte before the hash) |
///
/// The bytes before the hash are the event's *canonical bytes*: the hash chain covers
/// every field, including its position, so moving, editing or dropping a record breaks
/// the chain at that position.
enum EventRecord {
    static let format: UInt8 = 1
    static let headerSize = 100
    static let hashSize = 32

    /// Size of the record `event` becomes, hash included.
    static func size(of event: ProposedEvent, metadata: [UInt8]) -> Int {
        headerSize + event.stream.rawValue.utf8.count + event.type.rawValue.utf8.count
            + (event.actor?.utf8.count ?? 0) + metadata.count + event.payload.count + hashSize
    }

    /// The canonical JSON of a metadata map; empty for an empty map.
    static func encodeMetadata(_ metadata: [String: String]) -> [UInt8] {
        guard !metadata.isEmpty else { return [] }
        return JSONWriter.canonicalBytes(.object(JSONObject(metadata.mapValues { JSONValue.string($0) })))
    }

    /// The canonical JSON of `event`'s metadata, encoded once where the event carries it.
    static func encodeMetadata(of event: ProposedEvent) -> [UInt8] {
        event.encodedMetadata ?? encodeMetadata(event.metadata)
    }

    /// Appends `event`'s record template to `buffer`: the whole record with its position,
    /// version and hash zero, `recordedAt` zero unless given (a restore), and
    /// `occurredAt` zero unless given. ``seal(_:position:version:recordedAt:previous:)``
    /// fills them in.
    static func appendTemplate(_ event: ProposedEvent, id: EventID, schemaVersion: Int, to buffer: inout [UInt8]) {
        let metadata = encodeMetadata(of: event)
        let start = buffer.count
        let total = size(of: event, metadata: metadata)
        buffer.append(contentsOf: repeatElement(0, count: total))
        buffer.withUnsafeMutableBytes { whole in
            let out = UnsafeMutableRawBufferPointer(rebasing: whole[start..<(start + total)])
            var flags: UInt8 = 0
            if event.actor != nil { flags |= 1 }
            if event.correlationId != nil { flags |= 2 }
            if event.causationId != nil { flags |= 4 }
            out[0] = format
            out[1] = flags
            var streamName = event.stream.rawValue
            var typeName = event.type.rawValue
            var actor = event.actor ?? ""
            out.storeBytes(of: UInt16(streamName.utf8.count).littleEndian, toByteOffset: 2, as: UInt16.self)
            out.storeBytes(of: UInt16(typeName.utf8.count).littleEndian, toByteOffset: 4, as: UInt16.self)
            out.storeBytes(of: UInt16(actor.utf8.count).littleEndian, toByteOffset: 6, as: UInt16.self)
            out.storeBytes(of: UInt32(schemaVersion).littleEndian, toByteOffset: 8, as: UInt32.self)
            out.storeBytes(of: UInt32(metadata.count).littleEndian, toByteOffset: 12, as: UInt32.self)
            out.storeBytes(of: UInt32(event.payload.count).littleEndian, toByteOffset: 16, as: UInt32.self)
            id.store(to: out, at: 36)
            out.storeBytes(of: (event.occurredAt?.rawValue ?? 0).littleEndian, toByteOffset: 52, as: Int64.self)
            out.storeBytes(of: (event.recordedAt?.rawValue ?? 0).littleEndian, toByteOffset: 60, as: Int64.self)
            if let c = event.correlationId { c.store(to: out, at: 68) }
            if let c = event.causationId { c.store(to: out, at: 84) }
            var offset = headerSize
            func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard !bytes.isEmpty else { return }
                UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + bytes.count)]).copyMemory(from: UnsafeRawBufferPointer(bytes))
                offset += bytes.count
            }
            streamName.withUTF8(copy)
            typeName.withUTF8(copy)
            actor.withUTF8(copy)
            metadata.withUnsafeBufferPointer(copy)
            event.payload.withUnsafeBufferPointer(copy)
        }
    }

    /// Fills in a template's position, version and times, then hashes it onto the chain
    /// and writes the hash. Returns the new hash.
    @inline(__always)
    static func seal(
        _ record: UnsafeMutableRawBufferPointer, position: LogPosition, version: StreamVersion, recordedAt: Timestamp,
        given: PreparedBatch.Given, previous: EventHash
    ) -> EventHash {
        record.storeBytes(of: position.rawValue.littleEndian, toByteOffset: 20, as: UInt64.self)
        record.storeBytes(of: version.rawValue.littleEndian, toByteOffset: 28, as: UInt64.self)
        if !given.contains(.recordedAt) { record.storeBytes(of: recordedAt.rawValue.littleEndian, toByteOffset: 60, as: Int64.self) }
        let stamp = Int64(littleEndian: record.loadUnaligned(fromByteOffset: 60, as: Int64.self))
        if !given.contains(.occurredAt) { record.storeBytes(of: stamp.littleEndian, toByteOffset: 52, as: Int64.self) }
        let bodyLength = record.count - hashSize
        let hash = chainHash(previous: previous, body: UnsafeRawBufferPointer(rebasing: record[0..<bodyLength]))
        hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: record[bodyLength...]).copyMemory(from: $0) }
        return hash
    }

    /// SHA-256(previous ‖ body).
    @inline(__always)
    static func chainHash(previous: EventHash, body: UnsafeRawBufferPointer) -> EventHash {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: body)
        return hasher.finalize().withUnsafeBytes { EventHash(raw: $0) }
    }

    // MARK: - Reading

    /// Why `record` is not a well-formed record, or `nil`. Never reads out of bounds.
    static func structuralProblem(_ record: UnsafeRawBufferPointer) -> String? {
        guard record.count >= headerSize + hashSize else { return "record is \(record.count) bytes, shorter than the header" }
        guard record[0] == format else { return "record format \(record[0]) is not \(format)" }
        let variable = Int(u16(record, 2)) + Int(u16(record, 4)) + Int(u16(record, 6)) + Int(u32(record, 12)) + Int(u32(record, 16))
        guard headerSize + variable + hashSize == record.count else {
            return "record length \(record.count) does not match its field lengths (\(headerSize + variable + hashSize))"
        }
        return nil
    }

    @inline(__always) static func u16(_ r: UnsafeRawBufferPointer, _ o: Int) -> UInt16 { UInt16(littleEndian: r.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
    @inline(__always) static func u32(_ r: UnsafeRawBufferPointer, _ o: Int) -> UInt32 { UInt32(littleEndian: r.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
    @inline(__always) static func u64(_ r: UnsafeRawBufferPointer, _ o: Int) -> UInt64 { UInt64(littleEndian: r.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
    @inline(__always) static func i64(_ r: UnsafeRawBufferPointer, _ o: Int) -> Int64 { Int64(littleEndian: r.loadUnaligned(fromByteOffset: o, as: Int64.self)) }

    static func position(_ r: UnsafeRawBufferPointer) -> LogPosition { LogPosition(u64(r, 20)) }
    static func version(_ r: UnsafeRawBufferPointer) -> StreamVersion { StreamVersion(u64(r, 28)) }
    static func id(_ r: UnsafeRawBufferPointer) -> EventID { EventID(bytes: UnsafeRawBufferPointer(rebasing: r[36..<52])) }
    static func hash(_ r: UnsafeRawBufferPointer) -> EventHash { EventHash(raw: UnsafeRawBufferPointer(rebasing: r[(r.count - hashSize)...])) }
    static func body(_ r: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: r[0..<(r.count - hashSize)]) }

    /// Decodes a record that passed ``structuralProblem(_:)``.
    static func decode(_ r: UnsafeRawBufferPointer) -> RecordedEvent {
        var strings = RecordStrings()
        return decode(r, strings: &strings)
    }

    /// Decodes a record that passed ``structuralProblem(_:)``, reusing the type and actor
    /// strings of earlier records decoded with the same `strings`.
    static func decode(_ r: UnsafeRawBufferPointer, strings: inout RecordStrings) -> RecordedEvent {
        let flags = r[1]
        let streamLength = Int(u16(r, 2))
        let typeLength = Int(u16(r, 4))
        let actorLength = Int(u16(r, 6))
        let metadataLength = Int(u32(r, 12))
        let payloadLength = Int(u32(r, 16))
        var offset = headerSize
        func string(_ length: Int) -> String {
            defer { offset += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: r[offset..<(offset + length)]), as: UTF8.self)
        }
        let stream = string(streamLength)
        let type = strings.string(UnsafeRawBufferPointer(rebasing: r[offset..<(offset + typeLength)]))
        offset += typeLength
        let actor = strings.string(UnsafeRawBufferPointer(rebasing: r[offset..<(offset + actorLength)]))
        offset += actorLength
        let metadata = Array(UnsafeRawBufferPointer(rebasing: r[offset..<(offset + metadataLength)]))
        offset += metadataLength
        let payload = Array(UnsafeRawBufferPointer(rebasing: r[offset..<(offset + payloadLength)]))
        return RecordedEvent(
            position: LogPosition(u64(r, 20)),
            id: id(r),
            stream: StreamName(unchecked: stream),
            version: StreamVersion(u64(r, 28)),
            type: EventType(unchecked: type),
            schemaVersion: Int(u32(r, 8)),
            occurredAt: Timestamp(rawValue: i64(r, 52)),
            recordedAt: Timestamp(rawValue: i64(r, 60)),
            actor: flags & 1 != 0 ? actor : nil,
            correlationId: flags & 2 != 0 ? EventID(bytes: UnsafeRawBufferPointer(rebasing: r[68..<84])) : nil,
            causationId: flags & 4 != 0 ? EventID(bytes: UnsafeRawBufferPointer(rebasing: r[84..<100])) : nil,
            metadataJSON: metadata,
            payload: payload,
            hash: hash(r))
    }

    /// Whether a stored record holds the same event as a template: the same stream,
    /// type and payload bytes, and the same value for every optional field the template's
    /// client set.
    static func matches(stored r: UnsafeRawBufferPointer, template t: UnsafeRawBufferPointer, given: PreparedBatch.Given) -> Bool {
        guard structuralProblem(r) == nil else { return false }
        // stream, type and payload: compare the variable part minus actor and metadata.
        let rs = Int(u16(r, 2)), ts = Int(u16(t, 2))
        let rt = Int(u16(r, 4)), tt = Int(u16(t, 4))
        let ra = Int(u16(r, 6)), ta = Int(u16(t, 6))
        let rm = Int(u32(r, 12)), tm = Int(u32(t, 12))
        let rp = Int(u32(r, 16)), tp = Int(u32(t, 16))
        guard rs == ts, rt == tt, rp == tp else { return false }
        func same(_ a: Int, _ b: Int, _ n: Int) -> Bool {
            n == 0 || memcmp(r.baseAddress! + a, t.baseAddress! + b, n) == 0
        }
        guard same(headerSize, headerSize, rs + rt) else { return false }
        let rPayload = headerSize + rs + rt + ra + rm
        let tPayload = headerSize + ts + tt + ta + tm
        guard same(rPayload, tPayload, rp) else { return false }
        if given.contains(.schemaVersion), u32(r, 8) != u32(t, 8) { return false }
        if given.contains(.occurredAt), i64(r, 52) != i64(t, 52) { return false }
        if given.contains(.actor), ra != ta || !same(headerSize + rs + rt, headerSize + ts + tt, ra) || r[1] & 1 == 0 { return false }
        if given.contains(.correlationId), r[1] & 2 == 0 || !same(68, 68, 16) { return false }
        if given.contains(.causationId), r[1] & 4 == 0 || !same(84, 84, 16) { return false }
        if given.contains(.metadata), rm != tm || !same(headerSize + rs + rt + ra, headerSize + ts + tt + ta, rm) { return false }
        return true
    }
}

/// The few distinct strings that recur across records — event types and actors — made
/// once per read rather than once per event.
struct RecordStrings {
    private var keys: [[UInt8]] = []
    private var values: [String] = []
    private static let capacity = 32

    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        for (i, key) in keys.enumerated() where key.count == bytes.count {
            let same = key.withUnsafeBytes { bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            if same { return values[i] }
        }
        let made = String(decoding: bytes, as: UTF8.self)
        if keys.count < Self.capacity {
            keys.append(Array(bytes))
            values.append(made)
        }
        return made
    }
}
