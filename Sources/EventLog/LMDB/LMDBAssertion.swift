import CLMDB
import Synchronization

/// The message of the assertion LMDB failed in this process, if it failed one, kept
/// where a crash report can read it from a signal handler.
///
/// LMDB built with its assertions (without `NDEBUG`, as Debian builds it) checks its
/// pages and cursors as it goes. When a check fails it calls the environment's assert
/// callback with a message such as `mdb.c:6742: Assertion 'IS_BRANCH(mp)' failed in
/// mdb_cursor_sibling()`, prints the message and aborts the process. Every environment
/// the store opens registers ``callback``, which copies the message into a buffer of
/// ``capacity`` bytes allocated once, before any environment opens. A SIGABRT handler
/// then tells LMDB's abort from any other (``failed``, ``withMessage(_:)``). The message is
/// LMDB's own: a source file, a line and an expression, never data from the store.
public enum LMDBAssertion {
    /// Bytes kept of a message; LMDB's are at most about 360.
    static let capacity = 512

    /// Written by ``record(_:)`` only; read after ``length`` says how much.
    nonisolated(unsafe) private static let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
    /// The bytes of ``storage`` that hold the message; 0 before LMDB fails an assertion.
    private static let length = Atomic<Int>(0)

    /// Allocates the buffer now, so that a signal handler never has to: Swift makes a
    /// global on its first use, under a lock. A crash report that reads the message
    /// calls this when it is installed; opening an environment does too.
    public static func prepare() {
        _ = storage.count
        _ = length.load(ordering: .relaxed)
    }

    /// The callback LMDB calls with the message of a failed assertion, just before it
    /// aborts. Copies the message (cut at ``capacity`` bytes) and nothing else: no
    /// allocation, no lock.
    static let callback: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { _, message in
        guard let message else { return }
        record(message)
    }

    static func record(_ message: UnsafePointer<CChar>) {
        var count = 0
        while count < capacity, message[count] != 0 {
            storage[count] = UInt8(bitPattern: message[count])
            count += 1
        }
        length.store(count, ordering: .releasing)
    }

    /// Registers ``callback`` with the environment `handle`; whether LMDB took it. An
    /// LMDB built without its assertions refuses it (`ENOSYS`): it never aborts on one.
    static func register(on handle: OpaquePointer) -> Bool {
        prepare()
        return mdb_env_set_assert(handle, callback) == MDB_SUCCESS
    }

    /// Whether LMDB failed an assertion in this process. Safe in a signal handler once
    /// ``prepare()`` has run.
    public static var failed: Bool { length.load(ordering: .acquiring) > 0 }

    /// Calls `body` with the message of the assertion LMDB failed, if it failed one.
    /// Safe in a signal handler once ``prepare()`` has run: it reads an atomic and the
    /// buffer, and allocates nothing (nothing generic, so no type metadata to make).
    public static func withMessage(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let count = length.load(ordering: .acquiring)
        if count > 0 { body(UnsafeBufferPointer(rebasing: storage[..<count])) }
    }
}
