import JSON

/// Checks event payloads before they are appended.
///
/// The store calls its validator for every proposed event, on the appender's task and
/// before the batch reaches the writer thread, so validation runs in parallel with
/// writing. The `Schemas` module provides the catalog-backed implementation.
public protocol EventValidator: Sendable {
    /// Checks `data` against `type`'s schema at `schemaVersion` (the latest when `nil`)
    /// and returns the version it was checked against.
    func validate(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int

    /// As ``validate(type:schemaVersion:data:)``, for an event an import restores (an
    /// export line, which gives the seq and hash it had): only the rules the event had
    /// to meet when it was first appended, none added since, so that an export of any
    /// earlier build restores.
    func validateRestored(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int

    /// Why no payload of `type` at `schemaVersion` (the latest when `nil`) can be valid
    /// — the type or the version is unknown — or `nil` when payloads can be checked.
    /// Importers ask once per event type of a mapping, before reading any rows.
    func typeProblem(type: EventType, schemaVersion: Int?) -> String?
}

extension EventValidator {
    /// Has added no rules: a restored event is checked as any other.
    public func validateRestored(type: EventType, schemaVersion: Int?, data: JSONObject) throws(PayloadViolation) -> Int {
        try validate(type: type, schemaVersion: schemaVersion, data: data)
    }

    /// Knows no types in advance: every payload is checked on its own.
    public func typeProblem(type: EventType, schemaVersion: Int?) -> String? { nil }
}

/// Why a payload was refused: a reason, and where in the payload when that is known.
public struct PayloadViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The schema version checked, when one was resolved.
    public var schemaVersion: Int?
    /// Where in the payload (relative to `data`), when the problem has a place.
    public var pointer: JSONPointer?
    /// What is wrong and, where it helps, what to do.
    public var reason: String

    public init(schemaVersion: Int? = nil, pointer: JSONPointer? = nil, reason: String) {
        self.schemaVersion = schemaVersion
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String {
        (pointer.map { "/data\($0): " } ?? "") + reason
    }

    /// The message for an event of `type` in `stream`:
    /// `deal-7 DealStageChanged v1: /data/amount: expected string matching ...`.
    public func message(stream: StreamName, type: EventType) -> String {
        "\(stream) \(type)\(schemaVersion.map { " v\($0)" } ?? ""): \(description)"
    }
}
