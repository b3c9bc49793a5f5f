import Foundation
import JSON
import Testing

/// The shipped mappings on the shipped datasets, through the real binary into a real
/// LMDB store, checked against independent readings of the raw files.
@Suite(.serialized) struct ImportCSVDatasetTests {
    static var tools: URL { CDNOWReference.tools }

    /// Every event of the store at `data`, as parsed JSON envelopes.
    private func events(_ data: String) async throws -> [JSONValue] {
        let export = try await CLI.run(["--data", data, "export"])
        #expect(export.status == 0, "\(export.stderr)")
        return try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    private func importCSV(_ data: String, _ file: String, mapping: String) async throws -> JSONValue {
        let outcome = try await CLI.run([
            "--data", data, "import-csv", Self.tools.appendingPathComponent(file).path,
            "--mapping", Self.tools.appendingPathComponent(mapping).path, "--json",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try JSONParser.parse(outcome.stdout)
    }

    @Test func cdnowLogHoldsEveryCustomersOrdersTotalAndLastPurchase() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let reference = try CDNOWReference()
        #expect(reference.customers.count == 23_570)
        #expect(reference.orders == 69_659)

        let summary = try await importCSV(scratch.data, "datasets/cdnow/CDNOW_master.txt", mapping: "mappings/cdnow.yaml")
        #expect(summary["rows"] == 69_659)
        #expect(summary["appended"] == 69_659)

        var found: [String: CDNOWReference.Customer] = [:]
        for event in try await events(scratch.data) {
            #expect(event["type"] == "OrderPlaced")
            guard let stream = event["stream"]?.stringValue, let id = event["data"]?["customerId"]?.stringValue,
                let amount = event["data"]?["amount"]?.stringValue, let cents = CDNOWReference.cents(amount),
                let occurredAt = event["occurredAt"]?.stringValue
            else {
                Issue.record("an event without stream, customerId, amount or occurredAt: \(event)")
                continue
            }
            #expect(stream == "customer-\(id)")
            #expect(event["data"]?["currency"] == "USD")
            var customer = found[id, default: .init()]
            customer.orders += 1
            customer.cents += cents
            let day = String(occurredAt.prefix(10))
            customer.firstPurchase = customer.firstPurchase.isEmpty ? day : min(customer.firstPurchase, day)
            customer.lastPurchase = max(customer.lastPurchase, day)
            found[id] = customer
        }
        #expect(found.count == 23_570)
        #expect(found.values.reduce(0) { $0 + $1.orders } == 69_659)
        let wrong = reference.customers.filter { found[$0.key] != $0.value }.keys.sorted()
        #expect(wrong.isEmpty, "customers whose orders differ from the raw file: \(wrong.prefix(10))")

        let again = try await importCSV(scratch.data, "datasets/cdnow/CDNOW_master.txt", mapping: "mappings/cdnow.yaml")
        #expect(again["appended"] == 0)
        #expect(again["duplicates"] == 69_659)
        #expect(again["head"] == 69_659)
    }

    /// The mapping writes what `to-jsonl.awk` writes (all but the event ids), so the
    /// demo can use either.
    @Test func cdnowMappingYieldsTheEventsOfTheAwkScript() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let raw = try String(contentsOf: CDNOWReference.file, encoding: .utf8)
        // The header and the first 400 orders, with the file's own CRLF line ends.
        let head = try scratch.file(
            "cdnow-head.txt", raw.split(whereSeparator: \.isNewline).prefix(401).joined(separator: "\r\n") + "\r\n")
        let script = Self.tools.appendingPathComponent("datasets/cdnow/to-jsonl.awk").path
        let jsonl = try await onOwnThread {
            let awk = Process()
            awk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            awk.arguments = ["awk", "-f", script, head]
            let pipe = Pipe()
            awk.standardOutput = pipe
            try awk.run()
            let jsonl = pipe.fileHandleForReading.readDataToEndOfFile()
            awk.waitUntilExit()
            return jsonl
        }
        let file = try scratch.file("cdnow-head.jsonl", String(decoding: jsonl, as: UTF8.self))

        let viaAwk = scratch.url.appendingPathComponent("awk").path
        let viaCSV = scratch.url.appendingPathComponent("csv").path
        #expect(try await CLI.run(["--data", viaAwk, "import", file]).status == 0)
        let csv = try await CLI.run([
            "--data", viaCSV, "import-csv", head, "--mapping",
            Self.tools.appendingPathComponent("mappings/cdnow.yaml").path,
        ])
        #expect(csv.status == 0, "\(csv.stderr)")
        let a = try await events(viaAwk)
        let b = try await events(viaCSV)
        #expect(a.count == 400)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            for field in ["stream", "type", "schemaVersion", "occurredAt", "actor", "data", "metadata"] {
                #expect(x[field] == y[field], "\(field): \(x) vs \(y)")
            }
        }
    }

    @Test func bankMarketingYieldsAContactAndACallPerClientAndTheSubscriptions() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // Independently: the last field of each data line is "yes" or "no".
        let raw = try String(
            contentsOf: Self.tools.appendingPathComponent("datasets/bank-marketing/bank-additional-full.csv"),
            encoding: .utf8)
        let rows = raw.split(whereSeparator: \.isNewline).dropFirst()
        let subscribed = rows.filter { $0.hasSuffix(";\"yes\"") }.count
        #expect(rows.count == 41_188)
        #expect(subscribed == 4_640)

        let summary = try await importCSV(
            scratch.data, "datasets/bank-marketing/bank-additional-full.csv", mapping: "mappings/bank-marketing.yaml")
        #expect(summary["rows"] == 41_188)
        #expect(
            summary["types"] == [
                "ContactCreated": 41_188, "CallLogged": 41_188, "ContactUpdated": .number(JSONNumber(subscribed)),
            ])
        #expect(summary["appended"] == .number(JSONNumber(41_188 * 2 + subscribed)))

        // The first client, as the file's first data line says.
        let first = try await CLI.run(["--data", scratch.data, "read", "--stream", "customer-bank-1"]).stdout.split(
            separator: "\n"
        ).map { try JSONParser.parse(String($0)) }
        #expect(first.map { $0["type"] } == ["ContactCreated", "CallLogged"])
        #expect(first[0]["data"]?["custom"]?["age"] == 56)
        #expect(first[0]["data"]?["custom"]?["job"] == "housemaid")
        #expect(first[0]["data"]?["custom"]?["consConfIdx"] == .number(JSONNumber("-36.4")!))
        #expect(first[0]["data"]?["custom"]?["daysSincePreviousCampaign"] == nil)
        #expect(
            first[1]["data"] == [
                "callId": "bank-1-last", "customerId": "bank-1", "userId": "bank-call-centre", "direction": "outbound",
                "durationSeconds": 261, "outcome": "declined",
            ])
    }

    /// The example deals export: each deal's stages and outcome as the sample says.
    @Test func dealsExampleBecomesLeadsAndDealsMovingThroughThePipeline() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let summary = try await importCSV(scratch.data, "mappings/deals-example.csv", mapping: "mappings/deals-example.yaml")
        #expect(
            summary["types"] == [
                "LeadCreated": 4, "LeadQualified": 4, "DealCreated": 8, "DealStageChanged": 14, "DealWon": 2,
                "DealLost": 4,
            ])
        let all = try await events(scratch.data)
        let deal3 = all.filter { $0["stream"] == "deal-D-1003" }
        #expect(deal3.map { $0["type"] } == ["DealCreated", "DealStageChanged", "DealStageChanged", "DealWon"])
        #expect(deal3[1]["data"]?["fromStage"] == "qualification")
        #expect(deal3[1]["data"]?["toStage"] == "proposal")
        #expect(deal3[2]["data"]?["fromStage"] == "proposal")
        #expect(
            deal3[3]["data"] == [
                "dealId": "D-1003", "amount": "9800.00", "currency": "USD", "customerId": "c-1044",
                "closedOn": "2024-04-05", "stage": "negotiation",
            ])
        // 2024-03-08 08:30 in New York (EST) and 2024-04-05 12:00 (EDT).
        #expect(deal3[0]["occurredAt"] == "2024-03-08T13:30:00Z")
        #expect(deal3[3]["occurredAt"] == "2024-04-05T16:00:00Z")
        let lost = all.filter { $0["type"] == "DealLost" }.map { $0["data"]?["reason"] }
        #expect(lost == ["price", "competitor", "no_budget", "no_decision"])
    }
}
