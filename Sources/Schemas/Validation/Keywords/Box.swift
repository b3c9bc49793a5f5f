/// A link to an immutable object owned by a ``SchemaGraph``: copying it costs nothing,
/// and the graph guarantees the object outlives every evaluation.
struct Box<Object: AnyObject & Sendable>: @unchecked Sendable {
    private let unmanaged: Unmanaged<Object>

    init(_ object: Object) { unmanaged = .passUnretained(object) }

    /// The object as a strong reference, retained and released around each use: for
    /// compiling and for messages. Evaluation goes through ``with(_:)``.
    var object: Object { unmanaged.takeUnretainedValue() }

    /// Calls `body` with the object borrowed, without retaining it (see
    /// ``NodeLink/withNode(_:)`` for why that matters on the validation path).
    @inline(__always)
    func with<Result>(_ body: (Object) -> Result) -> Result {
        unmanaged._withUnsafeGuaranteedRef(body)
    }
}
