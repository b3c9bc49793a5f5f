import Foundation
import JSON
import Testing

/// `ledgerline streams`: listing streams by prefix, page by page, as text and JSON.
@Suite struct StreamsCommandTests {
    /// Customers 1 to 12 with a contact each, orders for customers 3 and 11, and one deal.
    private func makeStore() async throws -> Scratch {
        let scratch = Scratch()
        var lines = (1...12).map { n in #"{"stream":"customer-\#(n)","type":"ContactCreated","data":{"customerId":"\#(n)"}}"# }
        for n in [3, 11, 3] {
            lines.append(#"{"stream":"customer-\#(n)","type":"OrderPlaced","data":{"customerId":"\#(n)","quantity":1,"amount":"5.00","currency":"USD"}}"#)
        }
        lines.append(#"{"stream":"deal-1","type":"DealCreated","data":{"dealId":"D-1","name":"Renewal","ownerId":"rep-1","pipeline":"default","stage":"new"}}"#)
        let imported = try await CLI.run(["--data", scratch.data, "import", try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")])
        #expect(imported.status == 0, "\(imported.stderr)")
        return scratch
    }

    private func objects(_ output: String) throws -> [JSONValue] {
        try output.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    }

    @Test func jsonLinesDescribeEachStreamInByteOrder() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "streams", "--prefix", "customer-1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let streams = try objects(result.stdout)
        #expect(streams.map { $0["stream"]?.stringValue } == ["customer-1", "customer-10", "customer-11", "customer-12"])
        let eleven = try #require(streams.first { $0["stream"]?.stringValue == "customer-11" })
        #expect(eleven["version"]?.numberValue?.int64Value == 2)
        #expect(eleven["firstPosition"]?.numberValue?.int64Value == 11)
        #expect(eleven["lastPosition"]?.numberValue?.int64Value == 14)
        #expect(eleven["lastType"]?.stringValue == "OrderPlaced")
        #expect(eleven["firstRecordedAt"]?.stringValue != nil && eleven["lastRecordedAt"]?.stringValue != nil)
    }

    @Test func theTextListingSaysHowToGetTheNextPage() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let first = try await CLI.run(["--data", scratch.data, "streams", "--prefix", "customer-", "--limit", "5"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("STREAM") == true)
        #expect(lines.dropFirst().prefix(5).map { String($0.prefix { $0 != " " }) } == ["customer-1", "customer-10", "customer-11", "customer-12", "customer-2"])
        #expect(lines.contains("more follow: add --after customer-2 for the next 5"))

        // Following the hint to the end: the last page has no hint.
        let rest = try await CLI.run(["--data", scratch.data, "streams", "--prefix", "customer-", "--after", "customer-2", "--json"])
        #expect(try objects(rest.stdout).map { $0["stream"]?.stringValue } == (3...9).map { "customer-\($0)" })
        let last = try await CLI.run(["--data", scratch.data, "streams", "--prefix", "customer-", "--after", "customer-5", "--limit", "4"])
        #expect(!last.stdout.contains("more follow"))

        let none = try await CLI.run(["--data", scratch.data, "streams", "--prefix", "account-"])
        #expect(none.status == 0)
        #expect(none.stdout == "no streams start with account-\n")
    }

    @Test func badArgumentsAreRefusedSayingWhy() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let badName = try await CLI.run(["--data", scratch.data, "streams", "--after", "customer 2"])
        #expect(badName.status == 64)
        #expect(badName.stderr.contains("--after: a stream name may not contain whitespace or control characters"))
        #expect(badName.stdout.isEmpty)
        let badLimit = try await CLI.run(["--data", scratch.data, "streams", "--limit=-1"])
        #expect(badLimit.status == 64)
        #expect(badLimit.stderr.contains("--limit must be zero or more"))
    }
}
