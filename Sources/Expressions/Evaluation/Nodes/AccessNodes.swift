/// `e.f`, `e.?f` or `has(e.f)`.
final class SelectNode: Node, @unchecked Sendable {
    let operand: Node
    let field: String
    let mode: Expr.SelectMode

    init(operand: Node, field: String, mode: Expr.SelectMode, offset: Int) {
        self.operand = operand
        self.field = field
        self.mode = mode
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try operand.evaluate(&frame)
        do {
            switch mode {
            case .value:
                // Fast paths for the common shapes before the general routine.
                if case .object(let object) = value, let found = object.object.field(field) { return found }
                if case .map(let map) = value, let found = map[field] { return found }
                return try Access.select(value, field)
            case .presenceTest: return .bool(try Access.isPresent(value, field))
            case .optional: return try Access.optionalSelect(value, field)
            }
        } catch {
            throw error.located(offset)
        }
    }
}

/// `e[i]` or `e[?i]`.
final class IndexNode: Node, @unchecked Sendable {
    let operand: Node
    let index: Node
    let optional: Bool
    /// The key as written, when it is a literal, for error messages.
    let keyText: String?

    init(operand: Node, index: Node, optional: Bool, offset: Int) {
        self.operand = operand
        self.index = index
        self.optional = optional
        self.keyText = index.constant.map(\.literal)
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try operand.evaluate(&frame)
        let key = try index.evaluate(&frame)
        do {
            return optional ? try Access.optionalIndex(value, key) : try Access.index(value, key, keyText: keyText)
        } catch {
            throw error.located(offset)
        }
    }
}

/// `e in container`.
final class InNode: Node, @unchecked Sendable {
    let element: Node
    let container: Node

    init(element: Node, container: Node, offset: Int) {
        self.element = element
        self.container = container
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try element.evaluate(&frame)
        let collection = try container.evaluate(&frame)
        do {
            return .bool(try Access.contains(collection, value))
        } catch {
            throw error.located(offset)
        }
    }
}

/// `e in [constant strings]`: a hash-set probe instead of a scan when the list is a literal of
/// strings. Other element types fall back to CEL equality, which for a string never matches.
final class StringSetMembershipNode: Node, @unchecked Sendable {
    let element: Node
    let members: Set<String>
    /// Strings are compared by code points; Swift's `Set<String>` uses canonical equivalence, so
    /// a hit is confirmed byte-wise (only differs for unnormalised text).
    let originals: [String]

    init(element: Node, members: [String], offset: Int) {
        self.element = element
        self.members = Set(members)
        self.originals = members
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try element.evaluate(&frame)
        guard case .string(let s) = value else { return .bool(false) }
        guard members.contains(s) else { return .bool(false) }
        return .bool(originals.contains { StringBytes.equal($0, s) })
    }
}
