import JSON

/// An event on its way into the log: everything but the fields the log assigns
/// (`seq`, `version`, `recordedAt`, `hash`).
///
/// The payload is kept as canonical JSON bytes (see `JSONWriter`), built once when the
/// event is made, so the single writer thread never re-encodes anything.
public struct ProposedEvent: Sendable {
    /// The event's id; the log generates a time-ordered one when it is `nil`. Never
    /// ``EventID/nilUUID``, which an append refuses, as it does for the two links below.
    public var id: EventID?
    public var stream: StreamName
    public var type: EventType
    /// The version of the event type's schema the payload follows; `nil` means the
    /// latest the validator knows (1 when the store has no validator).
    public var schemaVersion: Int?
    /// When it happened in the world; defaults to the time the log records it.
    public var occurredAt: Timestamp?
    /// Who did it: a user, an integration, `rule:<name>@<version>`, `model:<name>@<version>`.
    public var actor: String?
    /// The id the events of one request or chain share.
    public var correlationId: EventID?
    /// The id of the event that caused this one.
    public var causationId: EventID?
    /// Free-form string map, stored as given.
    public var metadata: [String: String] { didSet { encodedMetadata = nil } }
    /// `metadata` as canonical JSON, when whoever made the event had it already (an
    /// import line's object, so neither the size check nor the record encodes it again);
    /// `nil` to encode the map. Changing `metadata` drops it.
    private(set) var encodedMetadata: [UInt8]?
    /// The check made against the stream's version just before this event lands.
    public var expectedVersion: ExpectedVersion
    /// Only for restoring an export: the time the original log recorded the event. When
    /// set it is kept, so the restored chain hashes to the same values.
    public var recordedAt: Timestamp?
    /// The payload as canonical JSON (an object).
    public private(set) var payload: [UInt8]
    /// Set by the importer once the payload has been checked against the validator the
    /// store uses, so the append path does not check it twice.
    var isPrevalidated = false

    /// Makes an event whose payload is `data`.
    public init(
        id: EventID? = nil,
        stream: StreamName,
        type: EventType,
        schemaVersion: Int? = nil,
        data: JSONObject,
        occurredAt: Timestamp? = nil,
        actor: String? = nil,
        correlationId: EventID? = nil,
        causationId: EventID? = nil,
        metadata: [String: String] = [:],
        expectedVersion: ExpectedVersion = .any
    ) {
        self.init(
            id: id, stream: stream, type: type, schemaVersion: schemaVersion,
            canonicalPayload: JSONWriter.canonicalBytes(.object(data)), occurredAt: occurredAt, actor: actor,
            correlationId: correlationId, causationId: causationId, metadata: metadata, expectedVersion: expectedVersion)
    }

    /// Makes an event from a payload already in canonical form (as `JSONWriter` writes it).
    init(
        id: EventID?, stream: StreamName, type: EventType, schemaVersion: Int?, canonicalPayload: [UInt8],
        occurredAt: Timestamp?, actor: String?, correlationId: EventID?, causationId: EventID?,
        metadata: [String: String], expectedVersion: ExpectedVersion
    ) {
        self.id = id
        self.stream = stream
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = canonicalPayload
        self.occurredAt = occurredAt
        self.actor = actor
        self.correlationId = correlationId
        self.causationId = causationId
        self.metadata = metadata
        self.expectedVersion = expectedVersion
    }

    /// Why a JSON object cannot be ``metadata``.
    public enum MetadataProblem: Error, Sendable {
        /// A member whose value is not a string: its key and its value.
        case notAString(key: String, value: JSONValue)
        /// Two keys that differ in their bytes but are one text in Unicode (`é` written
        /// as U+00E9 and as `e` with U+0301): Swift's `String` compares by canonical
        /// equivalence, so a map of them would keep one key with the other's value.
        case equivalentKeys(String, String)

        /// What is wrong, after `what` (`"metadata"`, `--metadata`), and what to do.
        public func message(_ what: String) -> String {
            switch self {
            case .notAString(let key, let value):
                return "\(what) values must be strings; \"\(key)\" (at \(JSONPointer.root.appending(key))) is \(value.typeNameWithArticle)"
            case .equivalentKeys(let first, let second):
                func scalars(_ text: String) -> String {
                    text.unicodeScalars.map { scalar in
                        let hex = String(scalar.value, radix: 16, uppercase: true)
                        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                    }.joined(separator: " ")
                }
                return "\(what) has the keys \"\(first)\" (\(scalars(first))) and \"\(second)\" (\(scalars(second))), one text in two Unicode forms; "
                    + "write both in one form (NFC) and merge them"
            }
        }
    }

    /// `object`'s members as ``metadata``, a map of strings; throws naming the first
    /// member whose value is not a string, or two keys the map would take for one. An
    /// import line's `"metadata"` and `append --metadata` are read by this one rule.
    public static func stringMetadata(_ object: JSONObject) throws(MetadataProblem) -> [String: String] {
        var map: [String: String] = [:]
        map.reserveCapacity(object.count)
        for member in object {
            guard case .string(let text) = member.value else { throw .notAString(key: member.key, value: member.value) }
            // A JSON object never repeats a key byte for byte: one the map already holds is
            // an equivalent key.
            if map.updateValue(text, forKey: member.key) != nil,
                let first = object.keys.first(where: { $0 == member.key && !$0.utf8.elementsEqual(member.key.utf8) })
            {
                throw .equivalentKeys(first, member.key)
            }
        }
        return map
    }

    /// Sets ``metadata`` to `metadata`, read from `object` (a JSON object of strings, by
    /// ``stringMetadata(_:)``, which refuses two keys the map would take for one),
    /// keeping the object's canonical JSON for the record.
    mutating func setMetadata(_ metadata: [String: String], readFrom object: JSONObject) {
        self.metadata = metadata
        guard metadata.count == object.count else { return }
        encodedMetadata = object.isEmpty ? [] : JSONWriter.canonicalBytes(.object(object))
    }

    /// The payload parsed back into a value. Cost: one parse of the payload bytes.
    public var data: JSONObject {
        // The payload is canonical JSON written by JSONWriter, so parsing cannot fail.
        (try? JSONParser.parse(payload))?.objectValue ?? JSONObject()
    }
}
