import EventLog
import JSON
import Testing

@testable import Experiments

@Suite struct ExperimentAssignerTests {
    static let smb = JSONObject(["segment": .string("smb")])

    @Test func recordingAppendsAValidAssignmentAndExposureOnTheCustomersStream() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let assigner = ExperimentAssigner(store: log.store)
        let decision = try assigner.decide(experimentKey: "subject-test", customerId: "c-1", attributes: Self.smb)
        #expect(decision.inExperiment)
        #expect(decision.targeting == .matched)
        #expect(decision.result.reason == .assigned)
        #expect(decision.result.bucketRange?.contains(decision.result.bucket ?? -1) == true)
        let appended = try await assigner.record(decision, at: ExperimentLog.day(1))
        #expect(appended.count == 2)
        let stream = try log.store.readStream(
            try ExperimentEvents.customerStream("c-1"), from: nil, direction: .forward, limit: 10)
        #expect(stream.map { $0.type.rawValue } == ["VariantAssigned", "ExperimentExposed"])
        #expect(stream[0].data["hashValue"]?.stringValue == "c-1")
        #expect(stream[0].data["seed"]?.stringValue == "subject-test")
        #expect(stream[1].causationId == stream[0].id)
        // Recording the same decision again stores nothing new.
        let again = try await assigner.record(decision, at: ExperimentLog.day(1))
        #expect(again.allSatisfy { $0.isDuplicate })
    }

    @Test func aRecordedAssignmentIsStickyAndExplainsItself() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let assigner = ExperimentAssigner(store: log.store)
        let first = try assigner.decide(experimentKey: "subject-test", customerId: "c-7", attributes: Self.smb)
        try await assigner.record(first, at: ExperimentLog.day(1))
        let second = try assigner.decide(experimentKey: "subject-test", customerId: "c-7", attributes: Self.smb)
        #expect(second.result.stickyBucketUsed)
        #expect(second.result.variationKey == first.result.variationKey)
        #expect(!second.isNewAssignment)
        #expect(second.explanation.contains { $0.hasPrefix("sticky: an earlier VariantAssigned") })
        let appended = try await assigner.record(second, at: ExperimentLog.day(2))
        #expect(appended.count == 1)
    }

    @Test func customersTheTargetingLeavesOutAreNotRecorded() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let assigner = ExperimentAssigner(store: log.store)
        let enterprise = try assigner.decide(
            experimentKey: "subject-test", customerId: "c-2", attributes: JSONObject(["segment": .string("enterprise")])
        )
        #expect(enterprise.targeting == .notMatched)
        #expect(enterprise.result.reason == .targetingFailed)
        #expect(try await assigner.record(enterprise).isEmpty)
        let unknown = try assigner.decide(experimentKey: "subject-test", customerId: "c-3")
        guard case .failed = unknown.targeting else {
            Issue.record("a customer without the field cannot be targeted: \(unknown.targeting)")
            return
        }
        #expect(unknown.explanation.last?.contains("pass them with --attributes") == true)
    }

    @Test func attributesComeFromTheCustomerProfileProviderWhenNotGiven() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let profiles = CustomerProfiles.fixed(["c-5": Self.smb, "c-6": JSONObject(["segment": .string("enterprise")])])
        let assigner = ExperimentAssigner(store: log.store, profiles: profiles)
        #expect(try assigner.decide(experimentKey: "subject-test", customerId: "c-5").inExperiment)
        #expect(try !assigner.decide(experimentKey: "subject-test", customerId: "c-6").inExperiment)
    }

    @Test func anUnknownExperimentKeySaysHowToFindOrPublishIt() throws {
        let log = ExperimentLog()
        do {
            _ = try ExperimentAssigner(store: log.store).decide(experimentKey: "nope", customerId: "c-1")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownExperiment)
            #expect(error.message.contains("no experiment `nope` has been published"))
            #expect(error.message.contains("ledgerline experiments list"))
        }
    }

    /// Seeded loop: assign and record customers, move the weights (new phase), rebuild the
    /// sticky projection from the whole log and re-decide everyone: nobody moves.
    @Test func replayingTheLogAssignsEveryoneIdenticallyAfterTheWeightsMoved() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let assigner = ExperimentAssigner(store: log.store)
        var rng = Xoshiro256StarStar(seed: 2026)
        var first: [String: String] = [:]
        for i in 0..<200 {
            let id = "c-\(rng.next() % 1_000_000)-\(i)"
            let decision = try assigner.decide(experimentKey: "subject-test", customerId: id, attributes: Self.smb)
            try await assigner.record(decision, at: ExperimentLog.day(Double(i) / 100))
            first[id] = decision.result.variationKey
        }
        let shares = Double(first.values.filter { $0 == "control" }.count) / Double(first.count)
        #expect(abs(shares - 0.5) < 0.12)
        try await log.publish(try ExperimentLog.definition(weights: (0.05, 0.95)), at: ExperimentLog.day(3))
        let projection = try StickyAssignmentProjection.load(from: log.store)
        #expect(projection.eventCount == 200)
        for (id, variation) in first {
            let decision = try assigner.decide(experimentKey: "subject-test", customerId: id, attributes: Self.smb)
            #expect(decision.phase == 2)
            #expect(decision.result.variationKey == variation)
            #expect(decision.result.stickyBucketUsed)
            let replayed = try ExperimentHistory.load("subject-test", from: log.store).currentExperiment!.assign(
                in: EvaluationContext(
                    attributes: .object(JSONObject(["id": .string(id), "segment": .string("smb")])),
                    stickyAssignments: projection.assignments))
            #expect(replayed.variationKey == variation)
        }
        // In phase 2 a customer's first recorded assignment says the sticky bucket decided it.
        let (id, variation) = try #require(first.first)
        let carried = try assigner.decide(experimentKey: "subject-test", customerId: id, attributes: Self.smb)
        #expect(carried.isNewAssignment)
        try await assigner.record(carried, at: ExperimentLog.day(4))
        let assigned = try log.store.readType("VariantAssigned", from: .start, limit: 1000).last
        #expect(assigned?.data["phase"] == 2)
        #expect(assigned?.data["sticky"] == true)
        #expect(assigned?.data["variationKey"]?.stringValue == variation)
    }
}
