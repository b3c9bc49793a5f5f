import EventLog
import Foundation
import JSON
import Testing

/// `ledgerline read` and `tail`: the selections an operator or an auditor asks for, by
/// stream, type, id and envelope field, in either direction.
@Suite struct ReadCommandTests {
    /// Ids of the fixture's events that tests look up.
    static let signupID = "7d1e2a30-0000-4000-8000-000000000001"
    static let welcomeID = "7d1e2a30-0000-4000-8000-000000000002"
    static let correlation = "7d1e2a30-0000-4000-8000-0000000000cc"
    static let unknownID = "7d1e2a30-0000-4000-8000-0000000000ff"

    /// A store of 12 events: 5 contacts and 5 orders interleaved (orders at 2, 4, … 10),
    /// then a sign-up and the welcome email a rule queued because of it.
    private func makeStore() async throws -> Scratch {
        let scratch = Scratch()
        var lines: [String] = []
        for n in 1...5 {
            lines.append(#"{"stream":"customer-\#(n)","type":"ContactCreated","data":{"customerId":"\#(n)"},"actor":"import:crm"}"#)
            lines.append(
                #"{"stream":"customer-\#(n)","type":"OrderPlaced","data":{"customerId":"\#(n)","quantity":1,"amount":"\#(n).00","currency":"USD"},"actor":"import:shop"}"#)
        }
        lines.append(
            #"{"id":"\#(Self.signupID)","stream":"customer-9","type":"ContactCreated","data":{"customerId":"9"},"correlationId":"\#(Self.correlation)","actor":"web:signup"}"#)
        lines.append(
            #"{"id":"\#(Self.welcomeID)","stream":"customer-9","type":"EmailQueued","data":{"emailId":"e-9","customerId":"9","to":"nine@example.com","template":"welcome"},"#
                + #""correlationId":"\#(Self.correlation)","causationId":"\#(Self.signupID)","actor":"rule:welcome@3"}"#)
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        return scratch
    }

    /// A read the default limit (100) cuts short says so on stderr, with the `--from`
    /// that reads on (a version in a stream read, one below in a backward read); stdout
    /// holds only the events. A read that printed everything, or whose `--limit` was
    /// given, says nothing.
    @Test func aReadCutShortByTheDefaultLimitSaysWhereToReadOn() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // 150 events: customer-1 holds the odd positions, customer-2 the even ones.
        let lines = (1...150).map { n in
            #"{"stream":"customer-\#(2 - n % 2)","type":"ContactUpdated","data":{"customerId":"\#(2 - n % 2)","changes":{"firstName":"N\#(n)"}}}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        func note(_ from: Int) -> String {
            "ledgerline: printed 100 events, the default --limit; more follow: add --from \(from) to read on, or give --limit for more at once\n"
        }
        let cases: [([String], String, Int)] = [
            (["read"], note(101), 100),
            (["read", "--from", "101"], "", 50),
            (["read", "--backward"], note(50), 100),
            (["read", "--type", "ContactUpdated", "--from", "20"], note(120), 100),
            (["read", "--limit", "100"], "", 100),
            (["read", "--stream", "customer-1"], "", 75),
            (["read", "--limit", "200"], "", 150),
        ]
        for (arguments, stderr, count) in cases {
            let result = try await CLI.run(["--data", scratch.data] + arguments)
            #expect(result.status == 0)
            #expect(result.stderr == stderr, "\(arguments)")
            #expect(result.stdout.split(separator: "\n").count == count, "\(arguments)")
        }
        // 75 events in customer-2 too: under the limit. Past it, the note gives a version.
        let more = (151...260).map { n in
            #"{"stream":"customer-3","type":"ContactUpdated","data":{"customerId":"3","changes":{"firstName":"N\#(n)"}}}"#
        }
        let second = try scratch.file("more.jsonl", more.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", second]).status == 0)
        let stream = try await CLI.run(["--data", scratch.data, "read", "--stream", "customer-3", "--from", "5"])
        #expect(stream.stderr == note(105))
    }

    /// Runs `read` (or `tail`) and returns the positions of the envelopes it printed.
    private func positions(_ scratch: Scratch, _ arguments: [String]) async throws -> [Int64] {
        let result = try await CLI.run(["--data", scratch.data] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONParser.parse(Array(line.utf8))["seq"]?.numberValue?.int64Value)
        }
    }

    /// The log keeps microseconds: a --since finer than that keeps no event recorded
    /// before it (it used to be cut to the microsecond, keeping one recorded 0.1 µs
    /// before), and --until keeps every event up to it.
    @Test func aSinceFinerThanAMicrosecondKeepsNothingRecordedBeforeIt() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let appended = try await CLI.run([
            "--data", scratch.data, "append", "--stream", "customer-1", "--type", "ContactCreated", "--data", #"{"customerId":"1"}"#,
        ])
        try #require(appended.status == 0, "\(appended.stderr)")
        let event = try JSONParser.parse(Array(try await CLI.run(["--data", scratch.data, "read"]).stdout.utf8))
        let recordedAt = try #require(event["recordedAt"]?.stringValue)
        let recorded = try #require(Timestamp(rfc3339: recordedAt)).rawValue
        // The recorded time to the microsecond, then `digit` as a seventh decimal.
        func time(_ micros: Int64, _ digit: String) -> String {
            let second = Timestamp(rawValue: micros - micros % 1_000_000).description.dropLast()
            let fraction = String(micros % 1_000_000)
            return second + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + digit + "Z"
        }
        #expect(try await positions(scratch, ["read", "--since", time(recorded, "1")]) == [])
        #expect(try await positions(scratch, ["read", "--since", time(recorded, "0")]) == [1])
        #expect(try await positions(scratch, ["read", "--since", time(recorded - 1, "9")]) == [1])
        #expect(try await positions(scratch, ["read", "--until", time(recorded, "9")]) == [1])
        #expect(try await positions(scratch, ["tail", "--since", time(recorded, "1")]) == [])
    }

    @Test func aTypeReadsBackwardFromTheHeadOrFromAPosition() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--backward", "--limit", "2"]) == [10, 8])
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--backward", "--from", "7"]) == [6, 4, 2])
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--from", "7"]) == [8, 10])
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--backward", "--from", "1"]) == [])
    }

    /// A read of a type the log holds no event of, or of a stream it does not hold,
    /// prints nothing and exits 0 like any empty read, and says on stderr why, with the
    /// recorded type closest to the one given unless the type is one of the catalog's. A stream or type that is there but
    /// left nothing to print after the other options is an answer: nothing on stderr.
    @Test func aTypeOrStreamTheLogDoesNotHoldIsSaidOnStandardError() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let cases: [([String], String)] = [
            (["--type", "contactCreated"], #"the log holds no event of type "contactCreated"; did you mean "ContactCreated"?"#),
            (["--type", "OrderPlace", "--backward", "--limit", "0"], #"the log holds no event of type "OrderPlace"; did you mean "OrderPlaced"?"#),
            (["--type", "Invoice"], #"the log holds no event of type "Invoice"; `ledgerline stats` lists the types it holds"#),
            // A type of the catalog is no typo, though one the log holds is spelt alike.
            (["--type", "DealWon"], #"the log holds no event of type "DealWon" yet"#),
            (["--type", "ContactUpdated"], #"the log holds no event of type "ContactUpdated" yet"#),
            (["--stream", "customer-99"], #"the log holds no stream named "customer-99"; `ledgerline streams` lists those it holds"#),
        ]
        for (arguments, line) in cases {
            let result = try await CLI.run(["--data", scratch.data, "read"] + arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr == "ledgerline: \(line)\n", "\(arguments)")
        }
        for arguments in [
            ["--type", "OrderPlaced", "--from", "11"], ["--type", "EmailQueued", "--actor", "import:crm"], ["--stream", "customer-9", "--from", "5"],
            ["--type", "OrderPlaced", "--limit", "0"], ["--stream", "customer-1", "--since", "2000-01-01", "--until", "2000-01-02"],
        ] {
            let result = try await CLI.run(["--data", scratch.data, "read"] + arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
        }
    }

    /// `tail` says the same as `read` when it printed nothing first: with --follow, a
    /// mistyped --type used to wait in silence for an event that never comes.
    @Test func aTailOfATypeOrStreamTheLogDoesNotHoldIsSaidOnStandardError() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let typo = try await CLI.run(["--data", scratch.data, "tail", "--type", "contactCreated"])
        #expect(typo.status == 0)
        #expect(typo.stdout.isEmpty)
        #expect(
            typo.stderr
                == "ledgerline: the log holds no event of type \"contactCreated\"; did you mean \"ContactCreated\"?\n")
        let stream = try await CLI.run([
            "--data", scratch.data, "tail", "--stream", "customer-99", "--since", "2026-11-01",
        ])
        #expect(
            stream.stderr
                == "ledgerline: the log holds no stream named \"customer-99\"; `ledgerline streams` lists those it holds\n"
        )
        // Held, with nothing recorded since then: an answer, said nowhere.
        let none = try await CLI.run(["--data", scratch.data, "tail", "--type", "OrderPlaced", "--since", "2026-11-11"])
        #expect(none.stderr.isEmpty, "\(none.stderr)")

        let follower = Process()
        follower.executableURL = try CLI.requireExecutable()
        follower.arguments = ["--data", scratch.data, "tail", "--type", "contactCreated", "--follow"]
        let errors = Pipe()
        follower.standardOutput = FileHandle.nullDevice
        follower.standardError = errors
        try follower.run()
        defer {
            follower.terminate()
            follower.waitUntilExit()
        }
        let said = try await onOwnThread { () -> String in
            var descriptor = pollfd(fd: errors.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 30_000) == 1 else { return "" }
            return String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(said == typo.stderr)
    }

    /// `tail --follow | head -1` used to stay on after head had gone, holding the store
    /// open, until the next event gave it something to write.
    @Test func aFollowerWhosePipeReaderLeftEndsWithoutWaitingForAnEvent() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let follower = Process()
        follower.executableURL = try CLI.requireExecutable()
        follower.arguments = ["--data", scratch.data, "tail", "-n", "1", "--follow"]
        let output = Pipe()
        follower.standardOutput = output
        follower.standardError = FileHandle.nullDevice
        try follower.run()
        let ended = try await onOwnThread { () -> Bool in
            // Read what it printed first, then go, as `head -1` does.
            var descriptor = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 30_000) == 1 else { return false }
            _ = output.fileHandleForReading.availableData
            try output.fileHandleForReading.close()
            let deadline = Date().addingTimeInterval(10)
            while follower.isRunning && Date() < deadline { usleep(20_000) }
            return !follower.isRunning
        }
        if !ended {
            follower.terminate()
            follower.waitUntilExit()
        }
        #expect(ended)
        #expect(follower.terminationReason == .uncaughtSignal && follower.terminationStatus == SIGPIPE)
    }

    @Test func idsReadInTheOrderGivenAndAMissingOneIsNamed() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        #expect(try await positions(scratch, ["read", "--id", Self.welcomeID, "--id", Self.signupID]) == [12, 11])

        let missing = try await CLI.run(["--data", scratch.data, "read", "--id", Self.signupID, "--id", Self.unknownID])
        #expect(missing.status == 1)
        #expect(missing.stdout.split(separator: "\n").count == 1, "the ids found are still printed")
        #expect(missing.stderr == "ledgerline: no event has id \(Self.unknownID): ids are kept forever, so it was never appended to this store\n")

        let malformed = try await CLI.run(["--data", scratch.data, "read", "--id", "42"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr == "ledgerline: --id is not a UUID: \"42\"; see `ledgerline read --help`\n")

        let combined = try await CLI.run(["--data", scratch.data, "read", "--id", Self.signupID, "--type", "OrderPlaced"])
        #expect(combined.status == 64)
        #expect(combined.stderr.contains("--id reads events by id alone; it cannot be combined with --type"))
    }

    /// --limit 0 prints nothing, whichever way the events are chosen; with --id it
    /// caps the events printed as it does every read.
    @Test func limitZeroPrintsNothingForEveryRead() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        for selection in [[], ["--id", Self.signupID], ["--stream", "customer-9"], ["--type", "OrderPlaced"], ["--actor", "web:signup"], ["--backward"]] {
            #expect(try await positions(scratch, ["read", "--limit", "0"] + selection) == [], "\(selection)")
        }
        #expect(try await positions(scratch, ["read", "--id", Self.welcomeID, "--id", Self.signupID, "--limit", "1"]) == [12])
    }

    @Test func envelopeFiltersFindWhatOneEventCausedAndWhatOneActorDid() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        // Why was the welcome email queued? Its cause, then everything the cause set off.
        #expect(try await positions(scratch, ["read", "--causation-id", Self.signupID]) == [12])
        #expect(try await positions(scratch, ["read", "--correlation-id", Self.correlation]) == [11, 12])
        #expect(try await positions(scratch, ["read", "--correlation-id", Self.correlation, "--backward", "--limit", "1"]) == [12])
        #expect(try await positions(scratch, ["read", "--actor", "import:shop"]) == [2, 4, 6, 8, 10])
        #expect(try await positions(scratch, ["read", "--actor", "import:shop", "--limit", "2", "--from", "5"]) == [6, 8])
        // Filters narrow a stream or a type too.
        #expect(try await positions(scratch, ["read", "--stream", "customer-9", "--actor", "rule:welcome@3"]) == [12])
        #expect(try await positions(scratch, ["read", "--type", "ContactCreated", "--actor", "import:crm", "--backward", "--limit", "2"]) == [9, 7])
        #expect(try await positions(scratch, ["read", "--actor", "nobody"]) == [])

        let malformed = try await CLI.run(["--data", scratch.data, "read", "--causation-id", "welcome"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr == "ledgerline: --causation-id is not a UUID: \"welcome\"; see `ledgerline read --help`\n")
    }

    /// A stream or type no event can have is a usage error, found before the store is
    /// opened, for `read` and `tail` alike.
    @Test(arguments: [
        (["read", "--stream", "customer 9"], "--stream: a stream name may not contain whitespace or control characters; see `ledgerline read --help`"),
        (["tail", "--stream", "customer\t9"], "--stream: a stream name may not contain whitespace or control characters; see `ledgerline tail --help`"),
        (["read", "--type", ""], "--type: an event type may not be empty; see `ledgerline read --help`"),
        (["tail", "--type", "9Lives", "--follow"],
            "--type: an event type starts with a letter and holds only letters, digits, '_' and '.' (like DealStageChanged); see `ledgerline tail --help`"),
        (["read", "--correlation-id", "req-1"], "--correlation-id is not a UUID: \"req-1\"; see `ledgerline read --help`"),
    ])
    func aSelectionNoEventCanHaveIsAUsageError(arguments: [String], message: String) async throws {
        try await CLI.expectUsageError(arguments, message)
    }

    @Test func filteredReadsPageThroughLongLogs() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // 2,500 events in two streams, one in 500 by a second actor: each filtered read
        // crosses pages, of the log, of a stream (1,250 events) and of a type.
        let lines = (1...2_500).map { n in
            #"{"stream":"customer-\#(n % 2)","type":"ContactUpdated","data":{"customerId":"\#(n % 2)","changes":{"phone":"+1 555 \#(1000 + n)"}},"actor":"\#(n % 500 == 0 ? "user:ana" : "sync")"}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["--data", scratch.data, "import", file]).status == 0)
        #expect(try await positions(scratch, ["read", "--actor", "user:ana"]) == [500, 1000, 1500, 2000, 2500])
        #expect(try await positions(scratch, ["read", "--actor", "user:ana", "--backward"]) == [2500, 2000, 1500, 1000, 500])
        #expect(try await positions(scratch, ["read", "--stream", "customer-0", "--actor", "user:ana", "--backward"]) == [2500, 2000, 1500, 1000, 500])
        #expect(try await positions(scratch, ["read", "--type", "ContactUpdated", "--limit", "1500", "--backward"]).count == 1500)
    }

    /// What happened in a period: reads of the log and of a type start where the period
    /// does (found by a binary search on recordedAt), reads of a stream skip to it, and
    /// every read stops where it ends. A day means all of it.
    @Test func sinceAndUntilKeepWhatWasRecordedInThatTime() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // Ten events, one each noon from 2026-11-01 to 2026-11-10; orders on even days,
        // in two streams (customer-0 on days 1, 3, … and customer-1 on days 2, 4, …).
        let lines = (1...10).map { day in
            let type = day % 2 == 0 ? #""OrderPlaced","data":{"customerId":"1","quantity":1,"amount":"5.00","currency":"USD"}"# : #""ContactUpdated","data":{"customerId":"0","changes":{"phone":"+1 555 0100"}}"#
            let date = "2026-11-\(day < 10 ? "0" : "")\(day)T12:00:00Z"
            return #"{"stream":"customer-\#(1 - day % 2)","type":\#(type),"recordedAt":"\#(date)"}"#
        }
        let file = try scratch.file("restore.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")

        #expect(try await positions(scratch, ["read", "--since", "2026-11-03", "--until", "2026-11-05"]) == [3, 4, 5])
        #expect(try await positions(scratch, ["read", "--since", "2026-11-03T12:00:00Z", "--until", "2026-11-05T11:59:59Z"]) == [3, 4])
        #expect(try await positions(scratch, ["read", "--since", "2026-11-03T12:00:00.000001Z", "--limit", "2"]) == [4, 5])
        #expect(try await positions(scratch, ["read", "--until", "2026-11-02", "--backward"]) == [2, 1])
        #expect(try await positions(scratch, ["read", "--since", "2026-11-08", "--backward"]) == [10, 9, 8])
        #expect(try await positions(scratch, ["read", "--since", "2026-11-02", "--from", "6", "--limit", "2"]) == [6, 7])
        #expect(try await positions(scratch, ["read", "--until", "2026-11-08", "--from", "4", "--backward"]) == [4, 3, 2, 1])
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--since", "2026-11-03", "--until", "2026-11-08"]) == [4, 6, 8])
        #expect(try await positions(scratch, ["read", "--type", "OrderPlaced", "--until", "2026-11-07", "--backward"]) == [6, 4, 2])
        #expect(try await positions(scratch, ["read", "--stream", "customer-1", "--since", "2026-11-05", "--until", "2026-11-08"]) == [6, 8])
        #expect(try await positions(scratch, ["read", "--stream", "customer-0", "--since", "2026-11-04", "--backward"]) == [9, 7, 5])
        #expect(try await positions(scratch, ["read", "--since", "2026-11-11"]) == [])
        #expect(try await positions(scratch, ["read", "--until", "2026-10-31", "--backward"]) == [])

        // What is wrong with the command line alone is a usage error (64), as for every option.
        let reversed = try await CLI.run(["--data", scratch.data, "read", "--since", "2026-11-05", "--until", "2026-11-04"])
        #expect(reversed.status == 64)
        #expect(
            reversed.stderr
                == "ledgerline: --since 2026-11-05T00:00:00Z is after --until 2026-11-04T23:59:59.999999Z, so no event can have been recorded in between; swap them; "
                + "see `ledgerline read --help`\n")
        let malformed = try await CLI.run(["--data", scratch.data, "read", "--until", "yesterday"])
        #expect(malformed.status == 64)
        #expect(
            malformed.stderr
                == "ledgerline: --until \"yesterday\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25; see `ledgerline read --help`\n")
        let combined = try await CLI.run(["--data", scratch.data, "read", "--id", Self.signupID, "--since", "2026-11-01"])
        #expect(combined.status == 64)
        #expect(combined.stderr.contains("--id reads events by id alone; it cannot be combined with --since"))

        // tail --since prints what was recorded since then instead of the last N.
        #expect(try await positions(scratch, ["tail", "--since", "2026-11-08"]) == [8, 9, 10])
        #expect(try await positions(scratch, ["tail", "--since", "2026-11-02T12:00:00.000001Z", "--type", "OrderPlaced"]) == [4, 6, 8, 10])
        #expect(try await positions(scratch, ["tail", "--since", "2026-11-05", "--stream", "customer-0"]) == [5, 7, 9])
        #expect(try await positions(scratch, ["tail", "--since", "2026-11-11"]) == [])
        let both = try await CLI.run(["--data", scratch.data, "tail", "-n", "2", "--since", "2026-11-01"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--lines and --since cannot be combined"))
        // tail --since used to exit 65 where read --since did too, and every other option 64.
        let badSince = try await CLI.run(["--data", scratch.data, "tail", "--since", "this morning"])
        #expect(badSince.status == 64)
        #expect(
            badSince.stderr
                == "ledgerline: --since \"this morning\" is not a time such as 2026-11-25T14:03:00Z or a day such as 2026-11-25; see `ledgerline tail --help`\n")
    }

    /// Filtered forward reads of the whole log scan records in place, one read
    /// transaction per 16,384 events: matches on both sides of a slice's end, the
    /// limit, and a --until window that ends the scan must all come out right.
    @Test func filteredScansCrossSlicesOfTheLog() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        // 40,000 events, recorded a second apart from 2026-11-01T00:00:00Z; user:ana
        // appended positions 16,384, 16,385 and every 5,000th.
        let start = try #require(Timestamp(rfc3339: "2026-11-01T00:00:00Z")).rawValue
        let ana: Set<Int> = Set(stride(from: 5_000, through: 40_000, by: 5_000)).union([16_384, 16_385])
        let lines = (1...40_000).map { n in
            let time = Timestamp(rawValue: start + Int64(n) * 1_000_000)
            return #"{"stream":"customer-\#(n % 5)","type":"ContactUpdated","data":{"customerId":"\#(n % 5)","changes":{"phone":"+1 555 \#(n)"}},"#
                + #""actor":"\#(ana.contains(n) ? "user:ana" : "sync")","recordedAt":"\#(time)"}"#
        }
        let file = try scratch.file("events.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try await CLI.run(["--data", scratch.data, "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        let all = ana.sorted().map(Int64.init)
        #expect(try await positions(scratch, ["read", "--actor", "user:ana"]) == all)
        #expect(try await positions(scratch, ["read", "--actor", "user:ana", "--limit", "4"]) == Array(all.prefix(4)))
        #expect(try await positions(scratch, ["read", "--actor", "user:ana", "--from", "16385"]) == all.filter { $0 >= 16_385 })
        // 2026-11-01T05:33:20Z is position 20,000; 09:43:20Z is 35,000.
        #expect(try await positions(scratch, ["read", "--actor", "user:ana", "--since", "2026-11-01T05:33:20Z", "--until", "2026-11-01T09:43:19Z"]) == [20_000, 25_000, 30_000])
        #expect(try await positions(scratch, ["read", "--actor", "nobody"]) == [])
    }

    @Test func tailPrintsTheLastEventsOfAStreamOrAType() async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        #expect(try await positions(scratch, ["tail", "-n", "3"]) == [10, 11, 12])
        #expect(try await positions(scratch, ["tail", "-n", "2", "--type", "OrderPlaced"]) == [8, 10])
        #expect(try await positions(scratch, ["tail", "--stream", "customer-9"]) == [11, 12])
        #expect(try await positions(scratch, ["tail", "-n", "0"]) == [])
        let both = try await CLI.run(["--data", scratch.data, "tail", "--stream", "customer-9", "--type", "OrderPlaced"])
        #expect(both.status == 64)
    }

    /// Following from the last order, or from every order recorded since a time
    /// (here, before the store began: all of them), then the orders appended.
    @Test(arguments: [(["-n", "1"], [10]), (["--since", "2026-01-01"], [2, 4, 6, 8, 10])] as [([String], [Int64])])
    func tailFollowsOnlyTheChosenType(start: [String], first: [Int64]) async throws {
        let scratch = try await makeStore()
        defer { scratch.cleanup() }
        let process = Process()
        process.executableURL = try CLI.requireExecutable()
        process.arguments = ["--data", scratch.data, "tail", "--type", "OrderPlaced", "--follow"] + start
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Reading the pipe blocks; ending the process ends a read, whatever happens. Each
        // wait gets its own deadline, so appends that waited their turn behind other
        // suites' runs (see `CLI.run`) do not use up the time the reads have.
        let positions = SeqReader(output.fileHandleForReading)
        func read(until count: Int) async throws -> [Int64] {
            let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
            defer { watchdog.cancel() }
            return try await onOwnThread { try positions.read(until: count) }
        }
        // The orders before following, before anything is appended: with `-n 1`, a tail
        // that started after the appends would begin at the last of them instead.
        #expect(try await read(until: first.count) == first)
        for n in 20...22 {
            let contact = try await CLI.run(["--data", scratch.data, "append", "--stream", "customer-\(n)", "--type", "ContactCreated", "--data", #"{"customerId":"\#(n)"}"#])
            #expect(contact.status == 0)
            let order = try await CLI.run([
                "--data", scratch.data, "append", "--stream", "customer-\(n)", "--type", "OrderPlaced",
                "--data", #"{"customerId":"\#(n)","quantity":2,"amount":"9.50","currency":"EUR"}"#,
            ])
            #expect(order.status == 0)
        }
        // Then the three appended: 14, 16, 18.
        let seen = try await read(until: first.count + 3)
        process.terminate()
        process.waitUntilExit()
        #expect(seen == first + [14, 16, 18])
    }
}

/// The `seq` of each JSON line a process writes to a pipe, read as they come.
private final class SeqReader: @unchecked Sendable {
    private let handle: FileHandle
    /// Used by one read at a time.
    private var buffer = Data()
    private var seen: [Int64] = []

    init(_ handle: FileHandle) { self.handle = handle }

    /// Every `seq` so far, once there are `count` of them or the pipe has ended.
    func read(until count: Int) throws -> [Int64] {
        while seen.count < count {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[buffer.startIndex..<newline])
                buffer = Data(buffer[(newline + 1)...])
                seen.append(try #require(try JSONParser.parse(line)["seq"]?.numberValue?.int64Value))
            }
        }
        return seen
    }
}
