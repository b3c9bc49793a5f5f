import Foundation
import Synchronization

/// Wakes subscriptions when the head moves.
///
/// Each subscription registers a signal stream that keeps at most one pending wake-up,
/// so a burst of commits costs a subscriber one extra read, never a missed event.
final class HeadNotifier: Sendable {
    private let continuations = Mutex<[UInt64: AsyncStream<Void>.Continuation]>([:])
    private let nextToken = Atomic<UInt64>(0)

    func register() -> (token: UInt64, signals: AsyncStream<Void>) {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuations.withLock { $0[token] = continuation }
        return (token, stream)
    }

    func continuation(for token: UInt64) -> AsyncStream<Void>.Continuation? {
        continuations.withLock { $0[token] }
    }

    func unregister(_ token: UInt64) {
        continuations.withLock { $0.removeValue(forKey: token) }?.finish()
    }

    /// Wakes every subscription.
    func publish() {
        for continuation in continuations.withLock({ Array($0.values) }) { continuation.yield(()) }
    }
}

/// Every event after a position, then each new event as it lands: an `AsyncSequence`
/// that never skips or repeats a position.
///
/// It reads in pages (``pageSize`` events) straight from the store, so catching up
/// from position 0 over millions of events uses constant memory. When it has caught
/// up it sleeps until the store signals a commit; with a ``pollInterval`` it also
/// re-reads on that schedule, which picks up appends made by other processes.
/// Iteration ends when the task is cancelled.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let start: LogPosition
    let reader: @Sendable (LogPosition, Int) throws(EventLogError) -> [RecordedEvent]
    let notifier: HeadNotifier
    /// How often to look for appends made by other processes; `nil` relies on in-process signals only.
    ///
    /// Where the store watches its file for other processes' commits (``LMDBEventStore``
    /// does), a polling subscription is also woken by each of them at once, and the
    /// polls only back that up.
    public var pollInterval: Duration?
    /// Starts watching for other processes' commits; returns the function that stops it.
    var watchOtherProcesses: (@Sendable () -> @Sendable () -> Void)?
    /// Events read per page.
    public var pageSize = 512

    init(after start: LogPosition, notifier: HeadNotifier, pollInterval: Duration? = nil,
         reader: @escaping @Sendable (LogPosition, Int) throws(EventLogError) -> [RecordedEvent]) {
        self.start = start
        self.reader = reader
        self.notifier = notifier
        self.pollInterval = pollInterval
    }

    /// The same subscription, also polling the store every `interval`.
    public func polling(every interval: Duration) -> EventSubscription {
        var copy = self
        copy.pollInterval = interval
        return copy
    }

    /// The same subscription without the file watcher: other processes' appends are
    /// found by polling alone (what the `follow-other-process` benchmark compares with).
    @_spi(Benchmarking) public func withoutCommitWatcher() -> EventSubscription {
        var copy = self
        copy.watchOtherProcesses = nil
        return copy
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self)
    }

    public final class Iterator: AsyncIteratorProtocol {
        private let subscription: EventSubscription
        private var position: LogPosition
        private var buffer: [RecordedEvent] = []
        private var bufferIndex = 0
        private let token: UInt64
        private var signals: AsyncStream<Void>.Iterator
        private var poller: Task<Void, Never>?
        private var stopWatching: (@Sendable () -> Void)?

        init(subscription: EventSubscription) {
            self.subscription = subscription
            position = subscription.start
            // Register before the first read, so a commit between that read and the
            // first wait still wakes us.
            let (token, stream) = subscription.notifier.register()
            self.token = token
            signals = stream.makeAsyncIterator()
            if let interval = subscription.pollInterval {
                stopWatching = subscription.watchOtherProcesses?()
                if let continuation = subscription.notifier.continuation(for: token) {
                    poller = Task {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            continuation.yield(())
                        }
                    }
                }
            }
        }

        deinit {
            poller?.cancel()
            stopWatching?()
            subscription.notifier.unregister(token)
        }

        public func next() async throws -> RecordedEvent? {
            while true {
                if bufferIndex < buffer.count {
                    let event = buffer[bufferIndex]
                    bufferIndex += 1
                    position = event.position
                    return event
                }
                if Task.isCancelled { return nil }
                buffer = try subscription.reader(position.next, subscription.pageSize)
                bufferIndex = 0
                if !buffer.isEmpty {
                    precondition(buffer[0].position == position.next, "subscription would skip from \(position) to \(buffer[0].position)")
                    continue
                }
                guard await signals.next() != nil else { return nil }
            }
        }
    }
}
