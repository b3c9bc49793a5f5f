import Foundation
import JSON
import Testing

/// `experiments assign` without `--attributes` targets over the customer view.
@Suite struct ExperimentsTargetingViewTests {
    static let definition = """
        key: winback
        status: running
        variations:
          - { id: control }
          - { id: offer }
        targeting: "customer.lifecycle_stage == 'customer' && customer.rfm.frequency >= 2"
        goals:
          - { name: ordered, kind: conversion, event: OrderPlaced, window: 14d }

        """

    @Test func targetingReadsTheCustomerViewUnlessAttributesAreGiven() async throws {
        let (scratch, ex) = try await ExperimentsCommandTests.setUp(["winback.yaml": Self.definition])
        defer { scratch.cleanup() }
        let lines = [
            #"{"stream":"customer-7","type":"ContactCreated","occurredAt":"2026-01-01T00:00:00Z","data":{"customerId":"7","lifecycleStage":"lead"}}"#,
            #"{"stream":"customer-7","type":"OrderPlaced","occurredAt":"2026-01-02T00:00:00Z","data":{"orderId":"o-1","customerId":"7","quantity":1,"amount":"10.00","currency":"USD"}}"#,
            #"{"stream":"customer-7","type":"OrderPlaced","occurredAt":"2026-01-03T00:00:00Z","data":{"orderId":"o-2","customerId":"7","quantity":1,"amount":"12.50","currency":"USD"}}"#,
            #"{"stream":"customer-8","type":"ContactCreated","occurredAt":"2026-01-01T00:00:00Z","data":{"customerId":"8","lifecycleStage":"lead"}}"#,
        ]
        let file = scratch.url.appendingPathComponent("events.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try await CLI.run(["--data", scratch.data, "import", file.path])
        try #require(imported.status == 0, "\(imported.stderr)")
        try #require(try await CLI.run(ex + ["publish"] + ExperimentsCommandTests.dir(scratch)).status == 0)

        // A customer with two orders is a customer with frequency 2 in the view: targeted.
        let buyer = try await CLI.run(ex + ["assign", "winback", "--customer", "7", "--json"])
        #expect(buyer.status == 0, "\(buyer.stderr)")
        let decision = try JSONParser.parse(buyer.stdout)
        #expect(decision["targeting"] == "true", "\(buyer.stdout)")
        #expect(decision["inExperiment"] == .bool(true))

        // A lead without orders is not.
        let lead = try await CLI.run(ex + ["assign", "winback", "--customer", "8", "--json"])
        #expect(try JSONParser.parse(lead.stdout)["reason"] == "targetingFailed", "\(lead.stdout)")

        // --attributes replaces the view outright.
        let given = try await CLI.run(
            ex + ["assign", "winback", "--customer", "8", "--attributes", #"{"lifecycle_stage":"customer","rfm":{"frequency":3}}"#, "--json"])
        #expect(try JSONParser.parse(given.stdout)["targeting"] == "true", "\(given.stdout)")
    }
}
