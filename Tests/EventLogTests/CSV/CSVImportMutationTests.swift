import Foundation
import Testing

@testable import EventLog

/// CSV imports with one row changed at random: cut short, a byte replaced, bytes
/// inserted or dropped (a stray quote, a delimiter, invalid UTF-8), a field left out or
/// added, a date or an amount that does not parse, another row's customer under this
/// row's name (the same contact id with other content).
///
/// Whatever the change, the import either appends every row's events or appends
/// nothing and blames only lines from the changed row on, in batches of 1 to 64
/// events. (A contact's id key must tell rows apart, so each row has its own customer;
/// giving a row another's is a collision the import refuses.)
@Suite("CSV import of randomly changed files")
struct CSVImportMutationTests {
    static let header = "CustomerID,Name,Email,Date,Amount"
    static let mapping = """
        actor: integration:shop
        events:
          - type: ContactCreated
            stream: "customer-{CustomerID}"
            id: "shop-contact-{CustomerID}"
            data:
              customerId: "{CustomerID}"
              firstName: "{Name}"
              email: "{Email}"
          - type: OrderPlaced
            stream: "customer-{CustomerID}"
            id: "shop-order-{line}"
            occurredAt: { column: Date, format: "%Y-%m-%d" }
            data:
              customerId: "{CustomerID}"
              quantity: 1
              amount: { column: Amount, type: money }
              currency: USD

        """

    /// 150 rows, a customer each.
    static let rows: [String] = (0..<150).map { i in
        let customer = i + 1
        let amount = i % 3 == 0 ? "\"$1,\(200 + i)\"" : "\(i).50"
        return "\(customer),\"Name \(customer)\",c\(customer)@example.com,2024-01-\(String(format: "%02d", i % 28 + 1)),\(amount)"
    }

    static let tokens: [String] = ["\"", ",", "\u{FF}", " ", "$", "-", "e", "\"\"", ",,", "\u{0}"]

    /// One row changed at random, as bytes; never a line break, so line numbers stay put.
    static func mutate(_ row: String, _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(row.utf8)
        let k = Int.random(in: 0..<bytes.count, using: &random)
        var fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        switch Int.random(in: 0..<8, using: &random) {
        case 0: bytes.removeSubrange(k...)
        case 1: bytes[k] = UInt8.random(in: 0...255, using: &random)
        case 2:
            let token = tokens.randomElement(using: &random)!
            bytes.insert(contentsOf: token == "\u{FF}" ? [0xFF] : Array(token.utf8), at: k)
        case 3: bytes.removeSubrange(k..<min(bytes.count, k + Int.random(in: 1...8, using: &random)))
        case 4:
            // Another row's customer under this row's name and email.
            fields[0] = String(Int.random(in: 1...rows.count, using: &random))
            bytes = Array(fields.joined(separator: ",").utf8)
        case 5:
            fields[3] = ["2024-02-30", "yesterday", "2024-1-5", ""].randomElement(using: &random)!
            bytes = Array(fields.joined(separator: ",").utf8)
        case 6:
            fields[fields.count - 1] = ["twelve", "1e5", "", "12.5.0", "-3"].randomElement(using: &random)!
            bytes = Array(fields.joined(separator: ",").utf8)
        default:
            bytes = Array((Bool.random(using: &random) ? fields.dropLast() : fields + ["extra"]).joined(separator: ",").utf8)
        }
        return bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
    }

    @Test(arguments: 0..<6)
    func aChangedRowAppendsEverythingOrNothing(round: Int) async throws {
        let mapping = try CSVMapping(yaml: Self.mapping, file: "shop.yaml")
        var random = SeededGenerator(seed: UInt64(round) &* 104_729 &+ 11)
        var refused = 0
        for trial in 0..<25 {
            let count = Int.random(in: 10...Self.rows.count, using: &random)
            let changed = Int.random(in: 0..<count, using: &random)
            var contents = [Array(Self.header.utf8)] + Self.rows.prefix(count).map { Array($0.utf8) }
            contents[changed + 1] = Self.mutate(Self.rows[changed], &random)
            var options = CSVImporter.Options()
            options.batchSize = [1, 7, 64].randomElement(using: &random)!
            let (scratch, _) = try ScratchDirectory.forImports("csv-mutation")
            defer { scratch.cleanup() }
            options.scratchDirectory = scratch.url
            let file = scratch.file("shop.csv")
            try Data(Array(contents.joined(separator: [0x0D, 0x0A]) + [0x0D, 0x0A])).write(to: file)
            // The header is line 1, so row `changed` is on line `changed + 2`.
            let line = changed + 2
            let context = "round \(round), trial \(trial): line \(line) of \(count + 1), batches of \(options.batchSize): \(String(decoding: contents[changed + 1], as: UTF8.self))"
            let wasRefused = try await ImportMutationTests.expectWholeOrNothing(
                context, blamable: line...(count + 1), scratch: scratch,
                importing: { store in
                    try await CSVImporter(mapping: mapping, store: store, validator: nil, options: options).importFile(at: file, displayName: "shop.csv")
                },
                appended: \.appended,
                imported: { summary, _ in #expect(summary.appended + summary.duplicates == summary.events, "\(context)") })
            if wasRefused { refused += 1 }
        }
        #expect(refused > 5 && refused < 25, "\(refused) of 25 refused")
    }
}
