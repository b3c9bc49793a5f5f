import EventLog
import Expressions
import JSON

/// A metric's `filter`: which events of its type count, as a CEL expression over `event`.
///
/// `event` has `type`, `stream`, `occurredAt` (a timestamp) and `data` (the payload,
/// read field by field), so `event.data.channel == 'web'` or
/// `event.data.?sentiment.orValue('neutral') != 'negative'` work. An event the filter
/// cannot be evaluated on (a field it lacks) does not count; the report says how many.
///
/// Cost: one payload parse and one evaluation per event offered, so reports offer only the
/// events of exposed customers within their window.
public struct EventFilter: Sendable {
    public let expression: String
    let program: Program

    static let environment = Environment().declaring("event", .dyn)

    /// Compiles `expression`.
    ///
    /// - Throws: ``ExperimentsError/Code/invalidDefinition`` with the expression's message,
    ///   on `field` (such as `goals[0].filter`).
    public init(_ expression: String, field: String) throws(ExperimentsError) {
        self.expression = expression
        do {
            program = try Self.environment.compile(expression)
        } catch {
            throw ExperimentsError(.invalidDefinition, error.summary, field: field, cause: error)
        }
    }

    /// Why `expression` does not compile, or `nil`: what lint reports.
    public static func problem(in expression: String) -> String? {
        environment.check(expression).issues.first?.summary
    }

    /// Whether `event` counts: `.success(true/false)`, or the evaluation error's message.
    public func matches(_ event: RecordedEvent) -> Result<Bool, FilterFailure> {
        let micros = event.occurredAt.rawValue
        let (seconds, remainder) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let fields: [String: JSONValue] = [
            "type": .string(event.type.rawValue), "stream": .string(event.stream.rawValue),
            "data": .object(event.data),
        ]
        let view = EventView(
            fields: JSONObject(fields), occurredAt: Value.Timestamp(seconds: seconds, nanos: remainder * 1000))
        do {
            let result = try program.evaluate(["event": .lazy(view)])
            guard let decided = result.asBool else {
                return .failure(FilterFailure(message: "the filter gave a non-bool value"))
            }
            return .success(decided)
        } catch {
            return .failure(FilterFailure(message: error.summary))
        }
    }

    /// Why a filter could not decide an event.
    public struct FilterFailure: Error, Sendable, Hashable {
        public var message: String
    }
}

/// An event as a filter reads it: the envelope fields, the payload, and `occurredAt` as a
/// CEL timestamp.
final class EventView: LazyObject, @unchecked Sendable {
    let fields: JSONObject
    let occurredAt: Value.Timestamp?

    init(fields: JSONObject, occurredAt: Value.Timestamp?) {
        self.fields = fields
        self.occurredAt = occurredAt
    }

    var typeName: String { "Event" }
    var fieldNames: [String] { fields.keys + ["occurredAt"] }

    func field(_ name: String) -> Value? {
        if name == "occurredAt" { return occurredAt.map(Value.timestamp) }
        return fields[name].map(JSONObjectView.value)
    }
}
