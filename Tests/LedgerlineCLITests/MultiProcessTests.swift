import EventLog
import Foundation
import JSON
import Testing

/// Several processes writing one store. LMDB lets one process write at a time, so each
/// process's writer must take the log as it finds it in each transaction, not as it
/// last left it.
@Suite(.serialized) struct MultiProcessTests {
    /// `(position, id)` pairs a `debug append-loop` child printed.
    private func acknowledgements(_ file: URL) throws -> [(UInt64, String)] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (try #require(UInt64(parts[0])), String(parts[1]))
        }
    }

    @Test func twoProcessesAppendingAtOnceBothSucceedAndTheChainHolds() throws {
        let executable = try CLI.requireExecutable()
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try CLI.run(["--data", scratch.data, "init"]).status == 0)
        // Both append to the same 200 streams (`customer-T-N` for task T), for the same
        // 1.5 seconds, so their commits interleave and each finds the other's events in
        // the streams it appends to.
        var children: [(Process, URL, Pipe)] = []
        for child in 0..<2 {
            let acks = scratch.url.appendingPathComponent("acks-\(child).txt")
            _ = FileManager.default.createFile(atPath: acks.path, contents: nil)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--data", scratch.data, "debug", "append-loop", "--tasks", "4", "--max-seconds", "1.5"]
            process.standardOutput = try FileHandle(forWritingTo: acks)
            let errors = Pipe()
            process.standardError = errors
            children.append((process, acks, errors))
        }
        for (process, _, _) in children { try process.run() }
        var positions: [UInt64: String] = [:]
        var ranges: [ClosedRange<UInt64>] = []
        for (index, (process, acks, errors)) in children.enumerated() {
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "process \(index) failed: \(stderr)")
            let acknowledged = try acknowledgements(acks)
            #expect(acknowledged.count > 20, "process \(index) appended only \(acknowledged.count) events")
            for (position, id) in acknowledged {
                #expect(positions.updateValue(id, forKey: position) == nil, "position \(position) was acknowledged twice")
            }
            if let low = acknowledged.map(\.0).min(), let high = acknowledged.map(\.0).max() { ranges.append(low...high) }
        }
        // The two really wrote at the same time: their positions interleave.
        #expect(ranges.count == 2 && ranges[0].overlaps(ranges[1]), "the processes did not overlap: \(ranges)")

        var options = LMDBEventStore.Options()
        options.create = false
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
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
    @Test func aWriterKilledMidAppendDoesNotStopAnotherProcess() throws {
        let executable = try CLI.requireExecutable()
        let scratch = Scratch()
        defer { scratch.cleanup() }
        #expect(try CLI.run(["--data", scratch.data, "init"]).status == 0)
        func appendLoop(_ name: String, seconds: Double) throws -> (Process, URL, Pipe) {
            let acks = scratch.url.appendingPathComponent("acks-\(name).txt")
            _ = FileManager.default.createFile(atPath: acks.path, contents: nil)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--data", scratch.data, "debug", "append-loop", "--tasks", "4", "--max-seconds", "\(seconds)"]
            process.standardOutput = try FileHandle(forWritingTo: acks)
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            return (process, acks, errors)
        }
        let survivor = try appendLoop("survivor", seconds: 3)
        var rng = SystemRandomNumberGenerator()
        var victims: [URL] = []
        for round in 0..<8 {
            let (victim, acks, _) = try appendLoop("victim-\(round)", seconds: 60)
            defer { if victim.isRunning { kill(victim.processIdentifier, SIGKILL) } }
            usleep(UInt32(Int.random(in: 50...300, using: &rng)) * 1_000)
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            victims.append(acks)
        }
        let stderr = String(decoding: survivor.2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        survivor.0.waitUntilExit()
        #expect(survivor.0.terminationStatus == 0, "the surviving process failed: \(stderr)")

        var options = LMDBEventStore.Options()
        options.create = false
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
        defer { store.close() }
        let report = try store.verify(progress: nil)
        #expect(report.isIntact, "\(report.problem ?? "")")
        let survived = try acknowledgements(survivor.1)
        #expect(survived.count > 20, "the survivor appended only \(survived.count) events")
        // Every acknowledged event is there; a victim may have committed one it had not
        // yet printed when it died, so the head can be a little past the acknowledgements.
        var acknowledged = survived
        for file in victims {
            // The last line of a killed process can be cut short.
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let position = UInt64(parts[0]), parts[1].count == 36 { acknowledged.append((position, String(parts[1]))) }
            }
        }
        #expect(Set(acknowledged.map(\.0)).count == acknowledged.count, "a position was acknowledged twice")
        #expect(report.head.position.rawValue >= UInt64(acknowledged.count))
        for (position, id) in acknowledged {
            let stored = try store.read(from: LogPosition(position), direction: .forward, limit: 1).first
            #expect(stored?.id.description == id, "acknowledged event \(id) at \(position) is missing")
        }
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
        let other = try CLI.run([
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
        let more = try CLI.run([
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
}
