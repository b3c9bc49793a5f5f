import ArgumentParser
import EventLog
import Foundation
import JSON
import Schemas

struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print events as JSON Lines of whole envelopes.",
        discussion: """
            Reads the whole log, one stream (--stream, --from is then a version) or one \
            type (--type), forward or --backward; or the events with the given ids (--id). \
            --correlation-id, --causation-id and --actor keep only the events that carry \
            them: what one request set off, what one event caused, what one rule or person \
            did. The first two read an index; --actor alone, without --stream or --type, \
            looks through the whole log. \
            --since and --until keep the events recorded in that time (both inclusive; \
            a day such as 2026-11-03 means from its start or to its end, UTC): reads of \
            the log or of a type find where to start by a binary search, since \
            recordedAt never goes backward along the log. \
            A read of a stream or type the log does not hold at all prints nothing and \
            exits 0, like any empty read, and says so on stderr, with the recorded type \
            closest to the one given. A read prints at most 100 events unless --limit \
            says otherwise; when that default cuts it short, stderr says so and gives the \
            --from that reads on.

            Examples:
              ledgerline read --from 1000 --limit 10
              ledgerline read --stream deal-7
              ledgerline read --type OrderPlaced --backward --limit 5
              ledgerline read --id 0b4c1f6e-8d36-4c0f-9a51-2f1d7c9e4b10
              ledgerline read --causation-id 0b4c1f6e-8d36-4c0f-9a51-2f1d7c9e4b10
              ledgerline read --stream customer-42 --actor rule:welcome@3
              ledgerline read --type DealStageChanged --latest-schema
              ledgerline read --since 2026-11-03T14:00:00Z --until 2026-11-03T15:00:00Z
              ledgerline read --type OrderPlaced --since 2026-11-03 --until 2026-11-03
            """)

    @OptionGroup var global: GlobalOptions

    // Signed, so that `--from -1` is refused saying what --from takes rather than
    // that the value is invalid.
    @Option(help: "Start here (a log position; a version with --stream). Inclusive.") var from: Int64?
    @Option(name: .customLong("limit"), help: "At most this many events (default: 100).") var limitGiven: Int?
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only events of this type.") var type: String?
    @Option(help: "The event with this id (repeat for several); exits 1 naming any id not stored.") var id: [String] = []
    @Option(help: "Only events with this correlation id.") var correlationId: String?
    @Option(help: "Only events caused by the event with this id.") var causationId: String?
    @Option(help: "Only events appended by this actor.") var actor: String?
    @Option(help: "Only events recorded at or after this time (RFC 3339, or a day from its start, UTC).") var since: String?
    @Option(help: "Only events recorded at or before this time (RFC 3339, or a day to its end, UTC).") var until: String?
    @Flag(help: "Newest first.") var backward = false
    @Flag(help: "Give each event in the latest schema version of its type (upcast on read; what is stored is unchanged).")
    var latestSchema = false

    /// Events printed at most: `--limit`, else 100.
    var limit: Int { limitGiven ?? 100 }

    /// Events asked for per read; filtered reads keep reading pages of this size.
    static let pageSize = 1000
    /// Events visited per read transaction by a filtered scan of the whole log.
    static let scanSlice = 16_384

    func validate() throws {
        if stream != nil && type != nil { throw ValidationError("--stream and --type cannot be combined") }
        if let from, from < 0 { throw ValidationError("--from must be \(stream == nil ? "a position" : "a version"), 0 or more: \(from)") }
        if limit < 0 { throw ValidationError("--limit must be zero or more: \(limit)") }
        if !id.isEmpty {
            let others = [("--stream", stream != nil), ("--type", type != nil), ("--from", from != nil), ("--backward", backward), ("--correlation-id", correlationId != nil),
                ("--causation-id", causationId != nil), ("--actor", actor != nil), ("--since", since != nil), ("--until", until != nil)]
            if let (name, _) = others.first(where: \.1) { throw ValidationError("--id reads events by id alone; it cannot be combined with \(name)") }
        }
        try Self.checkSelection(stream: stream, type: type)
        for (option, values) in [("--id", id), ("--correlation-id", correlationId.map { [$0] } ?? []), ("--causation-id", causationId.map { [$0] } ?? [])] {
            if let text = values.first(where: { EventID($0) == nil }) { throw ValidationError("\(option) is not a UUID: \"\(text)\"") }
        }
        _ = try recordedWindow()
    }

    /// Refuses a `--stream` or `--type` no event can have, as a usage error (`read` and
    /// `tail` share it).
    static func checkSelection(stream: String?, type: String?) throws(ValidationError) {
        if let stream, let problem = StreamName.validationProblem(stream) { throw ValidationError("--stream: \(problem)") }
        if let type, let problem = EventType.validationProblem(type) { throw ValidationError("--type: \(problem)") }
    }

    func run() async throws {
        try await CommandErrors.run {
            let window = try recordedWindow()
            let store = try global.openStore()
            defer { store.close() }
            var writer = JSONWriter(reservingCapacity: 1024)
            let catalog = EventCatalog.embedded
            func emit(_ event: RecordedEvent) throws {
                var event = event
                if latestSchema { event = try catalog.latest(event) }
                writer.bytes.removeAll(keepingCapacity: true)
                event.writeJSONLine(to: &writer)
                Output.line(writer.bytes)
            }
            defer { Output.flush() }
            if !id.isEmpty {
                try readByID(store, emit)
                return
            }
            let keep = try filter()
            // Without an index to start from, an actor is looked for in each record.
            if let keep, keep.link == nil, stream == nil, type == nil, !backward {
                try scan(store, keeping: keep, window: window, emit)
                return
            }
            let read = try pages(store, window: window, link: keep?.link)
            // Reads of a stream start at its first or last event whatever the window, so
            // they may skip events before they reach it.
            let skips = keep != nil || (stream != nil && window != nil)
            var remaining = limit
            var last: RecordedEvent?
            var printed: RecordedEvent?
            reading: while remaining > 0 {
                let asked = skips ? Self.pageSize : min(remaining, Self.pageSize)
                let page = try read(last, asked)
                for event in page where remaining > 0 {
                    if let window {
                        // recordedAt never goes backward along the log, nor along a stream.
                        if backward ? event.recordedAt < window.lowerBound : event.recordedAt > window.upperBound { break reading }
                        if !window.contains(event.recordedAt) { continue }
                    }
                    guard keep?.matches(event) ?? true else { continue }
                    try emit(event)
                    printed = event
                    remaining -= 1
                }
                guard page.count == asked, let end = page.last else { break }
                last = end
            }
            if remaining == limit, let note = Self.absence(store, stream: stream, type: type) { Output.error(note) }
            // The default limit cut a plain read short: say so, and where the next read
            // starts, rather than let 100 events pass for all there are.
            if limitGiven == nil, remaining == 0, keep == nil, window == nil, let printed, !(try read(printed, 1)).isEmpty {
                Output.error(moreFollow(after: printed))
            }
        }
    }

    /// The note for stderr when a read stopped at the default limit with more to read
    /// after `last`: the `--from` that goes on from there (a version in a stream read).
    func moreFollow(after last: RecordedEvent) -> String {
        let at = stream == nil ? last.position.rawValue : last.version.rawValue
        let next = backward ? at - 1 : at + 1
        return "ledgerline: printed \(limit) events, the default --limit; more follow: add --from \(next) to read on, "
            + "or give --limit for more at once"
    }

    /// When a read of one stream or one type printed nothing because the log holds no
    /// such stream or no event of that type at all, a line for stderr that says so,
    /// with the recorded type closest to the one given when there is a close one
    /// (`contactCreated` for `ContactCreated`) and the type is not one of the catalog's. `nil` when the stream or type is there
    /// and the read's other options left nothing, which is an answer like any other.
    ///
    /// Cost: a stream's version is one index lookup; the types come from the keys of
    /// the type index (``EventStore/statistics()``), one step per type, never a walk of
    /// the events. A failure here only loses the hint.
    static func absence(_ store: some EventStore, stream: String?, type: String?) -> String? {
        if let stream, let name = StreamName(stream) {
            guard (try? store.streamVersion(name)) == StreamVersion.none else { return nil }
            return "ledgerline: the log holds no stream named \"\(stream)\"; `ledgerline streams` lists those it holds"
        }
        if let type, let eventType = EventType(type) {
            guard let recorded = try? store.statistics().types, recorded[eventType] == nil else { return nil }
            // A type of the catalog is no typo: the log only holds none of it yet (a
            // `tail --follow` waits for the first), and a recorded type that is spelt
            // alike is another type.
            if (try? EventCatalog.embedded.latestVersion(of: type)) != nil {
                return "ledgerline: the log holds no event of type \"\(type)\" yet"
            }
            let hint = Suggestion.closest(to: type, in: recorded.keys.map(\.rawValue).sorted()).map { "; did you mean \"\($0)\"?" }
            return "ledgerline: the log holds no event of type \"\(type)\"\(hint ?? "; `ledgerline stats` lists the types it holds")"
        }
        return nil
    }

    /// Prints the events with the given ids, in the order given, at most --limit of
    /// them as every read; throws naming the ids not stored, after printing the others.
    private func readByID(_ store: some EventStore, _ emit: (RecordedEvent) throws -> Void) throws {
        let ids = try id.map { text in (text, try EventID.parse(text, option: "--id")!) }
        var missing: [String] = []
        var remaining = limit
        for (text, eventID) in ids {
            guard let event = try store.event(id: eventID) else {
                missing.append(text)
                continue
            }
            if remaining > 0 {
                try emit(event)
                remaining -= 1
            }
        }
        guard missing.isEmpty else {
            throw InputError.notFound(
                "no event has id \(missing.joined(separator: ", ")): ids are kept forever, so \(missing.count == 1 ? "it was" : "they were") never appended to this store")
        }
    }

    /// The envelope fields the events must carry; `nil` keeps every event.
    private func filter() throws -> EnvelopeFilter? {
        let filter = EnvelopeFilter(
            correlation: try EventID.parse(correlationId, option: "--correlation-id"),
            causation: try EventID.parse(causationId, option: "--causation-id"), actor: actor)
        return filter.correlation != nil || filter.causation != nil || filter.actor != nil ? filter : nil
    }

    /// A read of the whole log, forward, that keeps only the events `filter` matches:
    /// the fields it tests are read in place from each record (``EventStore/scan(from:limit:_:)``)
    /// and only the events kept are decoded, several times cheaper than reading every
    /// envelope. One read transaction per slice, so a long scan does not pin old pages.
    private func scan(_ store: some EventStore, keeping filter: EnvelopeFilter, window: ClosedRange<Timestamp>?, _ emit: (RecordedEvent) throws -> Void) throws {
        var next = try start(store, window: window) ?? .start
        var remaining = limit
        while remaining > 0 {
            var last: LogPosition?
            var ended = false
            var failure: (any Error)?
            let visited = try store.scan(from: next, limit: Self.scanSlice) { stored in
                last = stored.position
                if let window, stored.recordedAt > window.upperBound {
                    ended = true
                    return false
                }
                guard filter.matches(stored) else { return true }
                do { try emit(stored.decode()) } catch {
                    failure = error
                    return false
                }
                remaining -= 1
                return remaining > 0
            }
            if let failure { throw failure }
            guard !ended, visited == Self.scanSlice, let last else { return }
            next = last.next
        }
    }

    /// The times --since and --until keep (recordedAt, both inclusive); `nil` when
    /// neither is given. A time that does not parse, or a window that ends before it
    /// starts, is a usage error.
    private func recordedWindow() throws(ValidationError) -> ClosedRange<Timestamp>? {
        guard since != nil || until != nil else { return nil }
        let start = try since.map { text throws(ValidationError) in
            try ViewQueryOptions.instant(text, option: "--since", endOfDay: false, roundingUp: true)
        } ?? Timestamp(rawValue: .min)
        let end = try until.map { text throws(ValidationError) in
            try ViewQueryOptions.instant(text, option: "--until", endOfDay: true)
        } ?? Timestamp(rawValue: .max)
        guard start <= end else {
            throw ValidationError(
                "--since \(start) is after --until \(end), so no event can have been recorded in between; swap them")
        }
        return start...end
    }

    /// `--from` for a read of the whole log or of a type, moved into `window`: the
    /// window's first position going forward, its last going backward, found by a
    /// binary search on `recordedAt`. A position with nothing to read there when the
    /// window holds no event.
    private func start(_ store: some EventStore, window: ClosedRange<Timestamp>?) throws -> LogPosition? {
        let from = from.map { LogPosition(UInt64($0)) }
        guard let window else { return from }
        if backward {
            let last = try store.lastPosition(recordedAtOrBefore: window.upperBound)
            return min(from ?? last, last)
        }
        let first = try store.firstPosition(recordedAtOrAfter: window.lowerBound) ?? store.head().position.next
        return max(from ?? first, first)
    }

    /// Reads the page after `last` (the first page for `nil`) of the chosen events, in
    /// the chosen direction, at most `limit` long.
    private func pages(_ store: some EventStore, window: ClosedRange<Timestamp>?, link: EventLink?) throws -> (RecordedEvent?, Int) throws -> [RecordedEvent] {
        let direction: ReadDirection = backward ? .backward : .forward
        /// The position or version after `value` going `direction`: 0 once backward
        /// reads are done, where every read of the store finds nothing.
        func step(_ value: UInt64) -> UInt64 { backward ? value - 1 : value + 1 }
        if let stream {
            guard let name = StreamName(stream) else { throw InputError("--stream: \(StreamName.validationProblem(stream) ?? "invalid")") }
            return { last, limit in
                let version = last.map { StreamVersion(step($0.version.rawValue)) } ?? from.map { StreamVersion(UInt64($0)) }
                return try store.readStream(name, from: version, direction: direction, limit: limit)
            }
        }
        if let type {
            guard let eventType = EventType(type) else { throw InputError("--type: \(EventType.validationProblem(type) ?? "invalid")") }
            let first = try start(store, window: window)
            return { last, limit in
                let position = last.map { LogPosition(step($0.position.rawValue)) } ?? first
                return try store.readType(eventType, from: position, direction: direction, limit: limit)
            }
        }
        let first = try start(store, window: window)
        if let link {
            // The events that carry a correlation or causation id, through their index.
            return { last, limit in
                let position = last.map { LogPosition(step($0.position.rawValue)) } ?? first
                return try store.readLinked(link, from: position, direction: direction, limit: limit)
            }
        }
        return { last, limit in
            let position = last.map { LogPosition(step($0.position.rawValue)) } ?? first ?? (backward ? nil : .start)
            return try store.read(from: position, direction: direction, limit: limit)
        }
    }
}

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the last events; with --follow, keep printing new ones.",
        discussion: """
            Prints the last N events as JSON Lines, oldest first: of the whole log, of one \
            stream (--stream) or of one type (--type); or, with --since, every such event \
            recorded since then. With --follow it then waits and prints every such event \
            appended afterwards, by this or any other process, never skipping or \
            repeating a position, until interrupted.

            Examples:
              ledgerline tail -n 5 --follow
              ledgerline tail --type EmailBounced --follow
              ledgerline tail --since 2026-11-27T09:00:00Z --follow
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("n"), .long], help: "How many of the last events to print first (default 10).") var lines: Int?
    @Option(help: "Print the events recorded since this time (RFC 3339, or a day from its start, UTC) instead of the last N.") var since: String?
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only events of this type.") var type: String?
    @Flag(help: "Keep printing events as they are appended.") var follow = false

    func validate() throws {
        if stream != nil && type != nil { throw ValidationError("--stream and --type cannot be combined") }
        if let lines, lines < 0 { throw ValidationError("--lines must be zero or more: \(lines)") }
        if lines != nil && since != nil { throw ValidationError("--lines and --since cannot be combined: print the last N events, or those since a time") }
        if let since { _ = try ViewQueryOptions.instant(since, option: "--since", endOfDay: false) }
        try ReadCommand.checkSelection(stream: stream, type: type)
    }

    func run() async throws {
        try await CommandErrors.run {
            let sinceTime = try since.map { try ViewQueryOptions.instant($0, option: "--since", endOfDay: false, roundingUp: true) }
            let streamName = try stream.map { text in
                guard let name = StreamName(text) else { throw InputError("--stream: \(StreamName.validationProblem(text) ?? "invalid")") }
                return name
            }
            let eventType = try type.map { text in
                guard let type = EventType(text) else { throw InputError("--type: \(EventType.validationProblem(text) ?? "invalid")") }
                return type
            }
            let store = try global.openStore()
            defer { store.close() }
            let head = try store.head().position
            var writer = JSONWriter(reservingCapacity: 1024)
            var printed = 0
            func emit(_ event: RecordedEvent) {
                printed += 1
                writer.bytes.removeAll(keepingCapacity: true)
                event.writeJSONLine(to: &writer)
                Output.line(writer.bytes)
            }
            func wanted(_ event: RecordedEvent) -> Bool {
                (streamName == nil || event.stream == streamName) && (eventType == nil || event.type == eventType)
            }
            // Everything printed first ends at `head`, where following starts: an event
            // appended meanwhile is printed once, by the subscription.
            if let sinceTime {
                // Every event from the first recorded since then, through the head.
                var next = try store.firstPosition(recordedAtOrAfter: sinceTime) ?? head.next
                while next <= head {
                    let page = try store.read(from: next, direction: .forward, limit: ReadCommand.pageSize)
                    for event in page where event.position <= head && wanted(event) { emit(event) }
                    guard page.count == ReadCommand.pageSize, let end = page.last else { break }
                    next = end.position.next
                }
            } else {
                let lines = lines ?? 10
                let last: [RecordedEvent]
                if let streamName {
                    last = try store.readStream(streamName, from: nil, direction: .backward, limit: lines).filter { $0.position <= head }
                } else if let eventType {
                    last = try store.readType(eventType, from: head, direction: .backward, limit: lines)
                } else {
                    last = head == .start ? [] : try store.read(from: head, direction: .backward, limit: lines)
                }
                for event in last.reversed() { emit(event) }
            }
            Output.flush()
            // As `read` does: a mistyped --type would otherwise wait in silence for an
            // event that never comes.
            if printed == 0, let note = ReadCommand.absence(store, stream: stream, type: type) { Output.error(note) }
            guard follow else { return }
            let reader = Self.watchForClosedPipe()
            defer { reader?.cancel() }
            for try await event in store.subscribe(after: head).polling(every: .milliseconds(200)) where wanted(event) {
                emit(event)
                Output.flush()
            }
        }
    }
}

extension TailCommand {
    /// When standard output is a pipe, a task that ends the process as a write to it
    /// would (SIGPIPE) once its reader has gone, as `| head -1` does after one line.
    ///
    /// Following writes only when an event comes, so without it a follower whose
    /// reader left stayed on, holding the store open, until the next matching event,
    /// which for a rare --type may be days. Cost: a `poll` every 200 ms.
    static func watchForClosedPipe() -> Task<Void, Never>? {
        var status = stat()
        guard fstat(STDOUT_FILENO, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else { return nil }
        return Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                // A pipe's write end reports POLLERR once no reader is left.
                var output = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
                if poll(&output, 1, 0) == 1, output.revents & Int16(POLLERR) != 0 {
                    signal(SIGPIPE, SIG_DFL)
                    raise(SIGPIPE)
                }
            }
        }
    }
}

/// The envelope fields `read --correlation-id`, `--causation-id` and `--actor` ask for.
struct EnvelopeFilter {
    var correlation: EventID?
    var causation: EventID?
    var actor: String?

    /// The link to read through its index: the causation id when given (the narrower
    /// question), else the correlation id.
    var link: EventLink? { causation.map(EventLink.causation) ?? correlation.map(EventLink.correlation) }

    func matches(_ event: RecordedEvent) -> Bool {
        (correlation == nil || event.correlationId == correlation) && (causation == nil || event.causationId == causation)
            && (actor == nil || event.actor.map { $0.utf8.elementsEqual(actor!.utf8) } == true)
    }

    /// The same test on a record in place, allocating nothing.
    func matches(_ event: StoredEvent) -> Bool {
        guard correlation == nil || event.correlationId == correlation, causation == nil || event.causationId == causation else { return false }
        guard let actor else { return true }
        guard let bytes = event.actorBytes else { return false }
        return bytes.elementsEqual(actor.utf8)
    }
}
