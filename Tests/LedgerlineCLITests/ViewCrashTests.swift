import EventLog
import Foundation
import JSON
import Testing

/// Kill -9 a rebuild at random moments: the next run goes on from the stored checkpoint,
/// and the views end up holding exactly what a clean rebuild holds (an event folded twice
/// or skipped would change the digest).
@Suite(.serialized) struct ViewCrashTests {
    @Test func aRebuildKilledAtRandomMomentsEndsWithTheCleanDigest() async throws {
        let executable = try CLI.requireExecutable()
        let scratch = Scratch()
        defer { scratch.cleanup() }
        var text = ""
        let total = 30_000
        text.reserveCapacity(total * 160)
        for n in 0..<total {
            let c = (n * 7919) % 3000
            if n % 3 == 0 {
                text +=
                    #"{"stream":"customer-\#(c)","type":"OrderPlaced","data":{"customerId":"\#(c)","orderId":"o\#(n)","quantity":1,"amount":"\#(n % 500).\#(n % 10)5","currency":"USD"}}"#
                    + "\n"
            } else if n % 7 == 0 {
                let d = n % 200
                text +=
                    #"{"stream":"deal-\#(d)","type":"DealStageChanged","data":{"dealId":"\#(d)","fromStage":"new","toStage":"qualified","pipeline":"default"}}"#
                    + "\n"
            } else {
                text +=
                    #"{"stream":"customer-\#(c)","type":"PageVisited","data":{"customerId":"\#(c)","url":"https://example.com/p/\#(n % 50)"}}"#
                    + "\n"
            }
        }
        let file = try scratch.file("log.jsonl", text)
        #expect(try CLI.run(["--data", scratch.data, "import", file]).status == 0)
        // The reference: an uninterrupted rebuild of the same store, in the batches the
        // killed runs use; the kills fall within its duration, however fast the machine.
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try CLI.run(["--data", scratch.data, "project", "rebuild", "--batch-size", "700"]).status == 0)
        let reference = clock.now - started
        let window = max(Int(reference / .milliseconds(1)), 50)
        let expected = try JSONParser.parse(
            try CLI.run(["--data", scratch.data, "project", "digest", "--json"]).stdout)

        var rng = SystemRandomNumberGenerator()
        var killed = 0
        for _ in 0..<6 {
            let child = Process()
            child.executableURL = executable
            child.arguments = ["--data", scratch.data, "project", "rebuild", "--batch-size", "700"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: (window / 20)...(window * 9 / 10), using: &rng)))
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                killed += 1
            }
            child.waitUntilExit()
            // Resume from wherever it stopped: digest catches the views up first.
            let resumed = try JSONParser.parse(
                try CLI.run(["--data", scratch.data, "project", "digest", "--json"]).stdout)
            #expect(resumed == expected)
            // And a status in between shows no lag left.
            let status = try JSONParser.parse(
                try CLI.run(["--data", scratch.data, "project", "status", "--json"]).stdout)
            #expect(status.arrayValue?.allSatisfy { $0["lag"] == 0 } == true)
        }
        #expect(killed >= 1, "no rebuild was interrupted; the machine is fast enough to need a bigger log")
    }
}
