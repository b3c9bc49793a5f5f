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
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        // The reference: an uninterrupted rebuild of the same store, in the batches the
        // killed runs use (each a durable commit); the kills fall within its duration,
        // however fast the machine.
        let clock = ContinuousClock()
        let rebuilt = try await CLI.run(["--data", scratch.data, "project", "rebuild", "--batch-size", "300"])
        #expect(rebuilt.status == 0)
        let reference = rebuilt.duration
        var window = max(Int(reference / .milliseconds(1)), 50)
        let expected = try JSONParser.parse(
            try await CLI.run(["--data", scratch.data, "project", "digest", "--json"]).stdout)

        var rng = SystemRandomNumberGenerator()
        var killed = 0
        var runs: [String] = []
        // Up to six kills in at most twelve runs: on a loaded machine a run can finish
        // before its kill comes, and is then checked like the others.
        for _ in 0..<12 where killed < 6 {
            let child = Process()
            child.executableURL = executable
            child.arguments = ["--data", scratch.data, "project", "rebuild", "--batch-size", "300"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            let launched = clock.now
            let delay = UInt32(Int.random(in: (window / 20)...(window * 9 / 10), using: &rng) * 1_000)
            // A blocking sleep, on a thread of its own: with the other suites keeping every
            // thread of the task pool busy, `Task.sleep` woke long after the run had ended.
            // Whether the kill landed is read from how the child ended (`isRunning` only
            // keeps a reaped child's id from being signalled).
            try await onOwnThread {
                try child.run()
                usleep(delay)
                if child.isRunning { kill(child.processIdentifier, SIGKILL) }
                child.waitUntilExit()
            }
            runs.append("\(Int((clock.now - launched) / .milliseconds(1)))ms/\(window)")
            if child.terminationReason == .uncaughtSignal {
                killed += 1
            } else {
                // A run that ended before its kill must have ended well; the next kill
                // comes within the time this one took (the reference may have run slow).
                #expect(child.terminationStatus == 0, "an uninterrupted rebuild exited with \(child.terminationStatus)")
                window = max(min(window, Int((clock.now - launched) / .milliseconds(1))), 20)
            }
            // Resume from wherever it stopped: digest catches the views up first.
            let resumed = try JSONParser.parse(
                try await CLI.run(["--data", scratch.data, "project", "digest", "--json"]).stdout)
            #expect(resumed == expected)
            // And a status in between shows no lag left.
            let status = try JSONParser.parse(
                try await CLI.run(["--data", scratch.data, "project", "status", "--json"]).stdout)
            #expect(status.arrayValue?.allSatisfy { $0["lag"] == 0 } == true)
        }
        #expect(killed >= 1, "no rebuild was interrupted (run/window: \(runs.joined(separator: " ")), reference \(reference))")
    }
}
