import ArgumentParser
import EventLog
import JSON

struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List streams: how many events each holds, when it began and when it last changed.",
        discussion: """
            Streams are listed in the order of their names' bytes, --prefix narrows them to \
            one kind (customer-, deal-), and --after pages through them: give it the last \
            name of one page to get the next. Each stream shows its version (the number of \
            events in it), the positions of its first and last events, when they were \
            recorded and the last event's type. With --json, one JSON object per line.

            Examples:
              ledgerline streams --prefix deal- --limit 20
              ledgerline streams --prefix customer- --after customer-1042 --json
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only streams whose names start with this.") var prefix: String = ""
    @Option(help: "Start after this stream name (the last one of the page before).") var after: String?
    @Option(help: "At most this many streams.") var limit: Int = 100
    @Flag(help: "Print JSON Lines, one object per stream.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be zero or more") }
        _ = try start()
    }

    /// The stream `--after` names; a usage error when no stream can have that name.
    func start() throws(ValidationError) -> StreamName? {
        guard let after else { return nil }
        guard let name = StreamName(after) else {
            throw ValidationError("--after: \(StreamName.validationProblem(after) ?? "invalid"); it takes a stream name as `streams` lists them")
        }
        return name
    }

    func run() async throws {
        try await CommandErrors.run {
            let start = try start()
            let store = try global.openStore()
            defer { store.close() }
            // One more than asked for says whether another page follows.
            let found = try store.streams(prefix: prefix, after: start, limit: limit == .max ? limit : limit + 1)
            let page = found.prefix(limit)
            if json {
                for summary in page { Output.line(summary.json.description) }
            } else {
                var table = TextTable(["STREAM", "VERSION", "FIRST", "LAST", "BEGAN", "LAST RECORDED", "LAST TYPE"], rightAligned: [1, 2, 3])
                for s in page {
                    table.add([
                        s.stream.rawValue, Int(s.version.rawValue).grouped, Int(s.firstPosition.rawValue).grouped, Int(s.lastPosition.rawValue).grouped,
                        s.firstRecordedAt.description, s.lastRecordedAt.description, s.lastType.rawValue,
                    ])
                }
                if found.isEmpty {
                    Output.line("no streams" + (prefix.isEmpty ? "" : " start with \(prefix)") + (after.map { " after \($0)" } ?? ""))
                } else if !page.isEmpty {
                    table.print()
                }
                if found.count > page.count, let last = page.last {
                    Output.line("")
                    Output.line("more follow: add --after \(last.stream.rawValue) for the next \(limit.grouped)")
                }
            }
            Output.flush()
        }
    }
}

extension StreamSummary {
    var json: JSONValue {
        [
            "stream": .string(stream.rawValue),
            "version": .number(JSONNumber(version.rawValue)),
            "firstPosition": .number(JSONNumber(firstPosition.rawValue)),
            "lastPosition": .number(JSONNumber(lastPosition.rawValue)),
            "firstRecordedAt": .string(firstRecordedAt.description),
            "lastRecordedAt": .string(lastRecordedAt.description),
            "lastType": .string(lastType.rawValue),
        ]
    }
}
