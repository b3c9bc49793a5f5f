import EventLog
import Foundation
import JSON
import Testing

/// Kill -9 at random moments: the log must come back intact with every acknowledged event.
@Suite(.serialized) struct CrashSafetyTests {
    @Test func appendsAcknowledgedBeforeSIGKILLSurviveAndThePositionsStayGapless() async throws {
        let executable = try CLI.requireExecutable()
        let scratch = Scratch()
        defer { scratch.cleanup() }
        var acknowledged: [UInt64: String] = [:]
        var kills = 0
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        for round in 0..<24 {
            // One round in four is killed at a random moment from its start, often before
            // its first commit; the others a random while after their first acknowledged
            // append, mid-commit. (Killing all of them at random from the start once left
            // 11 acknowledgements in 24 rounds: under AddressSanitizer on a loaded machine
            // a child can take most of a second to start.)
            let outcome = try await Self.killedAppendLoop(
                executable: executable, data: scratch.data, acks: scratch.url.appendingPathComponent("acks-\(round).txt"),
                afterFirstAck: round % 4 != 0)
            #expect(outcome.killedBySignal)
            kills += 1
            acknowledged.merge(outcome.acknowledged) { _, new in new }

            var options = LMDBEventStore.Options()
            options.create = false
            let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
            let report = try store.verify(progress: nil)
            #expect(report.isIntact, "round \(round): \(report.problem ?? "")")
            let head = report.head.position.rawValue
            for (seq, id) in acknowledged {
                #expect(seq <= head, "round \(round): acknowledged position \(seq) is beyond the head \(head)")
                let stored = try store.read(from: LogPosition(seq), direction: .forward, limit: 1).first
                #expect(stored?.id.description == id, "round \(round): acknowledged event \(id) at \(seq) is missing")
            }
            store.close()
        }
        #expect(kills >= 20)
        #expect(acknowledged.count > 100, "the child should have acknowledged appends before most kills")
    }

    private struct KilledRun: Sendable {
        var killedBySignal: Bool
        /// Position to event id, as the child printed them once each append was acknowledged.
        var acknowledged: [UInt64: String]
    }

    /// Starts `debug append-loop` on `data` with its acknowledgements going to `acks`,
    /// kills it with SIGKILL after a random while (counted from its first acknowledgement
    /// when `afterFirstAck`), and reads back what it acknowledged.
    ///
    /// Runs on a thread of its own (``onOwnThread(_:)``): it sleeps and waits for the child.
    private static func killedAppendLoop(executable: URL, data: String, acks: URL, afterFirstAck: Bool) async throws -> KilledRun {
        try await onOwnThread {
            _ = FileManager.default.createFile(atPath: acks.path, contents: nil)
            let output = try FileHandle(forWritingTo: acks)
            let child = Process()
            child.executableURL = executable
            // --max-seconds only ends a child orphaned by a crashed test run: on a
            // loaded machine the kill below can come seconds late, and must still
            // find it running.
            child.arguments = ["--data", data, "debug", "append-loop", "--tasks", "4", "--max-seconds", "120"]
            child.standardOutput = output
            child.standardError = FileHandle.nullDevice
            try child.run()
            defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
            var rng = SystemRandomNumberGenerator()
            if afterFirstAck {
                let deadline = Date().addingTimeInterval(60)
                while child.isRunning, Date() < deadline, (try? FileManager.default.attributesOfItem(atPath: acks.path)[.size] as? Int) ?? 0 == 0 {
                    usleep(5_000)
                }
                usleep(UInt32(Int.random(in: 10...300, using: &rng)) * 1_000)
            } else {
                usleep(UInt32(Int.random(in: 40...450, using: &rng)) * 1_000)
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            try output.close()
            var acknowledged: [UInt64: String] = [:]
            for line in try String(contentsOf: acks, encoding: .utf8).split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let seq = UInt64(parts[0]), parts[1].count == 36 else { continue }  // a torn last line
                acknowledged[seq] = String(parts[1])
            }
            return KilledRun(killedBySignal: child.terminationReason == .uncaughtSignal, acknowledged: acknowledged)
        }
    }

    @Test func anImportKilledMidwayResumesWithoutDuplicates() async throws {
        let executable = try CLI.requireExecutable()
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let total = 40_000
        var text = ""
        text.reserveCapacity(total * 130)
        for n in 0..<total {
            text += #"{"stream":"customer-\#(n % 5000)","type":"PageVisited","data":{"customerId":"\#(n % 5000)","url":"https://example.com/p/\#(n)"}}"# + "\n"
        }
        let file = try scratch.file("big.jsonl", text)
        let options = {
            var options = LMDBEventStore.Options()
            options.create = false
            return options
        }()
        // Kill it once it has appended something but before it is done.
        let child = Process()
        child.executableURL = executable
        child.arguments = ["--data", scratch.data, "import", file, "--batch-size", "1000"]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        let data = scratch.data
        // Polls and waits on a thread of its own, as above.
        try await onOwnThread {
            try child.run()
            var partial: UInt64 = 0
            for _ in 0..<600 where partial == 0 {
                usleep(50_000)
                if let store = try? LMDBEventStore(directory: URL(fileURLWithPath: data), options: options) {
                    partial = (try? store.head().position.rawValue) ?? 0
                    store.close()
                }
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
        let afterKill = try store.head().position.rawValue
        store.close()
        #expect(afterKill > 0)
        #expect(afterKill < UInt64(total), "the import finished before it could be killed; make the file larger")
        // The killed import left its spool (the checked file, encoded) in the store's folder.
        let scratchFiles = { try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasPrefix(".ledgerline-") } }
        #expect(try scratchFiles().count == 1)

        // The next import removes it: no process holds it any more (a file younger than
        // two seconds is left alone, as it may be one just being created).
        try await Task.sleep(for: .seconds(2.5))
        let rerun = try await CLI.run(["--data", scratch.data, "import", file, "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let summary = try JSONParser.parse(rerun.stdout)
        #expect(summary["appended"]?.numberValue?.int64Value == Int64(UInt64(total) - afterKill))
        #expect(summary["duplicates"]?.numberValue?.int64Value == Int64(afterKill))
        #expect(summary["head"]?.numberValue?.int64Value == Int64(total))
        #expect(try scratchFiles().isEmpty)
        let verify = try await CLI.run(["--data", scratch.data, "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}
