import EventLog
import Experiments
import Foundation
import JSON
import Schemas

/// The `experiment-report` benchmark's log: one published experiment, its exposures and
/// their goal events, in a real LMDB store built once and kept under `bench-data/` (like
/// ``LogFixture``'s), so later runs measure the report only.
///
/// Customers `b0000000`, `b0000001`, ... are each exposed once, 20 days' worth, in the
/// variation GrowthBook's allocation gives them; a seeded generator decides who replies
/// (10%, 11%, 12% by arm, a day later), orders (3%, exact amounts, three days later) and
/// unsubscribes (1%). Every event is validated against the catalog as it is appended.
enum ExperimentReportFixture {
    static let key = "bench-subject"
    static let day0 = Timestamp(rfc3339: "2026-01-05T00:00:00Z")!

    static let definition = """
        key: bench-subject
        name: Benchmark subject line
        status: running
        variations:
          - { id: control, weight: 0.34 }
          - { id: question, weight: 0.33 }
          - { id: next-step, weight: 0.33 }
        goals:
          - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
          - { name: revenue, kind: revenue, event: OrderPlaced, value: data.amount, window: 30d }
        guardrails:
          - { name: unsubscribed, kind: conversion, event: Unsubscribed, window: 30d, direction: decrease }
        """

    struct Built: Sendable {
        /// The open store; the caller closes it. (It is opened once per process: reopening
        /// an LMDB environment after closing it can trip LMDB's reader-slot check.)
        var store: LMDBEventStore
        var exposures: Int
        var goalEvents: Int
    }

    /// The store for `exposures` exposures, built on first use.
    static func store(_ context: BenchContext, exposures: Int) async throws -> Built {
        let directory = context.workDirectory.deletingLastPathComponent()
            .appendingPathComponent("experiment-report-store-\(exposures)")
        let marker = directory.appendingPathComponent("complete")
        var options = LMDBEventStore.Options()
        if let text = try? String(contentsOf: marker, encoding: .utf8), let goals = Int(text) {
            options.create = false
            return Built(
                store: try LMDBEventStore(directory: directory, options: options), exposures: exposures,
                goalEvents: goals)
        }
        try? FileManager.default.removeItem(at: directory)
        FileHandle.standardError.write(Data("  building the experiment log (\(exposures) exposures)...\n".utf8))
        options.sync = false
        options.validator = EventCatalog.embedded
        options.initialMapSize = 1 << 30
        let store = try LMDBEventStore(directory: directory, options: options)
        let definition = try ExperimentDefinition.parse(yaml: Self.definition)
        _ = try await ExperimentPublisher(store: store).publish([definition], at: day0)
        let experiment = definition.experiment(phase: "1")
        var rng = Xoshiro256StarStar(seed: 20_260_105)
        let spacing = 20 * 86_400_000_000 / Int64(exposures)
        let replyRates = [0.10, 0.11, 0.12]
        var batch: [ProposedEvent] = []
        var goals = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            _ = try await store.append(batch)
            batch.removeAll(keepingCapacity: true)
        }
        for i in 0..<exposures {
            let id = "b" + String(i).leftPadded(to: 7)
            let stream = StreamName("customer-" + id)!
            let result = experiment.assign(in: EvaluationContext(attributes: .object(JSONObject(["id": .string(id)]))))
            let arm = result.variationIndex
            let at = day0.rawValue + 3_600_000_000 + Int64(i) * spacing
            batch.append(
                ProposedEvent(
                    stream: stream, type: "ExperimentExposed",
                    data: JSONObject([
                        "experimentKey": .string(key), "phase": .number(JSONNumber(1)), "customerId": .string(id),
                        "variationId": .number(JSONNumber(arm)), "variationKey": .string(result.variationKey),
                    ]), occurredAt: Timestamp(rawValue: at)))
            if rng.nextUnitDouble() < replyRates[arm] {
                goals += 1
                batch.append(
                    ProposedEvent(
                        stream: stream, type: "EmailReplied",
                        data: JSONObject([
                            "emailId": .string("em-\(id)"), "customerId": .string(id),
                            "messageId": .string("<r-\(id)@mail.example.com>"),
                        ]), occurredAt: Timestamp(rawValue: at + 86_400_000_000)))
            }
            if rng.nextUnitDouble() < 0.03 {
                goals += 1
                let cents = 1_000 + Int(rng.next() % 20_000)
                batch.append(
                    ProposedEvent(
                        stream: stream, type: "OrderPlaced",
                        data: JSONObject([
                            "customerId": .string(id), "quantity": .number(JSONNumber(1)),
                            "amount": .string("\(cents / 100).\(String(cents % 100).leftPadded(to: 2))"),
                            "currency": .string("EUR"),
                        ]), occurredAt: Timestamp(rawValue: at + 3 * 86_400_000_000)))
            }
            if rng.nextUnitDouble() < 0.01 {
                goals += 1
                batch.append(
                    ProposedEvent(
                        stream: stream, type: "Unsubscribed",
                        data: JSONObject([
                            "customerId": .string(id), "channel": .string("email"), "source": .string("link"),
                        ]), occurredAt: Timestamp(rawValue: at + 2 * 86_400_000_000)))
            }
            if batch.count >= 10_000 { try await flush() }
        }
        try await flush()
        try String(goals).write(to: marker, atomically: true, encoding: .utf8)
        return Built(store: store, exposures: exposures, goalEvents: goals)
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
