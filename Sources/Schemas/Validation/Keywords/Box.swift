/// An unowned link to an immutable object owned by a ``SchemaGraph``: copying it
/// costs nothing, and the graph guarantees the object outlives every evaluation.
struct Box<Object: AnyObject & Sendable>: @unchecked Sendable {
    unowned(unsafe) let object: Object

    init(_ object: Object) { self.object = object }
}
