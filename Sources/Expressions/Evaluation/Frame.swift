/// The mutable state of one evaluation: the activation, a slot per variable the program reads
/// (filled on first use, so each variable is looked up at most once) and per comprehension
/// variable, and the remaining cost budget.
///
/// Slots live in stack memory owned by `Program.evaluate`; the frame only borrows them.
struct Frame {
    let activation: Activation
    let slots: UnsafeMutablePointer<Slot>
    var budget: Int
    let limit: Int

    enum Slot {
        case unresolved
        case unbound
        case value(Value)
        /// A lazy object, with an uncounted reference to it for field reads; the value keeps the
        /// object alive until the evaluation ends and the slots are deinitialised.
        case object(Value, UnownedObject)
    }

    struct UnownedObject {
        unowned(unsafe) let reference: any LazyObject & AnyObject
    }

    /// Charges `units` against the budget.
    @inline(__always)
    mutating func charge(_ units: Int) throws(EvalError) {
        budget -= units
        if budget < 0 {
            throw EvalError(
                .costExceeded,
                "evaluation exceeded its cost budget of \(limit) (comprehension iterations plus elements and bytes "
                    + "built); simplify the expression or raise Limits.maxCost")
        }
    }

    /// The value of the activation variable in `slot`, looking it up on first use.
    @inline(__always)
    mutating func variable(_ slot: Int, named name: String) -> Value? {
        switch slots[slot] {
        case .value(let value), .object(let value, _): return value
        case .unbound: return nil
        case .unresolved:
            resolve(slot, named: name)
            return variable(slot, named: name)
        }
    }

    /// The lazy object bound to the activation variable in `slot`, read without retaining it,
    /// or nil when the variable is unbound or not an object.
    @inline(__always)
    mutating func object(_ slot: Int, named name: String) -> UnownedObject? {
        if case .unresolved = slots[slot] { resolve(slot, named: name) }
        if case .object(_, let object) = slots[slot] { return object }
        return nil
    }

    private mutating func resolve(_ slot: Int, named name: String) {
        guard let value = activation.lookup(name) else {
            slots[slot] = .unbound
            return
        }
        if case .object(let object) = value {
            slots[slot] = .object(value, UnownedObject(reference: object.reference))
        } else {
            slots[slot] = .value(value)
        }
    }
}

/// A compiled expression node. Each subclass evaluates one construct; the tree is built once by
/// `Compiler` and shared by every evaluation of a `Program` (nodes are immutable).
class Node: @unchecked Sendable {
    /// UTF-8 offset into the source, for error locations.
    let offset: Int

    init(offset: Int) { self.offset = offset }

    func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        fatalError("\(Swift.type(of: self)) must override evaluate")
    }

    /// The value of a node known at compile time, used for constant folding and fast paths.
    var constant: Value? { nil }
}
