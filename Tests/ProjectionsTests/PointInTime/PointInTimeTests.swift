import EventLog
import JSON
import Projections
import Testing

/// A view read `--as-of` a position equals the view folded from the log up to that
/// position alone: saved versions and replayed touches reconstruct it exactly.
@Suite struct PointInTimeTests {
    @Test(arguments: [1, 2, 3])
    func everyEntityAtEveryPositionEqualsAFoldOfThePrefix(seed: UInt64) async throws {
        var random = RandomLog(seed: seed)
        // Long enough that entities pass several saved versions (one per 32 touches).
        let log = random.log(count: 700, customers: 4, deals: 2)
        let store = try await log.memoryStore()
        let queries = ViewQueries(store: store)
        try await ProjectionRunner(store: store, projections: StandardViews.all).catchUp()
        let head = try store.head().position.rawValue
        var positions = Array(stride(from: UInt64(1), through: head, by: 37)) + [head - 1, head]
        positions += (0..<6).map { _ in 1 + UInt64(random.below(Int(head))) }
        for p in positions {
            // The reference: a fresh store holding only the first p events.
            var prefix = TestLog()
            for event in log.events.prefix(Int(p)) { prefix.append(event) }
            let reference = try await prefix.memoryStore()
            let point = QueryPoint(position: LogPosition(p), referenceTime: TestLog.day(0), isHead: p == head)
            try await compare(CustomerProjection(), queries, point, reference, p)
            try await compare(PipelineProjection(), queries, point, reference, p)
            try await compare(TaskProjection(), queries, point, reference, p)
        }
    }

    func compare<P: Projection>(
        _ projection: P, _ queries: ViewQueries, _ point: QueryPoint, _ reference: InMemoryEventStore, _ p: UInt64
    ) async throws
    where P.State: Equatable {
        let expected = try await reference.all(in: projection)
        let actual = try queries.states(in: projection, at: point)
        #expect(actual == expected, "view \(projection.name) as of \(p)")
    }

    @Test func asOfAnInstantMeansAsRecordedByThen() async throws {
        let store = try await WorkedDomain.log.memoryStore(oneByOne: true)
        let third = try #require(try store.read(from: LogPosition(3), direction: .forward, limit: 1).first)
        let point = try QueryPoint.resolve(asOf: .instant(third.recordedAt), now: nil, in: store)
        #expect(point.position == LogPosition(3))
        #expect(point.referenceTime == third.recordedAt)
        let before = try QueryPoint.resolve(asOf: .instant(Timestamp(rawValue: 0)), now: nil, in: store)
        #expect(before.position == .start)
        let withNow = try QueryPoint.resolve(asOf: .position(LogPosition(3)), now: TestLog.day(9), in: store)
        #expect(withNow.referenceTime == TestLog.day(9))
    }

    /// No event is at position 0, and an empty log has none at all: the reference time
    /// was then the wall clock, so `--as-of 0` (or any query of an empty store) answered
    /// differently each time it ran. It is when the first event was recorded, and in an
    /// empty log the Unix epoch.
    @Test func positionZeroAndAnEmptyLogHaveAReproducibleReferenceTime() async throws {
        let store = try await WorkedDomain.log.memoryStore(oneByOne: true)
        let first = try #require(try store.read(from: LogPosition(1), direction: .forward, limit: 1).first)
        let zero = try QueryPoint.resolve(asOf: .position(.start), now: nil, in: store)
        #expect(zero.position == .start && !zero.isHead)
        #expect(zero.referenceTime == first.recordedAt)
        let empty = InMemoryEventStore(clock: StepClock().closure)
        let nothing = try QueryPoint.resolve(asOf: nil, now: nil, in: empty)
        #expect(nothing.referenceTime == Timestamp(rfc3339: "1970-01-01T00:00:00Z"))
        #expect(try QueryPoint.resolve(asOf: .position(.start), now: nil, in: empty) == nothing)
        #expect(try QueryPoint.resolve(asOf: nil, now: TestLog.day(1), in: empty).referenceTime == TestLog.day(1))
    }

    @Test(arguments: ["", "tomorrow", "-1", "2026-13-01", "12x"])
    func aBadAsOfIsRefusedWithTheFormsItTakes(_ text: String) {
        #expect(throws: ProjectionError.self) { try PointInTime(parsing: text) }
        do { _ = try PointInTime(parsing: text) } catch {
            #expect(error.code == .invalidPosition)
            #expect(error.message.contains("1200") && error.message.contains("2026-11-25"))
        }
    }

    @Test func aPositionPastTheHeadIsRefused() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        #expect(throws: ProjectionError.self) {
            try QueryPoint.resolve(asOf: .position(LogPosition(999)), now: nil, in: store)
        }
        #expect(try PointInTime(parsing: "2026-11-25") == .instant(Timestamp(rfc3339: "2026-11-25T23:59:59.999999Z")!))
    }
}

extension TestLog {
    mutating func append(_ event: ProposedEvent) { appendRaw(event) }
}
