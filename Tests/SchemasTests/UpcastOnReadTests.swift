import EventLog
import Foundation
import JSON
import Schemas
import Testing

/// Stored v1 events are never rewritten: readers ask for the latest version and get v2.
@Suite struct UpcastOnReadTests {
    @Test func v1EventsInTheLogReadBackAsV2WhileTheChainCoversTheStoredBytes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-upcast-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = LMDBEventStore.Options()
        options.validator = EventCatalog.embedded
        options.sync = false
        let store = try LMDBEventStore(directory: directory, options: options)
        defer { store.close() }
        let v1: JSONObject = ["dealId": "d-7", "from": "qualified", "to": "demo_done", "reasonCode": "ADV", "changedBy": "user:u-jane"]
        _ = try await store.append([ProposedEvent(stream: "deal-7", type: "DealStageChanged", schemaVersion: 1, data: v1)])
        // A v1 payload under v2 is refused: versions are checked, not guessed.
        await #expect(throws: EventLogError.self) {
            try await store.append([ProposedEvent(stream: "deal-7", type: "DealStageChanged", data: v1)])
        }
        let stored = try #require(try store.readStream("deal-7", from: nil, direction: .forward, limit: 1).first)
        #expect(stored.schemaVersion == 1)
        let latest = try EventCatalog.embedded.latest(stored)
        #expect(latest.schemaVersion == 2)
        let expected: JSONObject = [
            "dealId": "d-7", "fromStage": "qualified", "toStage": "demo_done", "pipeline": "default", "reason": "advanced",
            "changedBy": ["type": "user", "id": "u-jane"],
        ]
        #expect(latest.data == expected)
        #expect(EventCatalog.embedded.isValid(type: "DealStageChanged", version: 2, data: .object(latest.data)))
        // The log still holds, and hashes, the v1 bytes.
        #expect(latest.hash == stored.hash)
        #expect(try store.readStream("deal-7", from: nil, direction: .forward, limit: 1).first?.payload == stored.payload)
        #expect(try store.verify(progress: nil).isIntact)
    }

    /// A v1 payload that v1 takes but whose upcast v2 refuses (an actor id over v2's 200
    /// characters, which v1's pattern never capped) is refused when it is appended,
    /// saying so, rather than stored for every reader of v2 to meet as invalid data.
    @Test func aV1EventWhoseUpcastV2RefusesIsRefusedOnAppend() throws {
        let v1: JSONObject = ["dealId": "d-7", "from": "qualified", "to": "demo_done", "changedBy": .string("user:" + String(repeating: "x", count: 300))]
        #expect(EventCatalog.embedded.isValid(type: "DealStageChanged", version: 1, data: .object(v1)))
        #expect {
            try EventCatalog.embedded.validate(type: EventType("DealStageChanged"), schemaVersion: 1, data: v1)
        } throws: { error in
            (error as? PayloadViolation)?.reason
                == "valid as v1, but not once upcast to v2, as readers of the latest version see it "
                + "(/data/changedBy/id: expected at most 200 characters, found 300); give the event as v2, or fix it so that it fits both"
        }
        let fits: JSONObject = ["dealId": "d-7", "from": "qualified", "to": "demo_done", "changedBy": "user:u-jane"]
        #expect(try EventCatalog.embedded.validate(type: EventType("DealStageChanged"), schemaVersion: 1, data: fits) == 1)
    }
}
