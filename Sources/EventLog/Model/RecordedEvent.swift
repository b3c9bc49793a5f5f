import JSON

/// An event as the log stores it: the envelope of DESIGN.md.
///
/// The payload stays as the canonical JSON bytes that were hashed; ``data`` parses it
/// on demand, so reading the log never pays for JSON it does not look at.
public struct RecordedEvent: Sendable, Hashable {
    /// Global position (`seq`).
    public var position: LogPosition
    public var id: EventID
    public var stream: StreamName
    /// Position within the stream, from 1.
    public var version: StreamVersion
    public var type: EventType
    public var schemaVersion: Int
    public var occurredAt: Timestamp
    public var recordedAt: Timestamp
    public var actor: String?
    public var correlationId: EventID?
    public var causationId: EventID?
    /// Free-form string map. Reading the log keeps it as its stored JSON and parses it
    /// here, when asked: most readers (replay, folds) never look at it.
    public var metadata: [String: String] {
        get {
            switch metadataStorage {
            case .map(let map): return map
            case .json(let bytes): return Self.parseMetadata(bytes)
            }
        }
        set { metadataStorage = .map(newValue) }
    }

    /// The metadata as given, or as the stored JSON object of a decoded record.
    enum MetadataStorage: Sendable {
        case map([String: String])
        case json([UInt8])
    }

    var metadataStorage: MetadataStorage
    /// The payload as canonical JSON bytes: exactly what the hash chain covers.
    public var payload: [UInt8]
    /// SHA-256 over the previous event's hash and this event's canonical record bytes.
    public var hash: EventHash

    public init(
        position: LogPosition, id: EventID, stream: StreamName, version: StreamVersion, type: EventType,
        schemaVersion: Int, occurredAt: Timestamp, recordedAt: Timestamp, actor: String?,
        correlationId: EventID?, causationId: EventID?, metadata: [String: String], payload: [UInt8],
        hash: EventHash
    ) {
        self.init(
            position: position, id: id, stream: stream, version: version, type: type, schemaVersion: schemaVersion,
            occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, correlationId: correlationId,
            causationId: causationId, metadataStorage: .map(metadata), payload: payload, hash: hash)
    }

    /// A decoded record's envelope, its metadata left as the stored JSON.
    init(
        position: LogPosition, id: EventID, stream: StreamName, version: StreamVersion, type: EventType,
        schemaVersion: Int, occurredAt: Timestamp, recordedAt: Timestamp, actor: String?,
        correlationId: EventID?, causationId: EventID?, metadataJSON: [UInt8], payload: [UInt8], hash: EventHash
    ) {
        self.init(
            position: position, id: id, stream: stream, version: version, type: type, schemaVersion: schemaVersion,
            occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, correlationId: correlationId,
            causationId: causationId, metadataStorage: metadataJSON.isEmpty ? .map([:]) : .json(metadataJSON),
            payload: payload, hash: hash)
    }

    /// Every field given, the metadata in its final form: both initializers above come
    /// here. Setting the metadata after building the event copied the whole event once
    /// more per event read.
    private init(
        position: LogPosition, id: EventID, stream: StreamName, version: StreamVersion, type: EventType,
        schemaVersion: Int, occurredAt: Timestamp, recordedAt: Timestamp, actor: String?,
        correlationId: EventID?, causationId: EventID?, metadataStorage: MetadataStorage, payload: [UInt8],
        hash: EventHash
    ) {
        self.position = position
        self.id = id
        self.stream = stream
        self.version = version
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.correlationId = correlationId
        self.causationId = causationId
        self.metadataStorage = metadataStorage
        self.payload = payload
        self.hash = hash
    }

    /// The stored metadata object as a string map (a non-string value as its JSON text).
    static func parseMetadata(_ bytes: [UInt8]) -> [String: String] {
        guard case .object(let object)? = try? JSONParser.parse(bytes) else { return [:] }
        var metadata: [String: String] = [:]
        for member in object { metadata[member.key] = member.value.stringValue ?? member.value.description }
        return metadata
    }

    public static func == (a: RecordedEvent, b: RecordedEvent) -> Bool {
        a.position == b.position && a.id == b.id && a.stream == b.stream && a.version == b.version
            && a.type == b.type && a.schemaVersion == b.schemaVersion && a.occurredAt == b.occurredAt
            && a.recordedAt == b.recordedAt && a.actor == b.actor && a.correlationId == b.correlationId
            && a.causationId == b.causationId && a.payload == b.payload && a.hash == b.hash
            && a.metadata == b.metadata
    }

    /// Hashes the fields that identify a stored event; equal events hash equally.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(position)
        hasher.combine(id)
        hasher.combine(hash)
    }

    /// The payload parsed. Cost: one parse of ``payload`` per call; keep the result.
    public var data: JSONObject {
        get { (try? JSONParser.parse(payload))?.objectValue ?? JSONObject() }
        set { payload = JSONWriter.canonicalBytes(.object(newValue)) }
    }
}

/// A SHA-256 digest in the hash chain.
///
/// Held as four integers rather than an array: every event read carries one, and a
/// heap allocation per event was a measurable share of a replay.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 32
    /// The hash before the first event: 32 zero bytes.
    public static let genesis = EventHash(words: (0, 0, 0, 0))

    /// The digest as four big-endian 64-bit words.
    private let w0, w1, w2, w3: UInt64

    private init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        self.init(raw: bytes.withUnsafeBytes { $0 })
    }

    /// Reads 32 bytes.
    init(raw: UnsafeRawBufferPointer) {
        precondition(raw.count == Self.byteCount)
        func word(_ i: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        self.init(words: (word(0), word(1), word(2), word(3)))
    }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            withUnsafeBytes { buffer.baseAddress!.initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: Self.byteCount) }
            count = Self.byteCount
        }
    }

    /// Calls `body` with the 32 bytes, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words) { try body($0) }
    }

    /// Parses 64 hex digits.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        self.init(bytes: out)
    }

    /// Lowercase hex.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x61...0x66: return b - 0x61 + 10
        case 0x41...0x46: return b - 0x41 + 10
        default: return nil
        }
    }
}
