import EventLog
import JSON
import Projections
import Testing

@Suite struct TaskViewTests {
    @Test func tasksKeepTheirSourceRuleWithItsCauseOrPerson() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let tasks = Dictionary(uniqueKeysWithValues: try await store.all(in: TaskProjection()).map { ($0.entity, $0) })
        #expect(
            tasks["T1"]?.source
                == .rule(
                    name: "demo-followup", version: 2, enrollmentId: "en-1", step: 1, causedBy: WorkedDomain.ruleCause))
        #expect(tasks["T2"]?.source == .person("user:rep-1"))
        #expect(tasks["T3"]?.source == .person("user:rep-2"))
        #expect(tasks["T2"]?.status == .completed)
        #expect(tasks["T2"]?.resolution == "sent")
        #expect(tasks["T3"]?.status == .cancelled)
    }

    @Test func overdueIsDecidedAgainstTheReferenceTime() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        let tasks = try await store.all(in: TaskProjection())
        let early = TaskListing(tasks, query: .init(overdueOnly: true), referenceTime: TestLog.day(3))
        #expect(early.tasks.isEmpty)
        let late = TaskListing(tasks, query: .init(overdueOnly: true), referenceTime: TestLog.day(13))
        #expect(late.tasks.map(\.entity) == ["T1"])
        let counts = TaskListing(tasks, query: .init(status: .all), referenceTime: TestLog.day(13)).assignees
        #expect(counts.map(\.assignee) == ["rep-1", "rep-2"])
        #expect(counts[0].open == 1 && counts[0].overdue == 1 && counts[0].completed == 1)
        #expect(counts[1].cancelled == 1)
        let mine = TaskListing(tasks, query: .init(assignee: "rep-2", status: .all), referenceTime: TestLog.day(13))
        #expect(mine.tasks.map(\.entity) == ["T3"])
    }

    @Test func anActorOfARuleMakesARuleSourceEvenWithoutRuleFields() async throws {
        var log = TestLog()
        log.add(
            "TaskCreated", "task-9", ["taskId": "9", "title": "x", "assigneeId": "rep-1"], day: 0,
            actor: "rule:nurture@4")
        let task = try #require(try await log.memoryStore().current("9", in: TaskProjection()))
        #expect(task.source?.label == "rule:nurture@4")
    }
}
