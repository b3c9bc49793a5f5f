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
        var events: EventPage
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
    /// Event arrays of pages every fold has let go of, to be refilled (see ``EventPage``).
    private var returned: [[ProjectedEvent]] = []
    /// What prefetching read, kept so the loads are not optimised away.
    private var prefetched: UInt64 = 0
    /// Payload storages of returned pages, refilled by later pages: only the thread
    /// that reads pages touches it. It holds at most the payloads of the pages that may
    /// be returned (``giveBack(_:)``).
    private var storages: Payload.StoragePool
    /// Storages taken from ``storages`` to be refilled (tests check they come back).
    private(set) var takenStorages = 0
    /// Pages read into a returned array (tests check that arrays come back).
    private(set) var refilled = 0

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
        storages = Payload.StoragePool(limit: Self.capacity * 2 * pageSize)
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

    /// Takes back the events of a page no fold holds any more.
    fileprivate func giveBack(_ events: [ProjectedEvent]) {
        condition.lock()
        if returned.count < Self.capacity * 2 { returned.append(events) }
        condition.unlock()
    }

    /// An array to fill with the next page: a returned one, emptied here (the payload
    /// storages nothing else holds go to `pool`), or a new one.
    private func emptyArray(capacity: Int, pool: inout Payload.StoragePool) -> [ProjectedEvent] {
        condition.lock()
        var events = returned.popLast() ?? []
        if events.capacity > 0 { refilled += 1 }
        condition.unlock()
        // Releasing each payload waits for its line (last written on a folding core)
        // before the next: loading them all first lets the misses overlap. Storages
        // nothing else holds go to the pool, to be refilled instead of freed.
        prefetched = events.withUnsafeBufferPointer { events in
            guard let base = events.baseAddress else { return 0 }
            var sum: UInt64 = 0
            for i in events.indices { sum &+= ProjectedEvent.prefetch(base + i, lines: 1) }
            return sum
        }
        for i in events.indices { events[i].payload.release(to: &pool) }
        events.removeAll(keepingCapacity: true)
        events.reserveCapacity(capacity)
        return events
    }

    /// Scans the next page after ``position``. Only the reader thread (or, unthreaded,
    /// the caller) touches ``position``.
    private func readPage() throws -> Page? {
        guard position < goal else { return nil }
        let want = Int(min(UInt64(pageSize), goal.rawValue - position.rawValue))
        // The pool is a local while the page is emptied and read: an access to the
        // property would be checked for exclusivity on every event.
        var storages = self.storages
        self.storages = Payload.StoragePool(limit: 0)
        defer { self.storages = storages }
        var events = emptyArray(capacity: want, pool: &storages)
        let pooled = storages.count
        defer { takenStorages += pooled - storages.count }
        var last = position
        let handled = handled
        let decoder = decoder
        let visited = try store.scan(from: position.next, limit: want) { stored in
            last = stored.position
            let kind = EventKind(typeBytes: stored.typeBytes)
            if handled[kind.index] { events.append(decoder.decode(stored, kind: kind, pool: &storages)) }
            return true
        }
        guard visited > 0 else { return nil }
        position = last
        return Page(events: EventPage(events, returningTo: self), last: last, count: visited)
    }
}

/// The decoded events of one page, shared by the views that fold it (and by the queues
/// that apply a share of it, which may outlive the fold that started them).
///
/// When the last of them lets go, the array goes back to its reader, which empties and
/// refills it for a later page. A page holds thousands of payloads allocated by the
/// reader's thread; freed on the folding threads they went through the allocator's
/// locks of another thread's heap, and each page's array (about 700 KB) was a fresh
/// mapping whose pages all faulted in.
final class EventPage: @unchecked Sendable {
    let events: [ProjectedEvent]
    private weak var reader: PageReader?

    init(_ events: [ProjectedEvent], returningTo reader: PageReader? = nil) {
        self.events = events
        self.reader = reader
    }

    deinit { reader?.giveBack(events) }
}
