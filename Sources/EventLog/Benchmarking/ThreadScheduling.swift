import Foundation

/// What the Linux scheduler counted for one thread (`/proc/…/schedstat`): its time on a
/// core, its time runnable but waiting for one, and how many times it was given a core.
///
/// The benchmarks use it to show where a commit's time goes beyond the disk: a writer
/// woken by the end of an `fsync` waits for a core while appenders hold both. The kernel
/// adds a running thread's time at its ticks, so compare counts over seconds, not
/// milliseconds.
@_spi(Benchmarking)
public struct ThreadScheduling: Sendable, Hashable {
    public var runningSeconds: Double
    public var waitingSeconds: Double
    public var timeslices: Int

    public static let zero = ThreadScheduling(runningSeconds: 0, waitingSeconds: 0, timeslices: 0)

    init(runningSeconds: Double, waitingSeconds: Double, timeslices: Int) {
        self.runningSeconds = runningSeconds
        self.waitingSeconds = waitingSeconds
        self.timeslices = timeslices
    }

    /// The calling thread's counts; `nil` where `/proc` does not give them.
    public static func current() -> ThreadScheduling? { read("/proc/thread-self/schedstat") }

    /// The counts of thread `id` of this process.
    public static func thread(_ id: Int) -> ThreadScheduling? { read("/proc/self/task/\(id)/schedstat") }

    /// The calling thread's id (its `task` entry in `/proc/self`).
    public static func currentThreadID() -> Int? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"))
            .flatMap { $0.split(separator: "/").last }.flatMap { Int($0) }
    }

    private static func read(_ path: String) -> ThreadScheduling? {
        // "<ns running> <ns waiting> <timeslices>\n"
        guard let text = try? TextFile.read(path, limit: 256) else { return nil }
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard fields.count >= 3 else { return nil }
        return ThreadScheduling(runningSeconds: Double(fields[0]) / 1e9, waitingSeconds: Double(fields[1]) / 1e9, timeslices: fields[2])
    }

    public static func + (a: ThreadScheduling, b: ThreadScheduling) -> ThreadScheduling {
        ThreadScheduling(
            runningSeconds: a.runningSeconds + b.runningSeconds, waitingSeconds: a.waitingSeconds + b.waitingSeconds,
            timeslices: a.timeslices + b.timeslices)
    }

    public static func - (after: ThreadScheduling, before: ThreadScheduling) -> ThreadScheduling {
        ThreadScheduling(
            runningSeconds: after.runningSeconds - before.runningSeconds, waitingSeconds: after.waitingSeconds - before.waitingSeconds,
            timeslices: after.timeslices - before.timeslices)
    }
}
