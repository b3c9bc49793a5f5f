import Foundation
import JSON
import Testing

/// `tools/generate-crm.py`: seeded, deterministic, valid against the catalog, and timed
/// against each customer's real CDNOW purchases.
@Suite(.enabled(if: Python3.path != nil, "python3 is not installed; the generator needs it"))
struct CRMGeneratorTests {

    /// The generator's output for `arguments`.
    private func generate(_ arguments: [String]) async throws -> Data {
        let python = URL(fileURLWithPath: try #require(Python3.path))
        let script = CDNOWReference.tools.appendingPathComponent("generate-crm.py").path
        let (status, data, problems) = try await onOwnThread {
            let process = Process()
            process.executableURL = python
            process.arguments = [script] + arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let problems = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data, problems)
        }
        #expect(status == 0, "\(String(decoding: problems, as: UTF8.self))")
        return data
    }

    @Test func theSameSeedGivesTheSameBytes() async throws {
        let a = try await generate(["--seed", "11", "--customers", "120"])
        let b = try await generate(["--seed", "11", "--customers", "120"])
        let c = try await generate(["--seed", "12", "--customers", "120"])
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func everyEventIsValidAndTimedAroundTheCustomersPurchases() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let output = try await generate(["--seed", "3", "--customers", "300"])
        let file = scratch.url.appendingPathComponent("crm.jsonl").path
        try output.write(to: URL(fileURLWithPath: file))

        let validate = try await CLI.run(["schemas", "validate", file])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("every line is valid"))

        let reference = try CDNOWReference()
        var types: [String: Int] = [:]
        var contacts: [String: String] = [:]
        var previous = ""
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let event = try JSONParser.parse(String(line))
            let type = try #require(event["type"]?.stringValue)
            let occurredAt = try #require(event["occurredAt"]?.stringValue)
            types[type, default: 0] += 1
            #expect(occurredAt >= previous, "lines are in time order")
            previous = occurredAt
            #expect(occurredAt >= "1996-11-01" && occurredAt <= "1998-06-30T23:59:59Z")
            #expect(event["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
            if type == "ContactCreated", let id = event["data"]?["customerId"]?.stringValue {
                contacts[id] = occurredAt
            }
        }
        #expect(contacts.count == 300)
        for (id, created) in contacts {
            let customer = try #require(reference.customers[id], "customer \(id) is not in the CDNOW log")
            #expect(created < customer.firstPurchase, "customer \(id) is created before buying")
        }
        for type in [
            "ContactCreated", "Subscribed", "LeadCreated", "LeadQualified", "DealCreated", "DealStageChanged",
            "DealWon", "DealLost",
            "EmailSent", "EmailOpened", "EmailReplied", "MeetingBooked", "MeetingHeld", "CallLogged", "TaskCreated",
            "TaskCompleted",
        ] {
            #expect(types[type, default: 0] > 0, "no \(type)")
        }

        let first = try await CLI.run(["--data", scratch.data, "import", file, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try JSONParser.parse(first.stdout)["appended"] == .number(JSONNumber(types.values.reduce(0, +))))
        let again = try await CLI.run(["--data", scratch.data, "import", file, "--json"])
        #expect(try JSONParser.parse(again.stdout)["appended"] == 0)
    }
}

/// Where `python3` is, if it is installed.
enum Python3 {
    static let path: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
