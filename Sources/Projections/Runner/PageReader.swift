import EventLog
import Foundation

/// Reads the log in pages for the runner and decodes the events some view handles,
/// on a thread of its own when there is much to read, so that reading and folding
/// overlap on two cores.
///
/// The reader stays at most ``capacity`` pages ahead of the fold; cancelling it (or
/// dropping it) stops the thread at the next page.
final class PageReader: @unchecked Sendable {
    struct Page {
        /// The events of the page some view handles, decoded.
        var events: [ProjectedEvent]
        /// The last position of the page (read, whether handled or not).
        var last: LogPosition
        /// Events read.
        var count: Int
    }

    /// Pages read ahead at most.
    static let capacity = 4

    private let store: any EventStore
    private let decoder: EventDecoder
    private let handled: [Bool]
    private let goal: LogPosition
    private let pageSize: Int
    private let condition = NSCondition()
    private var position: LogPosition
    private var queue: [Page] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?
    private let threaded: Bool

    /// Reads `(from, goal]`; on a thread when `threaded`, else page by page as asked.
    init(
        store: any EventStore, decoder: EventDecoder, handled: [Bool], from: LogPosition, goal: LogPosition,
        pageSize: Int, threaded: Bool
    ) {
        self.store = store
        self.decoder = decoder
        self.handled = handled
        self.goal = goal
        self.pageSize = pageSize
        self.position = from
        self.threaded = threaded
        if threaded {
            let thread = Thread { [self] in produce() }
            thread.name = "ledgerline.projection-reader"
            thread.start()
        }
    }

    deinit { cancel() }

    /// The next page, or `nil` at the goal. Blocks while the reader thread is behind.
    func next() throws -> Page? {
        guard threaded else { return try readPage() }
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let page = queue.removeFirst()
            condition.broadcast()
            return page
        }
        if let failure { throw failure }
        return nil
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func produce() {
        while true {
            let page: Page?
            do {
                page = try readPage()
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            guard let page, !cancelled else {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            while queue.count >= Self.capacity && !cancelled { condition.wait() }
            queue.append(page)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Scans the next page after ``position``. Only the reader thread (or, unthreaded,
    /// the caller) touches ``position``.
    private func readPage() throws -> Page? {
        guard position < goal else { return nil }
        let want = Int(min(UInt64(pageSize), goal.rawValue - position.rawValue))
        var events: [ProjectedEvent] = []
        events.reserveCapacity(want)
        var last = position
        let handled = handled
        let decoder = decoder
        let visited = try store.scan(from: position.next, limit: want) { stored in
            last = stored.position
            let kind = EventKind(typeBytes: stored.typeBytes)
            if handled[kind.index] { events.append(decoder.decode(stored, kind: kind)) }
            return true
        }
        guard visited > 0 else { return nil }
        position = last
        return Page(events: events, last: last, count: visited)
    }
}
