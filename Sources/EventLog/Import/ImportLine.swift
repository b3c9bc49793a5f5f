import JSON

/// One line of a JSON Lines import, turned into a ``ProposedEvent``.
///
/// A line is an object with `stream`, `type` and `data` (an object), and optionally
/// `id`, `occurredAt`, `expectedVersion` (`"any"`, `"no-stream"` or a number),
/// `actor`, `correlationId`, `causationId`, `metadata` (an object of strings) and
/// `schemaVersion`. Lines written by `export` also carry `seq`, `version`,
/// `recordedAt` and `hash`: `recordedAt` is kept (so a restore hashes identically;
/// it must not go backward from line to line) and the others are checked against
/// what the log assigns.
///
/// A line without an `id` gets one derived from its content and line number, so
/// importing the same file again appends nothing new. No id (`id`, `correlationId`,
/// `causationId`) may be the nil UUID, which is no event's.
public enum ImportLine {
    /// The fields a line may have.
    public static let knownFields: Set<String> = [
        "stream", "type", "data", "id", "occurredAt", "expectedVersion", "actor", "correlationId", "causationId",
        "metadata", "schemaVersion", "seq", "version", "recordedAt", "hash",
    ]

    /// What an export line asserts about where its event lands.
    public struct Restore: Sendable, Hashable {
        public var position: LogPosition?
        public var version: StreamVersion?
        public var hash: EventHash?
    }

    /// A parsed line: the event, its payload as a value (for validation), and what an
    /// export line claims about its placement.
    public struct Parsed: Sendable {
        public var event: ProposedEvent
        public var data: JSONObject
        public var restore: Restore
        /// Whether the line gives its own `id` (rather than having one derived).
        public var givesID: Bool
    }

    /// Parses one line (without its newline). `lineNumber` feeds the derived id.
    /// Throws the reason as a plain sentence; the caller adds `FILE:LINE: `.
    ///
    /// With `checkOnly`, the line is checked completely but the parts only appending
    /// needs are skipped: the payload is not re-encoded (``ProposedEvent/payload`` is
    /// empty) and no id is derived for a line without one.
    /// Lines up to this long cannot hold an event over the 1 MiB record limit: each part
    /// of a record but its fixed fields (``EventRecord/headerSize`` and the hash, far
    /// under 4 KiB) comes from the line, never longer than there.
    static let shortestLineNeedingSizeCheck = (1 << 20) - 4096

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int, checkOnly: Bool = false) throws(ImportLineError) -> Parsed {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ImportLineError("invalid JSON at column \(error.column): \(error.reason)" + (Self.hint(bytes) ?? ""))
        }
        guard case .object(let object) = value else {
            throw ImportLineError("expected a JSON object with stream, type and data, found \(value.typeNameWithArticle)")
        }
        // One pass over the members (sorted, so this is cheap) picks out every field.
        var fields = Fields()
        for member in object {
            switch member.key {
            case "stream": fields.stream = member.value
            case "type": fields.type = member.value
            case "data": fields.data = member.value
            case "id": fields.id = member.value
            case "occurredAt": fields.occurredAt = member.value
            case "expectedVersion": fields.expectedVersion = member.value
            case "actor": fields.actor = member.value
            case "correlationId": fields.correlationId = member.value
            case "causationId": fields.causationId = member.value
            case "metadata": fields.metadata = member.value
            case "schemaVersion": fields.schemaVersion = member.value
            case "seq": fields.seq = member.value
            case "version": fields.version = member.value
            case "recordedAt": fields.recordedAt = member.value
            case "hash": fields.hash = member.value
            default:
                throw ImportLineError("unknown field \"\(member.key)\"; a line has stream, type, data and optionally id, occurredAt, expectedVersion, actor, correlationId, causationId, metadata, "
                        + "schemaVersion; a line written by `export` also has seq, version, recordedAt and hash")
            }
        }
        let streamText = try requiredString(fields.stream, "stream")
        if let problem = StreamName.validationProblem(streamText) { throw ImportLineError("\"stream\": \(problem)") }
        let typeText = try requiredString(fields.type, "type")
        if let problem = EventType.validationProblem(typeText) { throw ImportLineError("\"type\": \(problem)") }
        guard let dataValue = fields.data else { throw ImportLineError("missing required field \"data\" (the event's payload, a JSON object)") }
        guard case .object(let data) = dataValue else {
            throw ImportLineError("\"data\" must be a JSON object, found \(dataValue.typeNameWithArticle)")
        }
        let actor = try optionalString(fields.actor, "actor")
        if let actor, let problem = ProposedEvent.actorProblem(actor) { throw ImportLineError("\"actor\": \(problem)") }
        let metadata = try metadataField(fields.metadata)
        // Canonical JSON is never longer than the JSON it came from, so the record of a
        // line shorter than the limit by more than a record's fixed fields is under the
        // limit. A check alone skips encoding the payload of such lines; a longer line's
        // is encoded, so that checking and importing apply the same limit.
        let encodes = !checkOnly || bytes.count > Self.shortestLineNeedingSizeCheck
        let payload = encodes ? JSONWriter.canonicalBytes(dataValue, reservingCapacity: bytes.count) : []
        let givenID = try optionalID(fields.id, "id", .id)
        let id = givenID ?? (checkOnly ? nil : derivedID(bytes, lineNumber: lineNumber))
        var event = ProposedEvent(
            id: id, stream: StreamName(unchecked: streamText), type: EventType(unchecked: typeText),
            schemaVersion: try optionalInt(fields.schemaVersion, "schemaVersion", minimum: 1),
            canonicalPayload: payload, occurredAt: try optionalTimestamp(fields.occurredAt, "occurredAt"),
            actor: actor, correlationId: try optionalID(fields.correlationId, "correlationId", .correlationId),
            causationId: try optionalID(fields.causationId, "causationId", .causationId), metadata: [:],
            expectedVersion: try expectedVersion(fields.expectedVersion))
        if let metadata { event.setMetadata(metadata.map, readFrom: metadata.object) }
        event.recordedAt = try optionalTimestamp(fields.recordedAt, "recordedAt")
        var restore = Restore()
        restore.position = try optionalInt(fields.seq, "seq", minimum: 1).map { LogPosition(UInt64($0)) }
        restore.version = try optionalInt(fields.version, "version", minimum: 1).map { StreamVersion(UInt64($0)) }
        if let hashValue = fields.hash {
            guard let text = hashValue.stringValue, let hash = EventHash(hex: text) else {
                throw ImportLineError("\"hash\" must be 64 hex digits as written by export")
            }
            restore.hash = hash
        }
        return Parsed(event: event, data: data, restore: restore, givesID: givenID != nil)
    }

    /// What a line that is not JSON probably is, when that can be told: a byte-order
    /// mark inside the file (the first line's is skipped) comes from files joined with
    /// `cat`; a line holding only `{` or `[` starts a JSON document written over
    /// several lines, where JSON Lines has one object per line.
    static func hint(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "; the line starts with a byte-order mark (U+FEFF), which only a file's first line may have: files joined with `cat` "
                + "keep each one's; remove them with `sed -i 's/^\\xEF\\xBB\\xBF//' FILE`"
        }
        let text = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if text.count == 1, let only = text.first, only == UInt8(ascii: "{") || only == UInt8(ascii: "[") {
            return "; the file looks like one JSON document over several lines, but an import file holds one JSON object per line "
                + "(JSON Lines): convert it with `jq -c '.[]' FILE` (an array of events) or `jq -c . FILE`"
        }
        return nil
    }

    /// Why a file that starts with the bytes `start` is not JSON Lines at all, when they
    /// say what it is instead (see ``FileSignature``); `nil` for anything else, whose
    /// lines are checked one by one. The advice imports what `file` (as the user named
    /// it) holds through a pipe, as `advice` says.
    static func fileFormatProblem(_ start: [UInt8], file: String, advice: StandardInputAdvice) -> String? {
        let subject = advice.subject
        let convert = "convert it in a pipe: \(advice.pipe("iconv -f UTF-16 -t UTF-8", file: file))"
        switch FileSignature(start: start) {
        case .compressed(let format, let unpack)?:
            return "\(subject) is compressed with \(format), not JSON Lines; unpack it in a pipe: \(advice.pipe(unpack, file: file))"
        case .zip?:
            return "\(subject) is a zip archive, not JSON Lines; pipe the file inside it: \(advice.unzipPipe(file: file))"
        case .utf16?:
            return "\(subject) is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; \(convert)"
        case .nul?:
            return "\(subject) starts with a NUL byte, so it is binary data or UTF-16 text, not JSON Lines; if it is UTF-16, \(convert)"
        case nil:
            return nil
        }
    }

    /// The id of a line without one: its line number, then SHA-256 of the line's bytes
    /// and its line number (see ``EventID/derived(ordinal:from:)`` for why in that order).
    static func derivedID(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> EventID {
        // "ledgerline-import-line:N:" is built on the stack: this runs for every line, and
        // string interpolation cost 0.4-0.5 µs a line more (`ledgerline-bench import-parse`).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { prefix in
            var count = 0
            for byte in "ledgerline-import-line:".utf8 {
                prefix[count] = byte
                count += 1
            }
            var digits = 1
            var rest = lineNumber / 10
            while rest > 0 { digits += 1; rest /= 10 }
            var value = lineNumber
            for k in stride(from: digits - 1, through: 0, by: -1) {
                prefix[count + k] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            count += digits
            prefix[count] = UInt8(ascii: ":")
            count += 1
            return EventID.derived(
                ordinal: UInt64(lineNumber), fromParts: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: prefix[..<count])), UnsafeRawBufferPointer(bytes))
        }
    }

    // MARK: - Fields

    /// The line's fields, picked out in one pass.
    private struct Fields {
        var stream, type, data, id, occurredAt, expectedVersion, actor, correlationId, causationId: JSONValue?
        var metadata, schemaVersion, seq, version, recordedAt, hash: JSONValue?
    }

    private static func requiredString(_ value: JSONValue?, _ key: String) throws(ImportLineError) -> String {
        guard let value else { throw ImportLineError("missing required field \"\(key)\"") }
        guard case .string(let text) = value else { throw ImportLineError("\"\(key)\" must be a string, found \(value.typeNameWithArticle)") }
        return text
    }

    private static func optionalString(_ value: JSONValue?, _ key: String) throws(ImportLineError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard case .string(let text) = value else { throw ImportLineError("\"\(key)\" must be a string, found \(value.typeNameWithArticle)") }
        return text
    }

    private static func optionalID(
        _ value: JSONValue?, _ key: String, _ field: ProposedEvent.IDField
    ) throws(ImportLineError) -> EventID? {
        guard let text = try optionalString(value, key) else { return nil }
        guard let id = EventID(text) else {
            throw ImportLineError("\"\(key)\" is not a UUID: \"\(text.prefix(40))\" (expected 8-4-4-4-12 hex digits like 0190a8d2-4c1e-7b3a-9f00-1234567890ab)")
        }
        if let problem = ProposedEvent.idProblem(id, field, named: "\"\(key)\"") { throw ImportLineError(problem) }
        return id
    }

    private static func optionalTimestamp(_ value: JSONValue?, _ key: String) throws(ImportLineError) -> Timestamp? {
        guard let text = try optionalString(value, key) else { return nil }
        guard let timestamp = Timestamp(rfc3339: text) else { throw ImportLineError(Timestamp.refusal(of: text, named: "\"\(key)\"")) }
        return timestamp
    }

    private static func optionalInt(_ value: JSONValue?, _ key: String, minimum: Int64) throws(ImportLineError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard case .number(let number) = value, let n = number.int64Value, n >= minimum else {
            throw ImportLineError("\"\(key)\" must be a whole number of at least \(minimum), found \(value)")
        }
        return Int(n)
    }

    /// The line's metadata as a map, and the object it was read from; `nil` when none.
    private static func metadataField(_ value: JSONValue?) throws(ImportLineError) -> (map: [String: String], object: JSONObject)? {
        guard let value, !value.isNull else { return nil }
        guard case .object(let members) = value else { throw ImportLineError("\"metadata\" must be an object of strings, found \(value.typeNameWithArticle)") }
        do throws(ProposedEvent.MetadataProblem) {
            return (try ProposedEvent.stringMetadata(members), members)
        } catch {
            throw ImportLineError(error.message("\"metadata\""))
        }
    }

    private static func expectedVersion(_ value: JSONValue?) throws(ImportLineError) -> ExpectedVersion {
        guard let value, !value.isNull else { return .any }
        let parsed: ExpectedVersion?
        switch value {
        case .string(let text): parsed = ExpectedVersion(parsing: text)
        // A whole number (`3`, `3.0`, `3e0`, as serialisers that write floats give it)
        // from 0 up to 2^64 - 1, as `append --expected-version` takes.
        case .number(let n): parsed = n.uint64Value.flatMap { ExpectedVersion(parsing: String($0)) }
        default: parsed = nil
        }
        guard let parsed else {
            let digits = value.stringValue ?? ""
            let tooLarge =
                value.numberValue.map { $0.isInteger && !$0.decimal.negative }
                ?? (!digits.isEmpty && digits.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            if tooLarge {
                throw ImportLineError("\"expectedVersion\" \(value.numberValue?.text ?? digits) is larger than any version can be (\(UInt64.max))")
            }
            throw ImportLineError("\"expectedVersion\" must be \"any\", \"no-stream\" or a version number (0 or more), found \(value)")
        }
        return parsed
    }
}

/// Why one import line was refused.
public struct ImportLineError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
