import ArgumentParser
import EventLog
import JSON
import Schemas

struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print events as JSON Lines of whole envelopes.",
        discussion: """
            Reads the whole log, one stream (--stream, --from is then a version) or one \
            type (--type), forward or --backward.

            Examples:
              ledgerline read --from 1000 --limit 10
              ledgerline read --stream deal-7
              ledgerline read --type OrderPlaced --limit 5
              ledgerline read --backward --limit 1
              ledgerline read --type DealStageChanged --latest-schema
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Start here (a log position; a version with --stream). Inclusive.") var from: UInt64?
    @Option(help: "At most this many events.") var limit: Int = 100
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only events of this type.") var type: String?
    @Flag(help: "Newest first.") var backward = false
    @Flag(help: "Give each event in the latest schema version of its type (upcast on read; what is stored is unchanged).")
    var latestSchema = false

    func validate() throws {
        if stream != nil && type != nil { throw ValidationError("--stream and --type cannot be combined") }
        if limit < 0 { throw ValidationError("--limit must be zero or more") }
        if backward && type != nil { throw ValidationError("--backward is not available with --type") }
    }

    func run() async throws {
        try await CommandErrors.run {
            let store = try global.openStore()
            defer { store.close() }
            let direction: ReadDirection = backward ? .backward : .forward
            var remaining = limit
            var writer = JSONWriter(reservingCapacity: 1024)
            let catalog = EventCatalog.embedded
            func emit(_ events: [RecordedEvent]) throws {
                for var event in events {
                    if latestSchema { event = try catalog.latest(event) }
                    writer.bytes.removeAll(keepingCapacity: true)
                    event.writeJSONLine(to: &writer)
                    Output.line(writer.bytes)
                }
                remaining -= events.count
            }
            if let stream {
                guard let name = StreamName(stream) else { throw InputError("--stream: \(StreamName.validationProblem(stream) ?? "invalid")") }
                var version = from.map { StreamVersion($0) }
                while remaining > 0 {
                    let page = try store.readStream(name, from: version, direction: direction, limit: min(remaining, 1000))
                    try emit(page)
                    guard let last = page.last, page.count == min(remaining + page.count, 1000) else { break }
                    if direction == .backward && last.version.rawValue <= 1 { break }
                    version = StreamVersion(direction == .forward ? last.version.rawValue + 1 : last.version.rawValue - 1)
                }
            } else if let type {
                guard let eventType = EventType(type) else { throw InputError("--type: \(EventType.validationProblem(type) ?? "invalid")") }
                var position = LogPosition(from ?? 1)
                while remaining > 0 {
                    let page = try store.readType(eventType, from: position, limit: min(remaining, 1000))
                    try emit(page)
                    guard let last = page.last, page.count == 1000 else { break }
                    position = last.position.next
                }
            } else {
                var position: LogPosition? = from.map { LogPosition($0) } ?? (backward ? nil : .start)
                while remaining > 0 {
                    let page = try store.read(from: position, direction: direction, limit: min(remaining, 1000))
                    try emit(page)
                    guard let last = page.last, page.count == 1000 else { break }
                    if direction == .backward && last.position.rawValue <= 1 { break }
                    position = direction == .forward ? last.position.next : LogPosition(last.position.rawValue - 1)
                }
            }
            Output.flush()
        }
    }
}

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the last events; with --follow, keep printing new ones.",
        discussion: """
            Prints the last N events as JSON Lines, oldest first. With --follow it then \
            waits and prints every event appended afterwards, by this or any other process, \
            never skipping or repeating a position, until interrupted.

            Example:
              ledgerline tail -n 5 --follow
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("n"), .long], help: "How many of the last events to print first.") var lines: Int = 10
    @Flag(help: "Keep printing events as they are appended.") var follow = false

    func run() async throws {
        try await CommandErrors.run {
            let store = try global.openStore()
            defer { store.close() }
            let head = try store.head().position
            let start = LogPosition(head.rawValue > UInt64(max(lines, 0)) ? head.rawValue - UInt64(max(lines, 0)) : 0)
            var writer = JSONWriter(reservingCapacity: 1024)
            func emit(_ event: RecordedEvent) {
                writer.bytes.removeAll(keepingCapacity: true)
                event.writeJSONLine(to: &writer)
                Output.line(writer.bytes)
            }
            for event in try store.read(from: start.next, direction: .forward, limit: Int(head.rawValue - start.rawValue)) { emit(event) }
            Output.flush()
            guard follow else { return }
            for try await event in store.subscribe(after: head).polling(every: .milliseconds(200)) {
                emit(event)
                Output.flush()
            }
        }
    }
}
