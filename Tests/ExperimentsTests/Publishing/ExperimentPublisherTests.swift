import EventLog
import Testing

@testable import Experiments

@Suite struct ExperimentPublisherTests {
    @Test func firstPublishStartsPhaseOneWithTheDefinitionAndItsChecksum() async throws {
        let log = ExperimentLog()
        let definition = try ExperimentLog.definition()
        let plans = try await log.publish(definition)
        #expect(plans.map(\.outcome) == [.firstPhase])
        let event = try #require(try log.store.readType("ExperimentConfigured", from: .start, limit: 10).first)
        #expect(event.stream.rawValue == "experiment-subject-test")
        #expect(event.actor == "u-ana")
        #expect(event.data["checksum"]?.stringValue == definition.checksum)
        #expect(definition.checksum.count == 64)
        let history = try ExperimentHistory.load("subject-test", from: log.store)
        #expect(history.current?.definition == definition)
        #expect(history.current?.phase == 1)
        #expect(history.current?.checksum == definition.checksum)
    }

    @Test func republishingAnUnchangedDefinitionAppendsNothing() async throws {
        let log = ExperimentLog()
        let definition = try ExperimentLog.definition()
        try await log.publish(definition)
        let head = try log.store.head().position
        let again = try await log.publish(definition, at: ExperimentLog.day(3))
        #expect(again.map(\.outcome) == [.unchanged])
        #expect(again.first?.event == nil)
        #expect(try log.store.head().position == head)
    }

    @Test func changingWeightsOrCoverageStartsANewPhaseNamingTheChange() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let reweighted = try await log.publish(
            try ExperimentLog.definition(weights: (0.2, 0.8)), at: ExperimentLog.day(5))
        #expect(reweighted.map(\.outcome) == [.newPhase(changes: ["weights"])])
        #expect(reweighted.first?.phase == 2)
        let covered = try await log.publish(
            try ExperimentLog.definition(weights: (0.2, 0.8), extra: "coverage: 0.5"), at: ExperimentLog.day(6))
        #expect(covered.map(\.outcome) == [.newPhase(changes: ["coverage"])])
        let history = try ExperimentHistory.load("subject-test", from: log.store)
        #expect(history.phases == [1, 2, 3])
        #expect(history.start(of: 2)?.phaseChanges == ["weights"])
        #expect(history.weights(phase: 2) == [0.2, 0.8])
    }

    @Test func changingStatusOrTargetingContinuesThePhase() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        let stopped = try await log.publish(try ExperimentLog.definition(status: "stopped"), at: ExperimentLog.day(9))
        #expect(stopped.map(\.outcome) == [.samePhase])
        #expect(stopped.first?.phase == 1)
        #expect(try ExperimentHistory.load("subject-test", from: log.store).configurations.count == 2)
    }

    @Test func theSameKeyTwiceInOnePublishIsRefusedAndNothingIsAppended() async throws {
        let log = ExperimentLog()
        let definition = try ExperimentLog.definition()
        await #expect(throws: ExperimentsError.self) {
            try await ExperimentPublisher(store: log.store).publish([definition, definition])
        }
        #expect(try log.store.head().position == .start)
    }

    @Test func aConcurrentPublishIsAConflictNotAnInterleaving() async throws {
        let log = ExperimentLog()
        let publisher = ExperimentPublisher(store: log.store)
        let stale = try publisher.plan([try ExperimentLog.definition()])
        try await log.publish(try ExperimentLog.definition(weights: (0.3, 0.7)))
        do {
            _ = try await log.store.append(stale.compactMap(\.event))
            Issue.record("a stale publish must not land")
        } catch {
            #expect(ExperimentsError.logFailure(error, while: "publishing").code == .conflict)
        }
    }
}
