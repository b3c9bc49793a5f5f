import Foundation
import JSON
import Testing

/// `ledgerline verify --anchor SEQ:HASH`: a head kept outside the store catches what the
/// chain alone cannot, a log rewritten with its hashes recomputed or cut short at its end.
@Suite struct VerifyCommandTests {
    /// Imports `count` orders into `data` and returns the `anchor:` line's SEQ:HASH.
    private func makeLog(_ scratch: Scratch, data: String, count: Int, amount: String = "9.50") async throws -> (anchor: String, export: String) {
        let lines = (1...count).map { n in
            #"{"stream":"customer-\#(n % 3)","type":"OrderPlaced","data":{"customerId":"\#(n % 3)","orderId":"o-\#(n)","quantity":1,"amount":"\#(amount)","currency":"EUR"}}"#
        }
        let file = try scratch.file("orders-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try await CLI.run(["--data", data, "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        let verified = try await CLI.run(["--data", data, "verify"])
        #expect(verified.status == 0)
        let anchorLine = try #require(verified.stdout.split(separator: "\n").first { $0.hasPrefix("anchor: ") })
        let export = try await CLI.run(["--data", data, "export"])
        return (String(anchorLine.dropFirst("anchor: ".count).prefix { $0 != " " }), export.stdout)
    }

    /// Counts read as English: one event is "1 event", in what verify, backup and init
    /// print, and more are grouped ("1,200 events").
    @Test func countsOfOneAreSingular() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        _ = try await makeLog(scratch, data: scratch.data, count: 1)
        let verified = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(verified.stdout.hasPrefix("intact: 1 event verified, head 1 sealed by "), "\(verified.stdout)")
        let backup = scratch.url.appendingPathComponent("copy").path
        let copied = try await CLI.run(["--data", scratch.data, "backup", backup, "--verify"])
        #expect(copied.stdout.hasPrefix("backed up 1 event to "), "\(copied.stdout)")
        #expect(copied.stdout.contains("\nverified: 1 event, chain and indexes intact\n"), "\(copied.stdout)")
        #expect(try await CLI.run(["--data", scratch.data, "init"]).stdout.hasSuffix("(1 event)\n"))
        let more = scratch.url.appendingPathComponent("more").path
        _ = try await makeLog(scratch, data: more, count: 1200)
        #expect(try await CLI.run(["--data", more, "verify"]).stdout.hasPrefix("intact: 1,200 events verified"))
    }

    @Test func anchorsTakenEarlierHoldOnTheSameLogAsItGrows() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (early, _) = try await makeLog(scratch, data: scratch.data, count: 4)
        let (later, _) = try await makeLog(scratch, data: scratch.data, count: 6, amount: "7.25")
        #expect(early.hasPrefix("4:"))
        #expect(later.hasPrefix("10:"))
        let result = try await CLI.run(["--data", scratch.data, "verify", "--anchor", early, "--anchor", later.uppercased()])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("intact: 10 events verified, all 2 anchors hold, head 10 sealed by "))

        let json = try JSONParser.parse(try await CLI.run(["--data", scratch.data, "verify", "--anchor", early, "--json"]).stdout)
        #expect(json["anchors"] == 1)
        #expect(json["anchorProblem"] == .null)
        // The anchor to keep, as the text's `anchor:` line gives it, and one it accepts back.
        #expect(json["anchor"]?.stringValue == later)
        #expect(try await CLI.run(["--data", scratch.data, "verify", "--anchor", later]).status == 0)
    }

    /// An older backup restored in place of the log: its chain holds, but it ends
    /// before the anchored head.
    @Test func aLogCutShortAtItsEndFailsItsAnchor() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (anchor, export) = try await makeLog(scratch, data: scratch.data, count: 10)
        let older = export.split(separator: "\n").prefix(7).joined(separator: "\n") + "\n"
        let restored = scratch.url.appendingPathComponent("restored").path
        #expect(try await CLI.run(["--data", restored, "import", try scratch.file("older.jsonl", older)]).status == 0)
        #expect(try await CLI.run(["--data", restored, "verify"]).status == 0, "the chain alone holds")

        let result = try await CLI.run(["--data", restored, "verify", "--anchor", anchor])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ledgerline: the chain holds (7 events verified), but the log ends at position 7, before the anchored position 10: "
                + "events were removed from its end, or this is not the log the anchor was taken from\n")
        let json = try JSONParser.parse(try await CLI.run(["--data", restored, "verify", "--anchor", anchor, "--json"]).stdout)
        #expect(json["anchorProblem"]?.stringValue?.hasPrefix("the log ends at position 7") == true)
    }

    /// A log of as many events whose content differs (one rewritten, its chain
    /// recomputed, would look the same): its chain holds, the anchor does not.
    @Test func aRewrittenLogFailsItsAnchor() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let (anchor, _) = try await makeLog(scratch, data: scratch.data, count: 5)
        let rewritten = scratch.url.appendingPathComponent("rewritten").path
        _ = try await makeLog(scratch, data: rewritten, count: 5, amount: "1.50")
        let result = try await CLI.run(["--data", rewritten, "verify", "--anchor", anchor])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ledgerline: the chain holds (5 events verified), but position 5 is sealed by "), "\(result.stderr)")
        // Whole hashes: two that share their first digits must not look alike.
        #expect(result.stderr.contains(", not by the anchored \(anchor.drop { $0 != ":" }.dropFirst()): the log was rewritten at or before that position"), "\(result.stderr)")
    }

    /// Each malformed anchor is refused before the store is read, saying which part is wrong.
    @Test(arguments: [
        ("nonsense", "it has no `:` between the position and the hash"),
        ("0:" + String(repeating: "a", count: 64), "positions start at 1; no event is at position 0"),
        ("5:" + String(repeating: "a", count: 63), "the hash has 63 hex digits, not 64"),
        ("5:" + String(repeating: "g", count: 64), "the hash holds \"g\", which is not a hex digit"),
        ("-1:" + String(repeating: "a", count: 64), "the position \"-1\" is not a whole number"),
        ("+5:" + String(repeating: "a", count: 64), "the position \"+5\" is not a whole number"),
        ("5:" + String(repeating: "a", count: 64) + " ", "it has spaces or a line break around it; give it without them"),
        ("5:sha256:" + String(repeating: "a", count: 64), "it has 2 `:`, not one; give the position, `:` and the hash alone"),
        (":" + String(repeating: "a", count: 64), "the position before the `:` is missing"),
    ])
    func aMalformedAnchorIsRefusedBeforeTheStoreIsReadSayingWhy(anchor: String, flaw: String) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await CLI.run(["--data", scratch.data, "verify", "--anchor=\(anchor)"])
        // A usage error (it was 65, as for bad data), and no store is made.
        #expect(result.status == 64)
        #expect(
            result.stderr
                == "ledgerline: --anchor \"\(anchor)\" is not SEQ:HASH, a position and the 64 hex digits of its hash, as `ledgerline verify` prints the head; \(flaw); "
                + "see `ledgerline verify --help`\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.data))
    }
}
