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

    @Test func pollingSubscriptionsShareOneWatcherWhileAnyIsIterating() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("commit-watcher-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LMDBEventStore(directory: folder)
        defer { store.close() }
        #expect(!store.commitWatcher.isWatching)
        // A subscription that relies on this process's own signals watches nothing.
        let local = store.subscribe(after: .start).makeAsyncIterator()
        #expect(!store.commitWatcher.isWatching)
        var first: EventSubscription.Iterator? = store.subscribe(after: .start).polling(every: .seconds(60)).makeAsyncIterator()
        var second: EventSubscription.Iterator? = store.subscribe(after: .start).polling(every: .seconds(60)).makeAsyncIterator()
        #expect(first != nil && second != nil && store.commitWatcher.isWatching)
        first = nil
        #expect(store.commitWatcher.isWatching, "the second subscription still needs it")
        second = nil
        #expect(!store.commitWatcher.isWatching)
        withExtendedLifetime(local) {}
    }
}
