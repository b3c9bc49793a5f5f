import Foundation
import JSON
import Testing

/// The customer view over the real CDNOW purchase log, checked customer by customer
/// against an independent reading of the raw file (``CDNOWReference``).
@Suite(.serialized) struct CDNOWCustomerViewTests {
    @Test func everyCustomersOrderCountTotalAndLastPurchaseMatchTheRawFile() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let reference = try CDNOWReference()
        let tools = CDNOWReference.tools
        let imported = try await CLI.run([
            "--data", scratch.data, "import-csv", CDNOWReference.file.path,
            "--mapping", tools.appendingPathComponent("mappings/cdnow.yaml").path, "--json",
        ])
        try #require(imported.status == 0, "\(imported.stderr)")

        let listed = try await CLI.run(["--data", scratch.data, "customers", "list", "--sort", "id", "--limit", "100000", "--json"])
        try #require(listed.status == 0, "\(listed.stderr)")
        let answer = try JSONParser.parse(listed.stdout)
        let customers = answer["customers"]?.arrayValue ?? []
        #expect(answer["matched"] == 23_570)
        #expect(customers.count == 23_570)

        var orders = 0
        var wrong: [String] = []
        for customer in customers {
            guard let id = customer["customerId"]?.stringValue, let expected = reference.customers[id] else {
                Issue.record("a customer the raw file does not have: \(customer)")
                continue
            }
            let count = Int(customer["frequency"]?.numberValue?.int64Value ?? -1)
            let total = customer["monetary"]?["USD"]?.stringValue.flatMap(CDNOWReference.cents)
            let last = customer["lastOrder"]?.stringValue.map { String($0.prefix(10)) }
            orders += max(count, 0)
            if count != expected.orders || total != expected.cents || last != expected.lastPurchase {
                wrong.append("\(id): view \(count) orders, \(String(describing: total)) cents, last \(last ?? "none"); raw file \(expected.orders), \(expected.cents), \(expected.lastPurchase)")
            }
        }
        #expect(orders == 69_659)
        #expect(wrong.isEmpty, "customers whose view differs from the raw file: \(wrong.prefix(5))")

        // One customer card, in full, agrees too.
        let shown = try await CLI.run(["--data", scratch.data, "customers", "show", "2", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let card = try JSONParser.parse(shown.stdout)
        #expect(card["rfm"]?["frequency"]?.numberValue?.int64Value == reference.customers["2"].map { Int64($0.orders) })
        #expect(card["rfm"]?["monetary"]?["USD"]?["total"]?.stringValue == reference.customers["2"]?.total)
    }
}
