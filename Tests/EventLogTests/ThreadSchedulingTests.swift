import Foundation
import Testing

@_spi(Benchmarking) @testable import EventLog

/// The scheduler's counts that `concurrent-append` reports for the writer thread.
@Suite("Thread scheduling counts")
struct ThreadSchedulingTests {
    @Test("a thread's time on a core grows with the work it does, never faster than the clock")
    func runningTimeGrowsWithWork() throws {
        let started = Date()
        let before = try #require(ThreadScheduling.current())
        var x: UInt64 = 1
        var spent = ThreadScheduling.zero
        // Busy until the scheduler has counted 20 ms on a core (however busy the host).
        while spent.runningSeconds < 0.02 && Date().timeIntervalSince(started) < 20 {
            for _ in 0..<100_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
            spent = try #require(ThreadScheduling.current()) - before
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(x != 0)
        #expect(spent.runningSeconds >= 0.02)
        // The clock is read before the first count and after the last.
        #expect(spent.runningSeconds <= elapsed + 0.002)
        #expect(spent.waitingSeconds >= 0)
        #expect(spent.timeslices >= 1)
    }

    @Test("the store reports its writer thread's counts once the writer runs")
    func storeReportsItsWriterThread() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        var options = LMDBEventStore.Options()
        options.sync = false
        let store = try LMDBEventStore(directory: scratch.url, options: options)
        defer { store.close() }
        _ = try await store.append([Fixture.event("customer-1", "Note", ["text": "hello"])])
        let writer = try #require(store.writerScheduling)
        #expect(writer.runningSeconds > 0)
        // Not the test's own thread: the writer is a thread of its own.
        #expect(store.writer.threadID != ThreadScheduling.currentThreadID())
    }
}
