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
        // The clock is read before the first count and after the last; the kernel adds
        // a running thread's time at its ticks (every 1–10 ms), so the first count can
        // lag. A wrong unit would be off a thousandfold.
        #expect(spent.runningSeconds <= elapsed + 0.015)
        #expect(spent.waitingSeconds >= 0)
    }

    @Test("a thread that sleeps is given a core again each time it wakes")
    func eachWakeIsATimeslice() throws {
        let before = try #require(ThreadScheduling.current())
        for _ in 0..<3 { usleep(2_000) }
        let spent = try #require(ThreadScheduling.current()) - before
        #expect(spent.timeslices >= 3)
    }

    @Test("the store reports its writer thread's counts from the moment it opens")
    func storeReportsItsWriterThread() async throws {
        try await withLMDBStore { store in
            #expect(store.writerScheduling != nil)
            _ = try await store.append([Fixture.event("customer-1", "Note", ["text": "hello"])])
            let writer = try #require(store.writerScheduling)
            #expect(writer.runningSeconds > 0)
            // Not the test's own thread: the writer is a thread of its own.
            #expect(store.writer.threadID != ThreadScheduling.currentThreadID())
        }
    }
}
