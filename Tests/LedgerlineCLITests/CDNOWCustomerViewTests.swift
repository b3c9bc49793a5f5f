import Foundation
import JSON
import Testing

/// The customer view over the real CDNOW purchase log, imported through its CSV mapping,
/// against a count made straight from the raw file: every customer's order count, exact
/// total and last purchase day, and the totals (23,570 customers, 69,659 orders).
@Suite struct CDNOWCustomerViewTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Expected {
        var orders = 0
        var cents = 0
        var lastDay = ""
    }

    /// customer id (leading zeros dropped, as the mapping does) → orders, total in cents, last day.
    static func independentCount(_ file: URL) throws -> [String: Expected] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var out: [String: Expected] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard fields.count == 4, let id = Int(fields[0]) else { continue }
            let money = fields[3].split(separator: ".")
            let cents = Int(money[0])! * 100 + (money.count > 1 ? Int(money[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0)
            let date = String(fields[1])
            let day = "\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))"
            var e = out["\(id)"] ?? Expected()
            e.orders += 1
            e.cents += cents
            if day > e.lastDay { e.lastDay = day }
            out["\(id)"] = e
        }
        return out
    }

    @Test func everyCustomersOrdersTotalAndLastPurchaseMatchTheRawFile() throws {
        let file = Self.root.appendingPathComponent("tools/datasets/cdnow/CDNOW_master.txt")
        let mapping = Self.root.appendingPathComponent("tools/mappings/cdnow.yaml")
        guard FileManager.default.fileExists(atPath: file.path), FileManager.default.fileExists(atPath: mapping.path) else {
            Issue.record("the CDNOW file or its mapping is missing under tools/")
            return
        }
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let imported = try CLI.run(["--data", scratch.data, "import-csv", file.path, "--mapping", mapping.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let listed = try CLI.run(["--data", scratch.data, "customers", "list", "--limit", "1000000", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let view = try JSONParser.parse(listed.stdout)
        let customers = view["customers"]?.arrayValue ?? []

        let expected = try Self.independentCount(file)
        #expect(expected.count == 23_570)
        #expect(expected.values.reduce(0) { $0 + $1.orders } == 69_659)
        #expect(customers.count == expected.count)
        #expect(customers.reduce(0) { $0 + Int($1["frequency"]?.numberValue?.int64Value ?? 0) } == 69_659)
        var mismatches = 0
        for customer in customers {
            guard let id = customer["customerId"]?.stringValue, let e = expected[id] else {
                mismatches += 1
                continue
            }
            let total = customer["monetary"]?["USD"]?.stringValue ?? ""
            let cents = total.split(separator: ".").enumerated().reduce(0) { sum, part in
                part.offset == 0 ? Int(part.element)! * 100 : sum + Int(part.element.padding(toLength: 2, withPad: "0", startingAt: 0))!
            }
            let lastDay = String((customer["lastOrder"]?.stringValue ?? "").prefix(10))
            if customer["frequency"]?.numberValue?.int64Value != Int64(e.orders) || cents != e.cents || lastDay != e.lastDay {
                mismatches += 1
                if mismatches <= 5 { Issue.record("customer \(id): view \(customer), raw \(e)") }
            }
        }
        #expect(mismatches == 0)
    }
}
