import Foundation
import JSON
import Testing

@testable import EventLog

/// The planner turns batches into records and index entries for one transaction: a
/// refused batch leaves its answers exactly as they were, whatever it had taken.
@Suite("Append planner")
struct AppendPlannerTests {
    private func batch(_ events: [ProposedEvent]) throws -> PreparedBatch {
        try ProposedEvent.prepare(events, validator: nil, maxRecordBytes: 1 << 20)
    }

    private func event(_ stream: String, _ n: Int, id: EventID, expected: ExpectedVersion = .any) -> ProposedEvent {
        Fixture.event(StreamName(stream)!, "ContactUpdated", ["n": .number(JSONNumber(n))], id: id, expected: expected)
    }

    @Test("a refused batch gives back the ids, streams and versions it took")
    func refusedBatchGivesBackWhatItTook() throws {
        var planner = AppendPlanner(head: .empty, lastRecordedAt: Timestamp(rawValue: 0))
        let (x, y, z) = (EventID.generate(), EventID.generate(), EventID.generate())
        let now = Timestamp.now
        _ = try planner.plan(try batch([event("customer-1", 1, id: z)]), lookup: EmptyLog(), now: now)
        // x is taken, then y's expectation fails: the whole batch is refused.
        #expect(throws: EventLogError.self) {
            _ = try planner.plan(try batch([event("customer-2", 2, id: x), event("customer-3", 3, id: y, expected: .exact(StreamVersion(5)))]), lookup: EmptyLog(), now: now)
        }
        #expect(planner.recordCount == 1)
        #expect(planner.head == LogPosition(1))
        #expect(!planner.withPlannedRecord(id: x) { _ in })
        #expect(!planner.withPlannedRecord(id: y) { _ in })
        #expect(planner.withPlannedRecord(id: z) { _ in })
        #expect(planner.version(of: "customer-1") == 1)
        #expect(planner.version(of: "customer-2") == 0)

        // The same ids are new events in the next batch, and a repeat of one in the
        // batch after that is a duplicate of where it landed.
        let next = try planner.plan(try batch([event("customer-3", 3, id: y), event("customer-2", 2, id: x)]), lookup: EmptyLog(), now: now)
        #expect(next.events.map(\.isDuplicate) == [false, false])
        #expect(next.events.map(\.position) == [LogPosition(2), LogPosition(3)])
        #expect(next.events.map(\.version) == [StreamVersion(1), StreamVersion(1)])
        let again = try planner.plan(try batch([event("customer-2", 2, id: x), event("customer-1", 4, id: EventID.generate())]), lookup: EmptyLog(), now: now)
        #expect(again.events[0].isDuplicate)
        #expect(again.events[0].position == LogPosition(3))
        #expect(again.events[1].position == LogPosition(4))
        #expect(again.events[1].version == StreamVersion(2))
    }

    @Test("a plan answers for the ids it appends, kept within bounds that never shrink; the log for the rest")
    func overlayAsksThePlanOnlyWithinItsBounds() throws {
        final class AskedLog: AppendLookup {
            var asked: [EventID] = []
            func committedVersions(of streams: [StreamName]) throws -> [UInt64] { streams.map { _ in 0 } }
            func forEachCommittedRecord(ids: [EventID], _ body: (EventID, UnsafeRawBufferPointer) -> Void) throws { asked += ids }
        }
        func id(_ rank: UInt64) -> EventID { EventID(high: rank << 16 | 0x4000, low: 0x8000_0000_0000_0000 | rank) }
        var planner = AppendPlanner(head: .empty, lastRecordedAt: Timestamp(rawValue: 0))
        #expect(planner.plannedIDBounds == nil)
        _ = try planner.plan(try batch([event("customer-1", 1, id: id(30)), event("customer-2", 2, id: id(20))]), lookup: EmptyLog(), now: .now)
        #expect(planner.plannedIDBounds == id(20)...id(30))
        // A refused batch's ids may widen the bounds (which never shrink), never the plan.
        #expect(throws: EventLogError.self) {
            _ = try planner.plan(try batch([event("customer-3", 3, id: id(50), expected: .exact(StreamVersion(7)))]), lookup: EmptyLog(), now: .now)
        }
        #expect(planner.plannedIDBounds == id(20)...id(50))
        #expect(!planner.withPlannedRecord(id: id(50)) { _ in })

        let log = AskedLog()
        var found: [EventID] = []
        try PlannedOverlay(planned: planner, committed: log).forEachCommittedRecord(ids: [10, 20, 25, 30, 40].map(id)) { id, _ in found.append(id) }
        #expect(found == [id(20), id(30)])
        #expect(log.asked == [10, 25, 40].map(id))
        // With nothing planned, the log answers alone.
        let empty = AskedLog()
        try PlannedOverlay(planned: AppendPlanner(head: .empty, lastRecordedAt: Timestamp(rawValue: 0)), committed: empty).forEachCommittedRecord(ids: [id(1)]) { _, _ in }
        #expect(empty.asked == [id(1)])
    }

    @Test("types past the ones compared in order are found as well as the first")
    func manyTypesKeepTheirSlots() throws {
        var planner = AppendPlanner(head: .empty, lastRecordedAt: Timestamp(rawValue: 0))
        let types = (0..<40).map { EventType("Type\($0)")! }
        let events = (0..<200).map { i in
            Fixture.event(StreamName("customer-\(i % 7)")!, types[(i * 13) % types.count], ["n": .number(JSONNumber(i))], id: EventID.generate())
        }
        _ = try planner.plan(try batch(events), lookup: EmptyLog(), now: .now)
        var seen: [String: [UInt64]] = [:]
        planner.forEachTypeEntry { type, positions in seen[type.rawValue] = Array(positions) }
        #expect(seen.count == types.count)
        for (i, event) in events.enumerated() {
            #expect(seen[event.type.rawValue]?.contains(UInt64(i + 1)) == true)
        }
        #expect(seen.values.reduce(0) { $0 + $1.count } == events.count)
    }
}
