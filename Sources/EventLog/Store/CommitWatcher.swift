import Foundation
import Glibc
import Synchronization

/// Notices commits made by other processes to a store, as they happen.
///
/// Every commit writes its pages and then its meta page into `data.mdb` with
/// `pwrite`, so the kernel's inotify reports each one as a modification of the file. A
/// thread waits on those reports and calls `onChange`, which wakes the store's
/// subscriptions; they read the head and take whatever is new. Without it, a
/// subscription learns of another process's appends only when it polls.
///
/// LMDB publishes a commit's transaction id to readers just after its meta page is
/// written, so a reader woken by that write can, rarely, still see the snapshot
/// before it. The watcher therefore calls `onChange` once more
/// ``CommitWatcher/settleTime`` after the last report of a burst. Polling stays the
/// fallback where inotify sees nothing (a store on a network file system, a writer
/// that writes through a memory map).
final class CommitWatcher: @unchecked Sendable {
    /// How long after a burst of writes the watcher looks once more.
    static let settleTime: Int32 = 1  // milliseconds

    private let inotify: Int32
    /// Written to by ``stop()`` to end the thread's wait.
    private let stopPipe: (read: Int32, write: Int32)
    private let finished = DispatchSemaphore(value: 0)
    private let onChange: @Sendable () -> Void

    /// Starts watching `file`; `nil` when inotify is unavailable or cannot watch it.
    init?(file: String, onChange: @escaping @Sendable () -> Void) {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { return nil }
        guard inotify_add_watch(inotify, file, UInt32(IN_MODIFY)) >= 0 else {
            close(inotify)
            return nil
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(inotify)
            return nil
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.inotify = inotify
        stopPipe = (fds[0], fds[1])
        self.onChange = onChange
        let thread = Thread { [self] in watch() }
        thread.name = "ledgerline-commit-watcher"
        thread.start()
    }

    /// Ends the thread and closes the watch. Call once.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        finished.wait()
        close(inotify)
        close(stopPipe.read)
        close(stopPipe.write)
    }

    private func watch() {
        var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        var settling = false
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, settling ? Self.settleTime : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            if ready == 0 {
                // Quiet since the last report: look once more, for a commit whose
                // transaction id was published just after its last write.
                settling = false
                onChange()
                continue
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                // Drain every queued report; one wake-up covers them all.
                while read(inotify, buffer.baseAddress, buffer.count) > 0 {}
                settling = true
                onChange()
            } else if fds[0].revents != 0 {
                break  // the watch is gone (POLLERR, POLLHUP)
            }
        }
        finished.signal()
    }
}

/// One ``CommitWatcher`` shared by the subscriptions that want other processes'
/// commits: started by the first, stopped a moment (the `linger`) after the last ends.
///
/// A follower that takes a fresh subscription after each wake-up (as
/// `ProjectionRunner.follow` does) thus keeps one watcher thread instead of starting
/// and joining one per commit.
final class SharedCommitWatcher: Sendable {
    private struct State {
        var watcher: CommitWatcher?
        var users = 0
        /// Counts the times the users dropped to none, so a late stop can tell that
        /// the watcher was taken up again meanwhile.
        var idleSince = 0
    }

    private let file: String
    private let linger: Duration
    private let onChange: @Sendable () -> Void
    private let state = Mutex(State())

    init(file: String, linger: Duration = .seconds(2), onChange: @escaping @Sendable () -> Void) {
        self.file = file
        self.linger = linger
        self.onChange = onChange
    }

    /// Counts a user in, starting the watcher if none is running; returns the
    /// function that counts it out.
    func acquire() -> @Sendable () -> Void {
        state.withLock { state in
            state.users += 1
            if state.watcher == nil { state.watcher = CommitWatcher(file: file, onChange: onChange) }
        }
        let once = Once()
        return { [self] in
            guard once.first() else { return }
            let idle = state.withLock { state -> Int? in
                state.users -= 1
                guard state.users == 0 else { return nil }
                state.idleSince += 1
                return state.idleSince
            }
            guard let idle else { return }
            let (seconds, attoseconds) = linger.components
            let delay = Double(seconds) + Double(attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in stopIfStillIdle(since: idle) }
        }
    }

    private func stopIfStillIdle(since idle: Int) {
        let stopping = state.withLock { state -> CommitWatcher? in
            guard state.users == 0, state.idleSince == idle else { return nil }
            defer { state.watcher = nil }
            return state.watcher
        }
        stopping?.stop()
    }

    /// Whether a watcher is running (for tests).
    var isWatching: Bool { state.withLock { $0.watcher != nil } }
}

/// True the first time it is asked, false after.
private final class Once: Sendable {
    private let done = Atomic<Bool>(false)
    func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
}
