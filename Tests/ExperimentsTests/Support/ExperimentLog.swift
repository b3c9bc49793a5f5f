import EventLog
import Experiments
import JSON
import Schemas

/// A small worked experiment on a real (in-memory) log that validates every event against
/// the catalog: publish a definition, expose customers, append what they did.
struct ExperimentLog {
    let store: InMemoryEventStore

    /// Day 0 of the fixture: 2026-03-02T00:00:00Z.
    static let day0 = Timestamp(rfc3339: "2026-03-02T00:00:00Z")!

    static func day(_ d: Double) -> Timestamp { Timestamp(rawValue: day0.rawValue + Int64(d * 86_400_000_000)) }

    init() {
        store = InMemoryEventStore(validator: EventCatalog.embedded, clock: { ExperimentLog.day(400) })
    }

    /// The fixture's two-arm experiment; `extra` lines are appended to the YAML.
    static func definition(
        key: String = "subject-test", weights: (Double, Double) = (0.5, 0.5), status: String = "running",
        extra: String = ""
    ) throws -> ExperimentDefinition {
        try ExperimentDefinition.parse(
            yaml: """
                key: \(key)
                status: \(status)
                variations:
                  - { id: control, name: Plain, weight: \(weights.0) }
                  - { id: question, name: Question, weight: \(weights.1) }
                targeting: "customer.segment == 'smb'"
                goals:
                  - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
                  - { name: revenue, kind: revenue, event: OrderPlaced, value: data.amount, window: 30d }
                guardrails:
                  - { name: unsubscribed, kind: conversion, event: Unsubscribed, window: 30d, direction: decrease }
                \(extra)
                """)
    }

    @discardableResult
    func publish(_ definition: ExperimentDefinition, at time: Timestamp = day0) async throws -> [PublishPlan] {
        try await ExperimentPublisher(store: store).publish([definition], configuredBy: "u-ana", at: time)
    }

    /// Appends an exposure as whatever showed the variation would.
    func expose(
        _ customer: String, key: String = "subject-test", phase: Int = 1, variation: Int, variationKey: String? = nil,
        at time: Timestamp
    ) async throws {
        let data = JSONObject([
            "experimentKey": .string(key), "phase": .number(JSONNumber(phase)), "customerId": .string(customer),
            "variationId": .number(JSONNumber(variation)),
            "variationKey": .string(variationKey ?? ["control", "question", "third"][variation]),
        ])
        _ = try await store.append([
            ProposedEvent(
                stream: try ExperimentEvents.customerStream(customer), type: "ExperimentExposed", data: data,
                occurredAt: time)
        ])
    }

    func replied(_ customer: String, at time: Timestamp) async throws {
        let data = JSONObject([
            "emailId": .string("em-\(customer)-\(time.rawValue)"), "customerId": .string(customer),
            "messageId": .string("<m-\(customer)-\(time.rawValue)@mail.example.com>"),
        ])
        _ = try await store.append([
            ProposedEvent(
                stream: try ExperimentEvents.customerStream(customer), type: "EmailReplied", data: data,
                occurredAt: time)
        ])
    }

    func ordered(_ customer: String, amount: String, currency: String = "EUR", at time: Timestamp) async throws {
        let data = JSONObject([
            "customerId": .string(customer), "quantity": .number(JSONNumber(1)), "amount": .string(amount),
            "currency": .string(currency),
        ])
        _ = try await store.append([
            ProposedEvent(
                stream: try ExperimentEvents.customerStream(customer), type: "OrderPlaced", data: data, occurredAt: time
            )
        ])
    }
}
