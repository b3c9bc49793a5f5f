/// A link to an immutable object owned by a ``SchemaGraph`` (a keyword's payload, or a
/// node: ``NodeLink``): copying it costs nothing, and the graph guarantees the object
/// outlives every evaluation.
struct Box<Object: AnyObject & Sendable>: @unchecked Sendable {
    private let unmanaged: Unmanaged<Object>

    init(_ object: Object) { unmanaged = .passUnretained(object) }

    /// The object as a strong reference, retained and released around each use: for
    /// compiling and for messages. Evaluation goes through ``with(_:)``.
    var object: Object { unmanaged.takeUnretainedValue() }

    /// Calls `body` with the object borrowed: no retain and no release. Evaluation runs
    /// on several threads at once over one catalog, and each retain of a shared object
    /// is an atomic write to a cache line the other threads are writing too; measured
    /// on two threads, those writes cost more than the validation itself.
    @inline(__always)
    func with<Result>(_ body: (Object) -> Result) -> Result {
        unmanaged._withUnsafeGuaranteedRef(body)
    }
}
