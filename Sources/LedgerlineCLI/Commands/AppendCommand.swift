import ArgumentParser
import EventLog
import Foundation
import JSON

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event and print where it landed, as JSON.",
        discussion: """
            Prints one JSON object: {"seq", "version", "id", "stream", "duplicate"}. The \
            append is acknowledged only once it is on disk. With --id, appending the same \
            event again returns its original position ("duplicate": true).

            Here --data is the payload; give the store's folder before the command \
            (ledgerline --data DIR append ...) or in $LEDGERLINE_DATA. The payload and \
            the metadata are JSON objects given inline, read from a file (@FILE) or from \
            standard input (-): a payload too large for the command line (the system \
            takes at most 128 KiB in one argument) comes from a file or a pipe.

            Examples:
              ledgerline --data ./crm append --stream customer-42 --type ContactCreated \\
                --data '{"customerId":"42","email":"ana@example.com"}' --actor user:ana
              ledgerline --data ./crm append --stream deal-7 --type DealStageChanged \\
                --data @stage.json --expected-version 3   # {"dealId":"7","fromStage":...}
              echo '{"customerId":"42","changes":{"firstName":"Ana"}}' | ledgerline \\
                append --stream customer-42 --type ContactUpdated --data - \\
                --metadata '{"source":"crm-sync","batch":"2026-11-30"}'
            """)

    // The store's folder comes from `ledgerline --data DIR append` (or $LEDGERLINE_DATA):
    // after `append`, `--data` is the payload, as the command's contract says.

    @Option(help: "The stream, e.g. customer-42 or deal-7.") var stream: String
    @Option(help: "The event type, e.g. DealStageChanged.") var type: String
    @Option(help: ArgumentHelp("The payload: a JSON object, @FILE to read it from a file, or - from standard input.", valueName: "json"))
    var data: String
    @Option(help: "The event id (a UUID); makes retries idempotent.") var id: String?
    @Option(help: "any, no-stream, or the version the stream must be at.") var expectedVersion: String = "any"
    @Option(help: "When it happened, RFC 3339 (default: now).") var occurredAt: String?
    @Option(help: "Who did it: user:…, integration:…, rule:name@version.") var actor: String?
    @Option(help: "The id of the chain this event belongs to.") var correlationId: String?
    @Option(help: "The id of the event that caused this one.") var causationId: String?
    @Option(help: "The payload's schema version (default: the latest).") var schemaVersion: Int?
    @Option(help: ArgumentHelp("Free-form metadata: a JSON object of strings (or @FILE, or -).", valueName: "json"))
    var metadata: String?

    /// The store's folder is `--data` before the command (passed on as
    /// $LEDGERLINE_DATA) or $LEDGERLINE_DATA itself, read as other commands read it.
    func validate() throws {
        try UsageErrors.requireUTF8StoreFolderVariable()
        if let schemaVersion, schemaVersion < 1 {
            throw ValidationError("--schema-version must be 1 or more (a type's first schema version is 1): \(schemaVersion)")
        }
        if data == "-", metadata == "-" {
            throw ValidationError("--data and --metadata cannot both read standard input; give one of them as @FILE or inline")
        }
        _ = try envelope()
    }

    func run() async throws {
        try await CommandErrors.run {
            let event = try proposal()
            // An append the store refuses (a payload against its schema) leaves no new
            // empty store behind.
            let result = try await GlobalOptions.withStore(creatingIn: GlobalOptions.dataDirectory(nil)) { store in
                try await store.append([event])
            }
            let placed = result.events[0]
            Output.completedChange =
                placed.isDuplicate
                ? "event \(placed.id) was stored already, at position \(placed.position.rawValue); nothing was appended"
                : "event \(placed.id) was appended at position \(placed.position.rawValue) (\(placed.stream) version \(placed.version.rawValue)): "
                    + "do not append it again, or give --id \(placed.id) so that a second append finds it stored"
            let json: JSONValue = [
                "seq": .number(JSONNumber(placed.position.rawValue)),
                "version": .number(JSONNumber(placed.version.rawValue)),
                "id": .string(placed.id.description),
                "stream": .string(placed.stream.rawValue),
                "duplicate": .bool(placed.isDuplicate),
            ]
            Output.line(json.description)
            Output.flush()
        }
    }

    /// The event with `data` as its payload, from every option but `--data`, checked:
    /// a malformed one is a usage error (64), found before the store opens, as for
    /// `read`. The payload is data (65; see ``proposal()``).
    func envelope(data: JSONObject = JSONObject()) throws(ValidationError) -> ProposedEvent {
        guard let streamName = StreamName(stream) else { throw ValidationError("--stream: \(StreamName.validationProblem(stream) ?? "invalid")") }
        guard let eventType = EventType(type) else { throw ValidationError("--type: \(EventType.validationProblem(type) ?? "invalid")") }
        guard let expected = ExpectedVersion(parsing: expectedVersion) else {
            let signed = expectedVersion.hasPrefix("+") || expectedVersion.hasPrefix("-")
            throw ValidationError(
                "--expected-version must be any, no-stream or a version number, not \"\(expectedVersion)\"\(signed ? "; give the version without a sign" : "")")
        }
        if let actor, let problem = ProposedEvent.actorProblem(actor) { throw ValidationError("--actor: \(problem)") }
        /// An id given to `option`, which must be a UUID and not the nil UUID.
        func eventID(_ text: String?, _ field: ProposedEvent.IDField, option: String) throws(ValidationError) -> EventID? {
            guard let text else { return nil }
            guard let id = EventID(text) else { throw ValidationError("\(option) is not a UUID: \"\(text)\"") }
            if let problem = ProposedEvent.idProblem(id, field, named: option) { throw ValidationError(problem) }
            return id
        }
        var time: Timestamp?
        if let occurredAt {
            guard let parsed = Timestamp(rfc3339: occurredAt) else { throw ValidationError(Timestamp.refusal(of: occurredAt, named: "--occurred-at")) }
            time = parsed
        }
        return ProposedEvent(
            id: try eventID(id, .id, option: "--id"), stream: streamName, type: eventType, schemaVersion: schemaVersion,
            data: data, occurredAt: time, actor: actor,
            correlationId: try eventID(correlationId, .correlationId, option: "--correlation-id"),
            causationId: try eventID(causationId, .causationId, option: "--causation-id"), expectedVersion: expected)
    }

    func proposal() throws -> ProposedEvent {
        var event = try envelope(data: try Self.jsonObject(data, option: "--data"))
        if let metadata {
            let object = try Self.jsonObject(metadata, option: "--metadata")
            do throws(ProposedEvent.MetadataProblem) {
                event.metadata = try ProposedEvent.stringMetadata(object)
            } catch {
                if case .notAString = error {
                    throw InputError(error.message("--metadata") + "; quote it, or put structured values in --data")
                }
                throw InputError(error.message("--metadata"))
            }
        }
        return event
    }

    /// Standard input (or a file) read for `--data -` holds at most this much: four times
    /// the largest event, so that one too large is refused for its size by the store,
    /// while an endless stream (`< /dev/zero`) is refused here rather than read forever.
    static let largestJSONArgument = 4 << 20

    /// The JSON object `argument` gives `option`: inline, from the file named after `@`,
    /// or from standard input for `-`. What is wrong with it is data (exit 65), named
    /// with the file and the line and column of a syntax error; a file that cannot be
    /// read exits 66.
    static func jsonObject(_ argument: String, option: String) throws(InputError) -> JSONObject {
        var source = option
        var bytes = Array(argument.utf8)
        if argument == "-" || argument.hasPrefix("@") {
            let path = argument == "-" ? "/dev/stdin" : String(argument.dropFirst())
            source = argument == "-" ? "\(option) - (standard input)" : "\(option) \(argument)"
            do throws(TextFile.Failure) {
                bytes = try TextFile.bytes(path, limit: largestJSONArgument)
            } catch .tooLarge {
                throw InputError("\(source) holds more than \(largestJSONArgument >> 20) MiB; an event holds at most 1 MiB (payload and metadata)")
            } catch {
                throw InputError.unreadable("cannot read \(source): \(error); give \(option) @FILE, a file holding one JSON object, or - for standard input")
            }
            // A file saved with a UTF-8 byte-order mark is read as `import` reads one.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if let kind = TextFile.notText(start: bytes.prefix(8), file: argument == "-" ? "FILE" : path) {
                throw InputError("\(source) is \(kind), not a JSON object")
            }
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            let place = bytes.contains(0x0A) ? "line \(error.line), column \(error.column)" : "column \(error.column)"
            throw InputError("\(source) is not valid JSON at \(place): \(error.reason)")
        }
        guard case .object(let object) = value else { throw InputError("\(source) must be a JSON object, found \(value.typeNameWithArticle)") }
        return object
    }
}
