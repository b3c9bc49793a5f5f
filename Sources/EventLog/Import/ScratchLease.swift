import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A scratch file or folder an import keeps beside the store while it runs (the check
/// pass's spool, a dry run's scratch store), held under an advisory lock (`flock`) for
/// as long as it is in use.
///
/// The kernel drops the lock when the process ends, however it ends. So the next
/// import can tell what an import killed with `kill -9` left behind (a spool can be as
/// large as the file it was checking) from what an import still running in another
/// process uses, and ``sweep(_:olderThan:)`` removes only the former.
///
/// Tools that keep their own scratch files beside a store (the CLI spools standard
/// input there before importing it) take them the same way.
public final class ScratchLease: @unchecked Sendable {
    /// The names scratch files and folders begin with; ``sweep(_:olderThan:)`` looks at
    /// nothing else.
    static let prefixes = [".ledgerline-import-", ".ledgerline-preview-"]

    public let url: URL
    private var descriptor: Int32

    /// The held file's descriptor, open for reading and writing (a folder's, read-only);
    /// valid until ``release()``.
    var fileDescriptor: Int32 { descriptor }

    /// Takes over `url`, which ``reserve(_:)`` put among the held ones before creating it.
    private init(url: URL, descriptor: Int32) {
        self.url = url
        self.descriptor = descriptor
    }

    /// Every scratch file and folder this process holds or is creating: what an
    /// interrupt removes.
    private static let held = Mutex<Set<URL>>([])

    /// Counts `url` among the held ones before it is created, so that an interrupt
    /// between creating and locking it still removes it.
    private static func reserve(_ url: URL) { held.withLock { _ = $0.insert(url) } }
    private static func unreserve(_ url: URL) { held.withLock { _ = $0.remove(url) } }

    /// Folders an interrupt removes if they are empty, outermost first (see
    /// ``removeOnInterrupt(ifEmpty:)``).
    private static let emptyFolders = Mutex<[URL]>([])

    /// From now on, until ``keepOnInterrupt(_:)``, an interrupt that
    /// ``removeOnInterrupt()`` handles also removes `folders` (outermost first, as
    /// `LMDBEventStore.makeFolders` returns them) after the scratch files, innermost
    /// first, each only if it is empty by then: the folders a command made for a store
    /// it creates only once its input has passed the check, so that Ctrl-C while
    /// checking leaves nothing behind. `rmdir` removes no folder that holds anything,
    /// a store another process created there included.
    public static func removeOnInterrupt(ifEmpty folders: [URL]) {
        emptyFolders.withLock { $0 += folders }
    }

    /// Undoes ``removeOnInterrupt(ifEmpty:)`` for `folders`.
    public static func keepOnInterrupt(_ folders: [URL]) {
        emptyFolders.withLock { list in list.removeAll { folders.contains($0) } }
    }

    /// The signal sources of ``removeOnInterrupt()``, once installed.
    nonisolated(unsafe) private static var interruptSources: [any DispatchSourceSignal] = []
    private static let installed = Mutex(false)

    /// From now on, Ctrl-C (`SIGINT`), `SIGTERM` or `SIGHUP` (the terminal closed, an
    /// ssh session lost) first removes the scratch files and
    /// folders this process holds, then ends it as the signal would have. Without it an
    /// interrupted import leaves its spool (as large as the file it checks) until the
    /// next import sweeps it. `kill -9` cannot be caught; the sweep is for that. The
    /// store needs nothing: a commit cut short is not a commit. Idempotent.
    ///
    /// A signal the process was started ignoring stays ignored, as for any command: a
    /// shell starts `ledgerline import f &` in a script ignoring Ctrl-C.
    public static func removeOnInterrupt() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        // Its own queue, so the handler runs even while every worker thread is busy checking.
        let queue = DispatchQueue(label: "ledgerline.scratch-interrupt")
        interruptSources = [SIGINT, SIGTERM, SIGHUP].compactMap { number in
            let previous = signal(number, SIG_IGN)
            guard unsafeBitCast(previous, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) else { return nil }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                for url in held.withLock({ Array($0) }) { try? FileManager.default.removeItem(at: url) }
                for folder in emptyFolders.withLock({ $0 }).reversed() { rmdir(folder.path) }
                // Die of the signal, so that a shell sees an interrupt (a loop in a script
                // stops): its default action, on this thread, which (like every dispatch
                // thread) blocks it until told otherwise.
                signal(number, SIG_DFL)
                var only = sigset_t()
                sigemptyset(&only)
                sigaddset(&only, number)
                pthread_sigmask(SIG_UNBLOCK, &only, nil)
                raise(number)
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Creates the empty file `name` (which begins with one of ``prefixes``) in
    /// `directory`, and holds it.
    public static func file(_ name: String, in directory: URL) throws -> ScratchLease {
        let url = directory.appendingPathComponent(name)
        reserve(url)
        let fd = open(url.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let error = failure("create", url)
            unreserve(url)
            throw error
        }
        return try hold(url, fd)
    }

    /// Creates the empty folder `name` (which begins with one of ``prefixes``) in
    /// `directory`, and holds it.
    static func folder(_ name: String, in directory: URL) throws -> ScratchLease {
        let url = directory.appendingPathComponent(name)
        reserve(url)
        guard mkdir(url.path, 0o700) == 0 else {
            let error = failure("create", url)
            unreserve(url)
            throw error
        }
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let error = failure("open", url)
            rmdir(url.path)
            unreserve(url)
            throw error
        }
        return try hold(url, fd)
    }

    private static func hold(_ url: URL, _ fd: Int32) throws -> ScratchLease {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = failure("lock", url)
            close(fd)
            try? FileManager.default.removeItem(at: url)
            unreserve(url)
            throw error
        }
        return ScratchLease(url: url, descriptor: fd)
    }

    private static func failure(_ verb: String, _ url: URL) -> EventLogError {
        EventLogError(.storage, "cannot \(verb) the import's scratch space \(url.path): \(String(cString: strerror(errno)))")
    }

    /// Removes the file or folder, then lets go of it: a sweep never finds it unheld.
    ///
    /// Then sweeps its folder again: what an import killed just before this one began
    /// was too young for the sweep at the start (see ``sweep(_:olderThan:)``), and a
    /// spool can be as large as the file it was checking.
    public func release() {
        guard descriptor >= 0 else { return }
        try? FileManager.default.removeItem(at: url)
        Self.unreserve(url)
        close(descriptor)
        descriptor = -1
        Self.sweep(url.deletingLastPathComponent())
    }

    deinit { release() }

    /// Removes the scratch files and folders in `directory` that no running process
    /// holds, and that were last changed at least `age` seconds ago: a lease is taken
    /// a moment after its file is created, so a file younger than that may be about to
    /// be held. Returns how many it removed.
    @discardableResult
    static func sweep(_ directory: URL, olderThan age: TimeInterval = 2) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
        var removed = 0
        for name in names where prefixes.contains(where: name.hasPrefix) {
            let url = directory.appendingPathComponent(name)
            guard let changed = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                Date().timeIntervalSince(changed) >= age
            else { continue }
            let fd = open(url.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }
}
