import Synchronization
/// A batch of events encoded as record templates, ready for the writer.
///
/// Everything about an event that does not depend on where it lands is encoded on
/// the appender's side, before the batch reaches the single writer thread: the
/// template is a complete record (see ``EventRecord``) whose position, version,
/// `recordedAt` (and `occurredAt`, when the client gave none) and hash are still zero.
/// The writer only patches those fields and hashes the bytes.
struct PreparedBatch: Sendable {
    struct Event: Sendable {
        var offset: Int
        var length: Int
        var id: EventID
        var stream: StreamName
        var type: EventType
        var expectedVersion: ExpectedVersion
        var given: Given
        /// Where a restored event says it goes (an export line's `seq` and `version`; 0
        /// when it says nothing), and the hash it says it has there: the planner refuses
        /// the batch when it would go elsewhere or hash otherwise, so a restore into the
        /// wrong store, or of an altered export, appends nothing.
        var claimedPosition: UInt64 = 0
        var claimedVersion: UInt64 = 0
        var claimedHash: EventHash?

        /// Whether what the store holds decides whether to accept the event, besides
        /// its id: it expects a stream version, or it is an export line saying where it
        /// goes, what it hashes to, or when it was recorded.
        var dependsOnStore: Bool {
            expectedVersion != .any || given.contains(.recordedAt) || claimedPosition != 0 || claimedVersion != 0 || claimedHash != nil
        }
    }

    /// Which optional fields the client set: only those take part in deciding whether a
    /// re-appended id carries the same event.
    struct Given: OptionSet, Sendable {
        let rawValue: UInt8
        static let occurredAt = Given(rawValue: 1)
        static let recordedAt = Given(rawValue: 2)
        static let schemaVersion = Given(rawValue: 4)
        static let actor = Given(rawValue: 8)
        static let correlationId = Given(rawValue: 16)
        static let causationId = Given(rawValue: 32)
        static let metadata = Given(rawValue: 64)
    }

    /// The templates, back to back.
    var bytes: [UInt8] = []
    var events: [Event] = []
    /// Where the writer hands ``bytes`` once the batch has committed, for the next
    /// batch to be read into; `nil` to let them go (see ``ByteRecycler``).
    var recycler: ByteRecycler?

    var count: Int { events.count }
    var isEmpty: Bool { events.isEmpty }

    init(reservingCapacity count: Int = 0) {
        events.reserveCapacity(count)
        bytes.reserveCapacity(count * 512)
    }

    /// Encodes `event` (whose id the caller has settled) at the end of the batch.
    mutating func append(_ event: ProposedEvent, id: EventID, schemaVersion: Int) {
        var given: Given = []
        if event.occurredAt != nil { given.insert(.occurredAt) }
        if event.recordedAt != nil { given.insert(.recordedAt) }
        if event.schemaVersion != nil { given.insert(.schemaVersion) }
        if event.actor != nil { given.insert(.actor) }
        if event.correlationId != nil { given.insert(.correlationId) }
        if event.causationId != nil { given.insert(.causationId) }
        if !event.metadata.isEmpty { given.insert(.metadata) }
        let offset = bytes.count
        EventRecord.appendTemplate(event, id: id, schemaVersion: schemaVersion, to: &bytes)
        events.append(
            Event(
                offset: offset, length: bytes.count - offset, id: id, stream: event.stream, type: event.type,
                expectedVersion: event.expectedVersion, given: given))
    }

    /// Runs `body` with the template of event `index`.
    func withTemplate<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let event = events[index]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[event.offset..<(event.offset + event.length)])) }
    }
}

/// Where an import's append pass sends its batches: a store (``PreparedAppending``), or
/// a dry run's ``ImportPreview``, which plans them as the store would and appends nothing.
protocol ImportTarget: Sendable {
    /// Appends `batch`, which the target takes over: the writer seals its templates in
    /// place, and a batch still referenced elsewhere would be copied first.
    func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult

    /// Plans `batch` on the calling thread, as the writer would if it came right after
    /// `previous` (a plan still being written), or after what is committed now when
    /// `previous` is `nil`. Takes `batch` only when it returns a plan; returns `nil` when
    /// the batch cannot be planned ahead (the writer plans it then, and refuses it
    /// there if it must), which includes when the log is neither just before nor just
    /// after `previous`.
    func preplan(_ batch: inout PreparedBatch, after previous: PreplannedBatch?) -> PreplannedBatch?

    /// Appends a plan made by ``preplan(_:after:)``. If anything else committed since
    /// the state it started from, the writer plans the batch again.
    func append(preplanned plan: PreplannedBatch) async throws(EventLogError) -> AppendResult

    /// The head once the batches sent so far are in.
    func head() throws(EventLogError) -> LogHead
}

extension ImportTarget {
    func preplan(_ batch: inout PreparedBatch, after previous: PreplannedBatch?) -> PreplannedBatch? { nil }

    func append(preplanned plan: PreplannedBatch) async throws(EventLogError) -> AppendResult {
        var planner = plan.planner
        return try await append(prepared: planner.takeBatches()[0])
    }
}

/// A store that takes batches already prepared by this module (the importer's path),
/// and hands out its committed state for the importer to plan them against first.
protocol PreparedAppending: EventStore, ImportTarget, ImportPreviewing {}

/// One batch planned ahead of its turn, off the writer thread: its records sealed,
/// its positions, versions and hashes assigned, as if the writer were in `base`.
///
/// Planning is most of the writer's work for a large batch. An import plans its next
/// batch while the writer writes the current one (see ``PlannedOverlay``), so the
/// writer only writes — as long as nothing else was appended in between, which the
/// writer checks by comparing its state with `base`.
struct PreplannedBatch: Sendable {
    var planner: AppendPlanner
    var result: AppendResult
    /// The writer's state the plan starts from: its head and last `recordedAt`.
    let base: LMDBEventStore.Writer.State

    /// The plan as something to plan after while it is being written.
    var inFlight: PlanInFlight { PlanInFlight(planner: planner, base: base) }
}

/// A plan the writer is writing, or will write next: what planning ahead plans after
/// (an import's next batch, the stager's group).
struct PlanInFlight {
    let planner: AppendPlanner
    /// The writer's state the plan starts from.
    let base: LMDBEventStore.Writer.State
    /// The writer's state once the plan has committed.
    var end: LMDBEventStore.Writer.State { .init(after: planner) }
}

extension LMDBEventStore.Writer.State {
    /// The writer's state once `planner`'s transaction has committed.
    init(after planner: AppendPlanner) {
        self.init(head: LogHead(position: planner.head, hash: planner.headHash), lastRecordedAt: planner.lastRecordedAt)
    }
}

extension LMDBEventStore {
    /// Runs `body` in a read transaction with the lookup the writer will have once
    /// `previous` (a plan still being written) has committed, or, without `previous`,
    /// what is committed now; and the writer state that lookup stands for. `nil`
    /// without running `body` when the snapshot is neither just before nor just after
    /// `previous`: the overlay holds only `previous`, not other commits.
    ///
    /// A lookup that reads more than 4 MiB of stored records (an import run again, whose
    /// events are mostly stored, compares each with the record holding its id) drops
    /// this process's mapping of the pages afterwards, as the writer does after a large
    /// commit: otherwise re-importing a file counts every record it compared toward the
    /// process's resident memory, the whole store's size.
    func withLookupAhead<T>(after previous: PlanInFlight?, _ body: (PlannedOverlay<AppendPlanner, WriteLookup>, Writer.State) throws -> T) throws -> T? {
        try env.read { txn in
            let base: Writer.State
            if let previous {
                let snapshot = try Self.readHead(txn, databases)
                guard snapshot == previous.base.head || snapshot == previous.end.head else { return nil }
                base = previous.end
            } else {
                base = try Self.writerState(txn, databases)
            }
            let cursor = try txn.cursor(databases.streams)
            defer { cursor.close() }
            let read = WriteLookup.RecordsRead()
            // Inside the transaction, which keeps the map where it is (see `resizeLock`).
            defer { if read.bytes > 4 << 20 { env.releaseMappedPages() } }
            let lookup = WriteLookup(store: self, txn: txn, streamCursor: cursor, recordsRead: read)
            return try body(PlannedOverlay(planned: previous?.planner, committed: lookup), base)
        }
    }
}

extension LMDBEventStore: PreparedAppending {
    func append(prepared batch: consuming PreparedBatch) async throws(EventLogError) -> AppendResult {
        guard !batch.isEmpty else { return AppendResult(events: [], head: try head().position) }
        return try await writer.submit(BatchHandover(consume batch)).get()
    }

    func preplan(_ batch: inout PreparedBatch, after previous: PreplannedBatch?) -> PreplannedBatch? {
        guard !batch.isEmpty else { return nil }
        do {
            return try withLookupAhead(after: previous?.inFlight) { lookup, base in
                var planner = AppendPlanner(head: base.head, lastRecordedAt: base.lastRecordedAt)
                let result = try planner.plan(from: &batch, lookup: lookup, now: options.clock())
                return PreplannedBatch(planner: planner, result: result, base: base)
            }
        } catch {
            return nil
        }
    }

    func append(preplanned plan: PreplannedBatch) async throws(EventLogError) -> AppendResult {
        try await writer.submit(plan).get()
    }
}

/// Moves a batch (or a plan) to the writer thread without a reference left behind:
/// whoever submits one hands over the only reference, so sealing its templates does
/// not copy them, and its memory (an import batch is tens of megabytes) goes as soon as
/// the writer is done with it, not when the task that submitted it is released.
final class Handover<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: consuming Value) { self.value = value }

    /// The value; the hand-over keeps nothing. Called once.
    func take() -> Value { value.take()! }
}

typealias BatchHandover = Handover<PreparedBatch>

/// Hands an import's batch buffers from the writer back to the importer, so that each
/// batch is read into memory the one before it used instead of pages the kernel has to
/// map in afresh: a batch is tens of megabytes, and the faults of filling fresh ones
/// were a sixth of the append pass's planning thread (`perf`, 1,000,000 events).
///
/// Holds one buffer at most; a buffer still referenced elsewhere when it is taken
/// again is copied on its first write, as any shared array is, so recycling can cost a
/// fault, never correctness.
final class ByteRecycler: Sendable {
    private let spare = Mutex<[UInt8]?>(nil)

    init() {}

    /// Keeps `bytes` for the next ``take()``, in place of any buffer kept before.
    func put(_ bytes: consuming [UInt8]) {
        spare.withLock { $0 = bytes }
    }

    /// The buffer kept, emptied but with its capacity; an empty array when none is.
    func take() -> [UInt8] {
        guard var bytes = spare.withLock({ $0.take() }) else { return [] }
        bytes.removeAll(keepingCapacity: true)
        return bytes
    }
}
