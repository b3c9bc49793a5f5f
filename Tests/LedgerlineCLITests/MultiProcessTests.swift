import EventLog
import Foundation
import JSON
import Testing

/// Several processes writing one store. LMDB lets one process write at a time, so each
/// process's writer must take the log as it finds it in each transaction, not as it
/// last left it.
@Suite(.serialized) struct MultiProcessTests {
    /// A running `ledgerline debug append-loop --tasks 4` on a store, printing each
    /// acknowledged `position id` to its own file.
    private struct AppendLoop: Sendable {
        let process = Process()
        let acks: URL
        let errors = Pipe()

        init(_ scratch: Scratch, name: String, seconds: Double) throws {
            acks = scratch.url.appendingPathComponent("acks-\(name).txt")
            _ = FileManager.default.createFile(atPath: acks.path, contents: nil)
            process.executableURL = try CLI.requireExecutable()
            process.arguments = ["--data", scratch.data, "debug", "append-loop", "--tasks", "4", "--max-seconds", "\(seconds)"]
            process.standardOutput = try FileHandle(forWritingTo: acks)
            process.standardError = errors
        }

        /// Waits for it to end on its own; its exit status and what it wrote to stderr.
        func finish() async throws -> (status: Int32, stderr: String) {
            try await onOwnThread {
                let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return (process.terminationStatus, stderr)
            }
        }

        /// The `(position, id)` pairs it printed; a last line cut short by a kill is left out.
        func acknowledgements() throws -> [(UInt64, String)] {
            try String(contentsOf: acks, encoding: .utf8).split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let position = UInt64(parts[0]), parts[1].count == 36 else { return nil }
                return (position, String(parts[1]))
            }
        }
    }

    /// The store the children wrote, opened for checking.
    private func openWritten(_ scratch: Scratch) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.create = false
        return try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
    }

    @Test func twoProcessesAppendingAtOnceBothSucceedAndTheChainHolds() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        // Both append to the same 200 streams (`customer-T-N` for task T), for the same
        // 1.5 seconds, so their commits interleave and each finds the other's events in
        // the streams it appends to.
        let children = try (0..<2).map { try AppendLoop(scratch, name: "\($0)", seconds: 1.5) }
        for child in children { try child.process.run() }
        var positions: [UInt64: String] = [:]
        var ranges: [ClosedRange<UInt64>] = []
        for (index, child) in children.enumerated() {
            let (status, stderr) = try await child.finish()
            #expect(status == 0, "process \(index) failed: \(stderr)")
            let acknowledged = try child.acknowledgements()
            #expect(acknowledged.count > 20, "process \(index) appended only \(acknowledged.count) events")
            for (position, id) in acknowledged {
                #expect(positions.updateValue(id, forKey: position) == nil, "position \(position) was acknowledged twice")
            }
            if let low = acknowledged.map(\.0).min(), let high = acknowledged.map(\.0).max() { ranges.append(low...high) }
        }
        // The two really wrote at the same time: their positions interleave.
        #expect(ranges.count == 2 && ranges[0].overlaps(ranges[1]), "the processes did not overlap: \(ranges)")

        let store = try openWritten(scratch)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(report.isIntact, "\(report.problem ?? "")")
        // Every position from 1 to the head was acknowledged to one of them, with its id.
        #expect(report.head.position.rawValue == UInt64(positions.count))
        let log = try store.read(from: .start, direction: .forward, limit: positions.count + 1)
        #expect(log.count == positions.count)
        for event in log { #expect(positions[event.position.rawValue] == event.id.description) }
        // Each stream's versions run 1, 2, 3, … across both processes' events.
        for stream in Set(log.map(\.stream)) {
            let versions = try store.readStream(stream, from: nil, direction: .forward, limit: 10_000).map(\.version.rawValue)
            #expect(versions == Array(1...UInt64(versions.count)), "\(stream): \(versions)")
        }
    }

    /// A writer killed with SIGKILL, possibly holding LMDB's write lock, must not stop
    /// another process's appends: the lock is released with the dead process, and the
    /// survivor starts each transaction from the head the dead one left.
    @Test func aWriterKilledMidAppendDoesNotStopAnotherProcess() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try await CLI.run(["--data", scratch.data, "init"]).status == 0)
        let survivor = try AppendLoop(scratch, name: "survivor", seconds: 3)
        try survivor.process.run()
        let victims = try await onOwnThread {
            var rng = SystemRandomNumberGenerator()
            var victims: [AppendLoop] = []
            for round in 0..<8 {
                let victim = try AppendLoop(scratch, name: "victim-\(round)", seconds: 60)
                try victim.process.run()
                defer { if victim.process.isRunning { kill(victim.process.processIdentifier, SIGKILL) } }
                usleep(UInt32(Int.random(in: 50...300, using: &rng)) * 1_000)
                kill(victim.process.processIdentifier, SIGKILL)
                victim.process.waitUntilExit()
                victims.append(victim)
            }
            return victims
        }
        let (status, stderr) = try await survivor.finish()
        #expect(status == 0, "the surviving process failed: \(stderr)")

        let store = try openWritten(scratch)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(report.isIntact, "\(report.problem ?? "")")
        let survived = try survivor.acknowledgements()
        #expect(survived.count > 20, "the survivor appended only \(survived.count) events")
        // Every acknowledged event is there; a victim may have committed one it had not
        // yet printed when it died, so the head can be a little past the acknowledgements.
        let acknowledged = try survived + victims.flatMap { try $0.acknowledgements() }
        #expect(Set(acknowledged.map(\.0)).count == acknowledged.count, "a position was acknowledged twice")
        #expect(report.head.position.rawValue >= UInt64(acknowledged.count))
        for (position, id) in acknowledged {
            let stored = try store.read(from: LogPosition(position), direction: .forward, limit: 1).first
            #expect(stored?.id.description == id, "acknowledged event \(id) at \(position) is missing")
        }
    }

    /// A subscription that looks for other processes' appends hears of each one as it
    /// is committed: polling once an hour, it could only see them through the commit
    /// watcher.
    @Test func aSubscriptionIsWokenByAnotherProcessesCommitsWithoutWaitingForItsPoll() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data))
        defer { store.close() }
        let received = Task {
            var positions: [UInt64] = []
            for try await event in store.subscribe(after: .start).polling(every: .seconds(3_600)) {
                positions.append(event.position.rawValue)
                if positions.count == 3 { break }
            }
            return positions
        }
        for n in 1...3 {
            // Appended only after the subscription has caught up with the last one, so
            // each is a live delivery, not part of catching up.
            let appended = try await CLI.run([
                "--data", scratch.data, "append", "--stream", "customer-\(n)", "--type", "ContactCreated", "--data", #"{"customerId":"\#(n)"}"#,
            ])
            #expect(appended.status == 0, "\(appended.stderr)")
            try await Task.sleep(for: .milliseconds(50))
        }
        // If the watcher missed a commit, the test ends here instead of waiting an hour.
        // Its time starts after the appends, which may have waited their turn to run
        // (see `CLI.run`).
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            received.cancel()
        }
        defer { watchdog.cancel() }
        #expect(try await received.value == [1, 2, 3], "the watcher did not deliver every commit of the other process")
    }

    @Test func aStoreHeldOpenAppendsAfterAnotherProcessHasAppended() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data))
        defer { store.close() }
        func visit(_ n: Int, expected: ExpectedVersion = .any) -> ProposedEvent {
            ProposedEvent(
                stream: StreamName("customer-1"), type: "PageVisited",
                data: ["customerId": "1", "url": .string("https://example.com/p/\(n)")], expectedVersion: expected)
        }
        _ = try await store.append([visit(1), visit(2)])

        // Another process appends while this one keeps the store open.
        let other = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-1", "--type", "PageVisited",
            "--data", #"{"customerId":"1","url":"https://example.com/p/3"}"#,
        ])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.contains(#""seq":3"#))

        // This process's next append lands after it, and sees its version.
        let next = try await store.append([visit(4, expected: .exact(StreamVersion(3)))])
        #expect(next.events.map(\.position) == [LogPosition(4)])
        #expect(next.events.map(\.version) == [StreamVersion(4)])
        // And an expectation the other process's append made stale is refused.
        await #expect(throws: EventLogError.self) { try await store.append([visit(5, expected: .exact(StreamVersion(2)))]) }

        // An import plans its batches ahead of the writer; after another process's append
        // the plans and the writer must still agree.
        let more = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-2", "--type", "PageVisited",
            "--data", #"{"customerId":"2","url":"https://example.com/p/1"}"#,
        ])
        #expect(more.status == 0, "\(more.stderr)")
        let lines = (6...9).map { #"{"stream":"customer-1","type":"PageVisited","data":{"customerId":"1","url":"https://example.com/p/\#($0)"}}"# }
        let file = try scratch.file("more.jsonl", lines.joined(separator: "\n") + "\n")
        var options = EventImporter.Options()
        options.batchSize = 2
        options.scratchDirectory = scratch.url
        let summary = try await EventImporter(store: store, validator: nil, options: options)
            .importFile(at: URL(fileURLWithPath: file), displayName: "more.jsonl")
        #expect(summary.appended == 4)
        #expect(summary.head == LogPosition(9))

        let report = try store.verify(progress: nil)
        #expect(report.isIntact, "\(report.problem ?? "")")
        let versions = try store.readStream(StreamName("customer-1"), from: nil, direction: .forward, limit: 100).map(\.version.rawValue)
        #expect(versions == Array(1...8))
    }

    /// `project rebuild` while other processes query the views and append: the rebuild
    /// used to clear the views and fold them in place, so a query folded the emptied view
    /// too, the rebuild's commits found checkpoints moved, and it gave up with exit 75
    /// ("view tasks is at 225280, not 204800: another process advanced it"), leaving the
    /// views at 0. Now the rebuild folds beside the view and swaps it in: it exits 0, every
    /// query answers, no view's checkpoint goes back, and the view equals a clean rebuild.
    @Test func aRebuildCompletesWhileOtherProcessesQueryAndAppend() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        var text = ""
        for n in 0..<30_000 {
            let c = (n * 7919) % 2000
            switch n % 10 {
            case 0, 1, 2:
                text +=
                    #"{"stream":"customer-\#(c)","type":"OrderPlaced","data":{"customerId":"\#(c)","quantity":1,"amount":"\#(n % 500).\#(n % 10)5","currency":"USD"}}"#
            case 3:
                text +=
                    #"{"stream":"deal-\#(n % 300)","type":"DealStageChanged","data":{"dealId":"\#(n % 300)","fromStage":"new","toStage":"qualified","pipeline":"default"}}"#
            case 4:
                text +=
                    #"{"stream":"task-\#(n)","type":"TaskCreated","data":{"taskId":"\#(n)","title":"call","assigneeId":"rep-\#(n % 7)","dueAt":"2026-01-03T09:00:00Z"}}"#
            default:
                text +=
                    #"{"stream":"customer-\#(c)","type":"PageVisited","data":{"customerId":"\#(c)","url":"https://example.com/p/\#(n % 50)"}}"#
            }
            text += "\n"
        }
        let file = try scratch.file("log.jsonl", text)
        let imported = try await CLI.run(["--data", scratch.data, "import", file])
        try #require(imported.status == 0, "\(imported.stderr)")
        #expect(try await CLI.run(["--data", scratch.data, "project", "digest"]).status == 0)

        var last: [String: Int] = [:]
        var wentBack: [String] = []
        var failures: [String] = []
        var rounds = 0
        // Status rounds that saw a rebuild under way (its checkpoint stored beside the
        // view's). On a loaded machine a rebuild can end before the first query gets to
        // run: it is run again, up to five times, until queries ran beside one.
        var overlapped = 0
        for attempt in 1...5 where overlapped == 0 {
            let errors = scratch.url.appendingPathComponent("rebuild-\(attempt).err")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            let rebuild = Process()
            rebuild.executableURL = try CLI.requireExecutable()
            rebuild.arguments = ["--data", scratch.data, "project", "rebuild", "--batch-size", "1000"]
            rebuild.standardOutput = FileHandle.nullDevice
            rebuild.standardError = try FileHandle(forWritingTo: errors)
            try rebuild.run()
            repeat {
                let status = try await CLI.run(["--data", scratch.data, "project", "status", "--json"])
                for view in try JSONParser.parse(status.stdout).arrayValue ?? [] {
                    guard let name = view["view"]?.stringValue,
                        let checkpoint = view["checkpoint"]?.numberValue?.int64Value.map(Int.init)
                    else { continue }
                    if let before = last[name], checkpoint < before {
                        wentBack.append("\(name) \(before) → \(checkpoint)")
                    }
                    last[name] = checkpoint
                    if view["rebuild"]?.isNull == false { overlapped += 1 }
                }
                let queries = [["tasks", "summary", "--json"], ["customers", "list", "--limit", "1"], ["pipeline", "summary"]]
                for query in queries {
                    let answer = try await CLI.run(["--data", scratch.data] + query)
                    if answer.status != 0 { failures.append("\(query): \(answer.status) \(answer.stderr)") }
                }
                let appended = try await CLI.run([
                    "--data", scratch.data, "append", "--stream", "task-x\(rounds)", "--type", "TaskCreated",
                    "--data", #"{"taskId":"x\#(rounds)","title":"follow up","assigneeId":"rep-1"}"#,
                ])
                if appended.status != 0 { failures.append("append: \(appended.stderr)") }
                rounds += 1
            } while rebuild.isRunning
            try await onOwnThread { rebuild.waitUntilExit() }
            let stderr = try String(contentsOf: errors, encoding: .utf8)
            #expect(rebuild.terminationStatus == 0, "the rebuild failed: \(stderr)")
        }
        #expect(failures == [])
        #expect(wentBack == [], "a view went back while it was rebuilt")
        #expect(overlapped > 0, "no query ran while a rebuild did (\(rounds) rounds)")

        // The view, caught up, holds what a rebuild run alone folds.
        let live = try await CLI.run(["--data", scratch.data, "project", "digest", "--json"])
        #expect(try await CLI.run(["--data", scratch.data, "project", "rebuild"]).status == 0)
        let rebuilt = try await CLI.run(["--data", scratch.data, "project", "digest", "--json"])
        #expect(try JSONParser.parse(live.stdout) == JSONParser.parse(rebuilt.stdout))
        let status = try await CLI.run(["--data", scratch.data, "project", "status", "--json"])
        let views = try JSONParser.parse(status.stdout).arrayValue ?? []
        #expect(views.count == 3 && views.allSatisfy { $0["lag"] == 0 && $0["rebuild"] == .null }, "\(status.stdout)")
    }
}
