import Synchronization

/// A value shared with test doubles that may be called from any thread.
final class Locked<T: Sendable>: Sendable {
    private let mutex: Mutex<T>
    init(_ value: T) { mutex = Mutex(value) }
    var value: T { mutex.withLock { $0 } }
    func mutate(_ body: (inout T) -> Void) { mutex.withLock { body(&$0) } }
}
