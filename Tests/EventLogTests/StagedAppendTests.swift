import Foundation
import JSON
import Synchronization
import Testing

@testable import EventLog

/// Appends planned by the stager while the group ahead of them commits. A staged plan
/// is written only if the group ahead committed exactly as planned; otherwise the
/// writer plans the appends again, so staging never changes what the log holds or what
/// an appender is told.
@Suite("Staging appends behind a commit")
struct StagedAppendTests {
    /// Holds each of the writer's first `groups` groups between planning and writing
    /// until the test releases it; with `failing`, the first then fails as a commit would.
    final class Gate: Sendable {
        private let calls = Mutex(0)
        private let held: [DispatchSemaphore]
        private let released: [DispatchSemaphore]
        let failing: Bool

        init(groups: Int = 1, failing: Bool = false) {
            held = (0..<groups).map { _ in DispatchSemaphore(value: 0) }
            released = (0..<groups).map { _ in DispatchSemaphore(value: 0) }
            self.failing = failing
        }

        func pass() throws {
            let call = calls.withLock { count in
                count += 1
                return count - 1
            }
            guard call < held.count else { return }
            held[call].signal()
            released[call].wait()
            if failing && call == 0 { throw EventLogError(.storage, "injected commit failure") }
        }

        func waitUntilHeld(_ group: Int = 0) async {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    self.held[group].wait()
                    continuation.resume()
                }
            }
        }

        func release(_ group: Int = 0) { released[group].signal() }
        /// Lets every held group go (before the store closes, so a failed test ends).
        func releaseAll() { for semaphore in released { semaphore.signal() } }
    }

    private func withGatedStore(
        _ gate: Gate, sync: Bool = false, maxGroupEvents: Int? = nil, _ body: (LMDBEventStore) async throws -> Void
    ) async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        var options = LMDBEventStore.Options()
        options.sync = sync
        options.clock = StepClock().closure
        options.groupWillWrite = { try gate.pass() }
        if let maxGroupEvents { options.maxGroupEvents = maxGroupEvents }
        let store = try LMDBEventStore(directory: scratch.url, options: options)
        // Release the gate before closing: a test that fails while the gate holds the
        // writer would otherwise wait forever for a writer that waits for the gate.
        defer {
            gate.releaseAll()
            store.close()
        }
        try await body(store)
    }

    /// Whether `flag` is set within 20 seconds.
    private func isSetSoon(_ flag: borrowing Mutex<Bool>) async throws -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while !flag.withLock({ $0 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
        return flag.withLock { $0 }
    }

    /// Waits until the stager has planned `count` appends.
    private func waitForStaged(_ store: LMDBEventStore, _ count: Int) async throws {
        let deadline = Date().addingTimeInterval(20)
        while store.writer.stagedWaiting < count {
            guard Date() < deadline else { throw EventLogError(.storage, "the stager planned \(store.writer.stagedWaiting) of \(count) appends") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    private func note(_ stream: String, _ text: String, id: EventID? = nil, expected: ExpectedVersion = .any) -> ProposedEvent {
        Fixture.event(StreamName(stream)!, "Note", ["text": .string(text)], id: id, expected: expected)
    }

    @Test("an append that committed is told so before a large group behind it is written")
    func committedAppendsDoNotWaitForALargeGroupsWrites() async throws {
        let gate = Gate(groups: 2)
        try await withGatedStore(gate) { store in
            let told = Mutex(false)
            let first = Task {
                defer { told.withLock { $0 = true } }
                return try await store.append([note("customer-1", "first")])
            }
            await gate.waitUntilHeld(0)
            // More than the writer writes before handing results over (1 MiB), queued behind "first".
            let text = String(repeating: "x", count: 300_000)
            let large = Task { try await store.append((0..<4).map { _ in note("customer-2", text) }) }
            try await waitForStaged(store, 1)
            gate.release(0)
            await gate.waitUntilHeld(1)

            // The large group is held before its writes; "first" committed before it.
            #expect(try await isSetSoon(told), "the committed append was not told while the large group behind it was held")
            gate.release(1)
            #expect(try await first.value.events[0].position == LogPosition(1))
            #expect(try await large.value.events.map(\.position) == (2...5).map { LogPosition(UInt64($0)) })
        }
    }

    @Test("a group the writer refuses whole is told at once, while the next group waits to be written")
    func refusedGroupsAreToldAtOnce() async throws {
        let gate = Gate(groups: 2)
        // One append per group: "refused" is a group of its own, "next" the one after it.
        try await withGatedStore(gate, maxGroupEvents: 1) { store in
            let first = Task { try await store.append([note("customer-1", "first")]) }
            await gate.waitUntilHeld(0)
            let told = Mutex(false)
            let refused = Task {
                defer { told.withLock { $0 = true } }
                return try await store.append([note("customer-1", "late", expected: .exact(StreamVersion(5)))])
            }
            try await waitForStaged(store, 1)
            let next = Task { try await store.append([note("customer-2", "next")]) }
            while store.writer.queuedAppends < 1 { try await Task.sleep(for: .milliseconds(2)) }
            gate.release(0)
            await gate.waitUntilHeld(1)

            // "next" is held before its writes; "refused" wrote nothing, so no commit of its own tells it.
            #expect(try await isSetSoon(told), "the refused append was not told while the group after it was held")
            gate.release(1)
            let error = await #expect(throws: EventLogError.self) { try await refused.value }
            #expect(error?.code == .wrongExpectedVersion)
            #expect(try await first.value.events[0].position == LogPosition(1))
            #expect(try await next.value.events[0].position == LogPosition(2))
        }
    }

    @Test("appends queued behind a commit see it: versions, duplicates and conflicts as if it had committed")
    func stagedAppendsSeeTheGroupInFlight() async throws {
        let gate = Gate()
        try await withGatedStore(gate) { store in
            let id = EventID.generate()
            let first = Task { try await store.append([note("customer-1", "first", id: id, expected: .noStream)]) }
            await gate.waitUntilHeld()

            // Queued while the first group is in flight, one at a time so their order is known.
            let next = Task { try await store.append([note("customer-1", "second", expected: .exact(StreamVersion(1)))]) }
            try await waitForStaged(store, 1)
            let again = Task { try await store.append([note("customer-1", "first", id: id, expected: .noStream)]) }
            try await waitForStaged(store, 2)
            let stale = Task { try await store.append([note("customer-1", "third", expected: .noStream)]) }
            try await waitForStaged(store, 3)
            let changed = Task { try await store.append([note("customer-1", "changed", id: id)]) }
            try await waitForStaged(store, 4)
            gate.release()

            #expect(try await first.value.events[0].position == LogPosition(1))
            let second = try await next.value
            #expect(second.events[0].position == LogPosition(2))
            #expect(second.events[0].version == StreamVersion(2))
            // The same event again: a duplicate of the one in flight, not a new one.
            let repeated = try await again.value
            #expect(repeated.events[0].isDuplicate)
            #expect(repeated.events[0].position == LogPosition(1))
            let refused = await #expect(throws: EventLogError.self) { try await stale.value }
            #expect(refused?.code == .wrongExpectedVersion)
            #expect(refused?.actual == StreamVersion(2))
            let conflict = await #expect(throws: EventLogError.self) { try await changed.value }
            #expect(conflict?.code == .idConflict)

            #expect(store.writer.stagedCount == 4)
            #expect(try store.head().position == LogPosition(2))
            #expect(try store.readStream("customer-1", from: StreamVersion(1), direction: .forward, limit: 10).map(\.payload) == [
                Array(#"{"text":"first"}"#.utf8), Array(#"{"text":"second"}"#.utf8),
            ])
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
    }

    @Test("when the group ahead fails, what was staged behind it is planned again against the log as it is")
    func stagedAppendsArePlannedAgainWhenTheGroupAheadFails() async throws {
        let gate = Gate(failing: true)
        try await withGatedStore(gate) { store in
            let first = Task { try await store.append([note("customer-1", "first", expected: .noStream)]) }
            await gate.waitUntilHeld()

            // Staged as if "first" had landed: refused, then accepted.
            let creating = Task { try await store.append([note("customer-1", "create", expected: .noStream)]) }
            try await waitForStaged(store, 1)
            let following = Task { try await store.append([note("customer-1", "follow", expected: .exact(StreamVersion(1)))]) }
            try await waitForStaged(store, 2)
            gate.release()

            let failed = await #expect(throws: EventLogError.self) { try await first.value }
            #expect(failed?.message.contains("injected commit failure") == true)
            // Planned again after the failure: "create" now opens the stream and
            // "follow" comes after it, at the positions the failed group left free.
            let created = try await creating.value
            #expect(created.events[0].position == LogPosition(1))
            #expect(created.events[0].version == StreamVersion(1))
            let followed = try await following.value
            #expect(followed.events[0].position == LogPosition(2))
            #expect(followed.events[0].version == StreamVersion(2))

            #expect(store.writer.stagedCount == 0)
            #expect(try store.readStream("customer-1", from: StreamVersion(1), direction: .forward, limit: 10).map(\.payload) == [
                Array(#"{"text":"create"}"#.utf8), Array(#"{"text":"follow"}"#.utf8),
            ])
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
    }

    @Test("under load, every append lands where the writer said it did, staged or not")
    func everyAppendLandsWhereItWasToldUnderLoad() async throws {
        let gate = Gate()
        try await withGatedStore(gate, sync: true) { store in
            let opener = Task { try await store.append([note("customer-0", "open")]) }
            await gate.waitUntilHeld()
            // 16 appenders on 4 streams; every third append expects the version its
            // appender last saw there, so some are refused as others overtake them.
            var outcomes: [(text: String, stream: String, result: Result<AppendedEvent, EventLogError>)] = []
            try await withThrowingTaskGroup(of: [(String, String, Result<AppendedEvent, EventLogError>)].self) { group in
                for appender in 0..<16 {
                    group.addTask {
                        var out: [(String, String, Result<AppendedEvent, EventLogError>)] = []
                        var seen: [String: StreamVersion] = [:]
                        for n in 0..<25 {
                            let stream = "customer-\((appender + n) % 4)"
                            let expected: ExpectedVersion = n % 3 == 0 ? seen[stream].map { .exact($0) } ?? .any : .any
                            let text = "\(appender)-\(n)"
                            do {
                                let appended = try await store.append([note(stream, text, expected: expected)]).events[0]
                                seen[stream] = appended.version
                                out.append((text, stream, .success(appended)))
                            } catch let error as EventLogError {
                                out.append((text, stream, .failure(error)))
                            }
                        }
                        return out
                    }
                }
                // Every appender's first append waits behind the held group.
                try await waitForStaged(store, 16)
                gate.release()
                for try await part in group { outcomes += part.map { (text: $0.0, stream: $0.1, result: $0.2) } }
            }
            _ = try await opener.value

            #expect(store.writer.stagedCount >= 16)
            let stored = try store.read(from: .start, direction: .forward, limit: 1_000)
            var landed = 0
            for outcome in outcomes {
                switch outcome.result {
                case .success(let appended):
                    landed += 1
                    let event = stored[Int(appended.position.rawValue) - 1]
                    #expect(event.stream.rawValue == outcome.stream)
                    #expect(event.version == appended.version)
                    #expect(event.payload == Array(#"{"text":"\#(outcome.text)"}"#.utf8))
                case .failure(let error):
                    #expect(error.code == .wrongExpectedVersion)
                }
            }
            // The opener and every accepted append, nothing else, without gaps.
            #expect(stored.count == landed + 1)
            #expect(stored.map(\.position.rawValue) == Array(1...UInt64(stored.count)))
            for stream in 0..<4 {
                let versions = try store.readStream(StreamName("customer-\(stream)")!, from: nil, direction: .forward, limit: 1_000).map(\.version.rawValue)
                #expect(versions == Array(1...UInt64(versions.count)))
            }
            #expect(try store.verify(progress: nil).firstBadPosition == nil)
        }
    }
}

