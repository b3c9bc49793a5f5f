import EventLog
import Foundation
import JSON
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ExportCommandTests {
    /// An export restores whatever rules were added since its events were appended:
    /// a v1 `DealStageChanged` whose actor id v2 would refuse (which appends refuse now,
    /// and an earlier build stored) is restored with its seq and hash, while the same
    /// line without them, a new event, is refused.
    @Test func anExportRestoresEventsARuleAddedSinceWouldRefuse() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // Stored as an earlier build stored it: checked against v1 only (here, not at all).
        var options = LMDBEventStore.Options()
        options.sync = false
        options.validator = nil
        let store = try LMDBEventStore(directory: URL(fileURLWithPath: scratch.data), options: options)
        let v1: JSONObject = ["dealId": "d-7", "from": "qualified", "to": "won", "changedBy": .string("user:" + String(repeating: "u", count: 201))]
        _ = try await store.append([ProposedEvent(stream: "deal-7", type: "DealStageChanged", schemaVersion: 1, data: v1)])
        store.close()
        let export = try await CLI.run(["--data", scratch.data, "export"])
        try #require(export.status == 0, "\(export.stderr)")
        let file = try scratch.file("export.jsonl", export.stdout)
        let restored = scratch.url.appendingPathComponent("restored").path
        let result = try await CLI.run(["--data", restored, "import", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await CLI.run(["--data", restored, "stats", "--json"]).stdout.contains(#""events":1"#))

        let line = #"{"stream":"deal-8","type":"DealStageChanged","schemaVersion":1,"data":{"dealId":"d-8","from":"a","to":"b","changedBy":"user:"# + String(repeating: "u", count: 201) + #""}}"#
        let fresh = try scratch.file("new.jsonl", line + "\n")
        let refused = try await CLI.run(["--data", restored, "import", fresh])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("valid as v1, but not once upcast to v2"), "\(refused.stderr)")
    }

    /// An export read by a slow consumer used to take in what was appended while it
    /// waited on the pipe: not the log at any one moment, and under a steady writer it
    /// never ended.
    @Test func anExportEndsAtTheHeadTheLogHadWhenItBegan() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // More than one page of the export (4,096 events), and far more than a pipe holds.
        let lines = (1...5_000).map { n in
            #"{"stream":"customer-\#(n % 13)","type":"ContactCreated","data":{"customerId":"\#(n)"}}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)

        let export = Process()
        export.executableURL = try CLI.requireExecutable()
        export.arguments = ["--data", scratch.data, "export"]
        let output = Pipe()
        export.standardOutput = output
        export.standardError = FileHandle.nullDevice
        try export.run()
        // Once it has written, it has begun; unread, the pipe then holds it up.
        let readable = try await onOwnThread {
            var descriptor = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            return poll(&descriptor, 1, 30_000) == 1
        }
        #expect(readable)
        let late = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-late", "--type", "ContactCreated", "--data",
            #"{"customerId":"late"}"#,
        ])
        #expect(late.status == 0, "\(late.stderr)")

        let written = try await onOwnThread {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            export.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(export.terminationStatus == 0)
        let exported = written.split(separator: "\n")
        #expect(exported.count == 5_000)
        #expect(exported.last?.hasPrefix(#"{"seq":5000,"#) == true)
        #expect(!written.contains("customer-late"))
    }

    /// `--from` one past the head is the next export of an incremental backup with
    /// nothing new yet: silent. Further on it skips positions yet to come, so the empty
    /// export says where the log ends.
    @Test func anExportFromPastTheHeadSaysWhereTheLogEnds() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let lines = (1...3).map { n in #"{"stream":"customer-\#(n)","type":"ContactCreated","data":{"customerId":"\#(n)"}}"# }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)

        let next = try await CLI.run(["--data", scratch.data, "export", "--from", "4"])
        #expect(next.status == 0)
        #expect(next.stdout.isEmpty)
        #expect(next.stderr.isEmpty, "\(next.stderr)")

        let past = try await CLI.run(["--data", scratch.data, "export", "--from", "10"])
        #expect(past.status == 0)
        #expect(past.stdout.isEmpty)
        #expect(
            past.stderr
                == "ledgerline: nothing exported: the log's head is 3, so --from 10 is past its end (the next export of new events starts at --from 4)\n")
    }
}
