import EventLog
import Foundation
import JSON
import Projections
import Synchronization

/// Builds a log for the views' tests: events with business times counted in days from
/// 2026-01-01, appended to an in-memory or LMDB store with a clock that steps one
/// millisecond per event, so every run records the same times.
struct TestLog {
    static let epoch = Timestamp(rfc3339: "2026-01-01T09:00:00Z")!

    private(set) var events: [ProposedEvent] = []

    /// The instant `day` days (and `hours` hours) after 2026-01-01T09:00Z.
    static func day(_ day: Double) -> Timestamp {
        Timestamp(rawValue: epoch.rawValue + Int64(day * 86_400_000_000))
    }

    mutating func add(
        _ type: EventType, _ stream: String, _ data: JSONValue, day: Double, actor: String? = nil,
        causation: EventID? = nil,
        schemaVersion: Int? = nil
    ) {
        events.append(
            ProposedEvent(
                stream: StreamName(stream)!, type: type, schemaVersion: schemaVersion,
                data: data.objectValue ?? JSONObject(),
                occurredAt: Self.day(day), actor: actor, causationId: causation))
    }

    /// Adds an event as it is.
    mutating func appendRaw(_ event: ProposedEvent) { events.append(event) }

    // MARK: - Stores

    /// An in-memory store holding the events, appended in one batch (one recorded
    /// time) or `oneByOne` (each recorded a millisecond after the one before).
    func memoryStore(oneByOne: Bool = false) async throws -> InMemoryEventStore {
        let store = InMemoryEventStore(clock: StepClock().closure)
        if oneByOne {
            for event in events { _ = try await store.append([event]) }
        } else if !events.isEmpty {
            _ = try await store.append(events)
        }
        return store
    }
}

/// A clock that advances one millisecond per reading.
final class StepClock: Sendable {
    private let now = Mutex<Int64>(1_764_000_000_000_000)

    init(start: Int64 = 1_764_000_000_000_000) { now.withLock { $0 = start } }

    var closure: @Sendable () -> Timestamp {
        { [self] in
            now.withLock {
                $0 += 1000; return Timestamp(rawValue: $0)
            }
        }
    }
}

/// A scratch folder removed by `cleanup()`.
struct Scratch {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ledgerline-projections-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// An LMDB store in a subfolder (not durable: tests need no fsync).
    func lmdbStore(_ name: String = "store", clock: StepClock = StepClock()) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.sync = false
        options.clock = clock.closure
        return try LMDBEventStore(directory: url.appendingPathComponent(name), options: options)
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

extension EventStore where Self: ViewStorage {
    /// Catches `projections` up and returns the state of `entity` in `projection` now.
    func current<P: Projection>(_ entity: String, in projection: P) async throws -> P.State? {
        try await ProjectionRunner(store: self, projections: [projection]).catchUp()
        let point = try QueryPoint.resolve(asOf: nil, now: nil, in: self)
        return try ViewQueries(store: self).state(of: entity, in: projection, at: point)
    }

    /// Every entity of `projection` now.
    func all<P: Projection>(in projection: P) async throws -> [P.State] {
        try await ProjectionRunner(store: self, projections: [projection]).catchUp()
        let point = try QueryPoint.resolve(asOf: nil, now: nil, in: self)
        return try ViewQueries(store: self).states(in: projection, at: point)
    }
}
