import Foundation

/// What the raw CDNOW purchase log says about each customer, read independently of the
/// importer: plain text splitting and integer cents, no mapping, no decimal parser.
///
/// Tests compare what the log (and, later, the customer view) holds against this.
struct CDNOWReference {
    struct Customer: Hashable {
        var orders = 0
        /// The sum of the order amounts, in cents.
        var cents: Int64 = 0
        /// The first and last purchase days, `YYYY-MM-DD`.
        var firstPurchase = ""
        var lastPurchase = ""

        /// The total as an exact decimal string, `1234.50`.
        var total: String { CDNOWReference.decimal(cents) }
    }

    /// By customer id as the log writes it (`00042` is `42`).
    var customers: [String: Customer] = [:]
    var orders = 0

    /// The repository's copy of the log.
    static var file: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("tools/datasets/cdnow/CDNOW_master.txt")
    }

    /// The repository's `tools/` folder.
    static var tools: URL { file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// Reads `url` (by default ``file``); only the first `limit` data lines when given.
    init(url: URL = CDNOWReference.file, limit: Int? = nil) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard fields.count == 4, let number = Int(fields[0]) else { continue }
            if let limit, orders == limit { break }
            let date = fields[1]
            let parts = fields[3].split(separator: ".")
            let cents =
                Int64(parts[0])! * 100
                + (parts.count > 1 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0)
            let day = "\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))"
            var customer = customers[String(number), default: Customer()]
            customer.orders += 1
            customer.cents += cents
            customer.firstPurchase = customer.firstPurchase.isEmpty ? day : min(customer.firstPurchase, day)
            customer.lastPurchase = max(customer.lastPurchase, day)
            customers[String(number)] = customer
            orders += 1
        }
    }

    /// `cents` as a decimal string with two places.
    static func decimal(_ cents: Int64) -> String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// An exact decimal string with at most two places (`12`, `12.5`, `12.50`) in cents.
    static func cents(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]) else { return nil }
        guard parts.count == 2 else { return whole * 100 }
        guard parts[1].count <= 2, let fraction = Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))
        else { return nil }
        return whole * 100 + fraction
    }
}
