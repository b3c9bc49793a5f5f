/// `e.f`, `e.?f` or `has(e.f)`.
final class SelectNode: Node, @unchecked Sendable {
    let operand: Node
    let field: String
    let key: FieldKey
    let fingerprint: StringFingerprint
    let mode: Expr.SelectMode

    init(operand: Node, field: String, mode: Expr.SelectMode, offset: Int) {
        self.operand = operand
        self.field = field
        self.key = FieldKey(field)
        self.fingerprint = StringFingerprint(field)
        self.mode = mode
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try operand.evaluate(&frame)
        // The common shapes are handled here without keeping `value` alive afterwards, so its
        // payload moves instead of being copied.
        switch mode {
        case .value:
            switch consume value {
            case .object(let object):
                if let found = object.field(key) { return found }
                throw EvalError.noSuchKey(field).located(offset)
            case .map(let map):
                if let found = map[field: field, fingerprint] { return found }
                throw EvalError.noSuchKey(field).located(offset)
            case let other:
                do { return try Access.select(other, field) } catch { throw error.located(offset) }
            }
        case .presenceTest:
            switch consume value {
            case .object(let object): return .bool(object.field(key) != nil)
            case .map(let map): return .bool(map[field: field, fingerprint] != nil)
            case let other:
                do { return .bool(try Access.isPresent(other, field)) } catch { throw error.located(offset) }
            }
        case .optional:
            do { return try Access.optionalSelect(value, field) } catch { throw error.located(offset) }
        }
    }
}

/// `v.f` or `has(v.f)` where `v` is an activation variable: the shape of most reads in rule
/// conditions (`customer.plan`, `deal.stage`), fused into one node so a read is one node call.
final class VariableFieldNode: Node, @unchecked Sendable {
    let slot: Int
    let name: String
    let field: String
    let key: FieldKey
    let fingerprint: StringFingerprint
    let presenceTest: Bool

    init(slot: Int, name: String, field: String, presenceTest: Bool, offset: Int) {
        self.slot = slot
        self.name = name
        self.field = field
        self.key = FieldKey(field)
        self.fingerprint = StringFingerprint(field)
        self.presenceTest = presenceTest
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        if let object = frame.object(slot, named: name) {
            let found = object.reference.field(key)
            if presenceTest { return .bool(found != nil) }
            if let found { return found }
            throw EvalError.noSuchKey(field).located(offset)
        }
        guard let value = frame.variable(slot, named: name) else {
            throw EvalError(.unboundVariable, "undeclared reference to '\(name)': the variable is not bound").located(
                offset)
        }
        switch consume value {
        case .object(let object):
            let found = object.field(key)
            if presenceTest { return .bool(found != nil) }
            if let found { return found }
            throw EvalError.noSuchKey(field).located(offset)
        case .map(let map):
            let found = map[field: field, fingerprint]
            if presenceTest { return .bool(found != nil) }
            if let found { return found }
            throw EvalError.noSuchKey(field).located(offset)
        case let other:
            do {
                return presenceTest ? .bool(try Access.isPresent(other, field)) : try Access.select(other, field)
            } catch {
                throw error.located(offset)
            }
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

/// `e in [constant strings]`, the common `stage in ['won', 'lost']`: members are matched by
/// fingerprint (length and first eight bytes) with integer compares, confirmed byte-wise only
/// for longer strings; no hashing and no traversal of `Value`s.
final class StringSetMembershipNode: Node, @unchecked Sendable {
    let element: Node
    let members: [String]
    let fingerprints: [StringFingerprint]
    /// Bit n set when some member is n bytes long (n < 64), to reject most needles at once.
    let lengths: UInt64
    let hasLongMembers: Bool

    init(element: Node, members: [String], offset: Int) {
        self.element = element
        self.members = members
        self.fingerprints = members.map(StringFingerprint.init)
        self.lengths = members.reduce(0) { $1.utf8.count < 64 ? $0 | (1 << UInt64($1.utf8.count)) : $0 }
        self.hasLongMembers = members.contains { $0.utf8.count >= 64 }
        super.init(offset: offset)
    }

    override func evaluate(_ frame: inout Frame) throws(EvalError) -> Value {
        let value = try element.evaluate(&frame)
        guard case .string(let s) = value else { return .bool(false) }
        let count = s.utf8.count
        if count < 64, lengths & (1 << UInt64(count)) == 0 { return .bool(false) }
        if count >= 64, !hasLongMembers { return .bool(false) }
        let needle = StringFingerprint(s)
        for index in fingerprints.indices where fingerprints[index] == needle {
            if needle.isComplete || StringBytes.equal(members[index], s) { return .bool(true) }
        }
        return .bool(false)
    }
}
