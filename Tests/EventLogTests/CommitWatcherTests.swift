import Foundation
import Synchronization
import Testing

@testable import EventLog

/// The watcher that wakes subscriptions on other processes' commits.
@Suite struct CommitWatcherTests {
    @Test func writesToTheFileAreReportedThenLookedAtOnceMore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("commit-watcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("data.mdb")
        try Data([0]).write(to: file)
        let calls = Mutex<Int>(0)
        let woken = DispatchSemaphore(value: 0)
        let watcher = try #require(CommitWatcher(file: file.path) {
            calls.withLock { $0 += 1 }
            woken.signal()
        })
        defer { watcher.stop() }
        #expect(calls.withLock { $0 } == 0, "nothing was written yet")

        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data("a commit's pages".utf8))
        try handle.close()
        // Once for the write, once more when the burst has settled.
        #expect(woken.wait(timeout: .now() + 30) == .success)
        #expect(woken.wait(timeout: .now() + 30) == .success)
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func aFileThatCannotBeWatchedGivesNoWatcher() {
        #expect(CommitWatcher(file: "/nonexistent/data.mdb") {} == nil)
    }

    @Test func pollingSubscriptionsShareOneWatcherThatOutlivesTheLastOnlyBriefly() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("commit-watcher-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LMDBEventStore(directory: folder)
        defer { store.close() }
        #expect(!store.commitWatcher.isWatching)
        // A subscription that relies on this process's own signals watches nothing.
        let local = store.subscribe(after: .start).makeAsyncIterator()
        #expect(!store.commitWatcher.isWatching)
        withExtendedLifetime(local) {}

        let shared = SharedCommitWatcher(file: folder.appendingPathComponent("data.mdb").path, linger: .milliseconds(200)) {}
        let first = shared.acquire()
        let second = shared.acquire()
        #expect(shared.isWatching)
        first()
        first()  // counted out once only
        try await Task.sleep(for: .milliseconds(400))
        #expect(shared.isWatching, "the second user still needs it")
        second()
        // A user coming back within the linger keeps the same watcher running.
        let third = shared.acquire()
        try await Task.sleep(for: .milliseconds(400))
        #expect(shared.isWatching)
        third()
        #expect(shared.isWatching, "it lingers")
        var stopped = false
        for _ in 0..<100 where !stopped {
            try await Task.sleep(for: .milliseconds(50))
            stopped = !shared.isWatching
        }
        #expect(stopped, "the watcher stops once nobody has needed it for the linger")
    }
}
