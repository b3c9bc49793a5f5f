/// A node of the syntax tree the parser builds, after macro expansion.
///
/// Operators are calls to functions with CEL's operator names (`_+_`, `_&&_`, `_[_]`, `@in`,
/// `_?_:_` ...), so the checker and the compiler treat them uniformly. Macros (`has`, `all`,
/// `exists`, `exists_one`, `map`, `filter`, `optMap`, `optFlatMap`) become `.comprehension` or
/// presence-test selections.
public struct Expr: Sendable {
    /// Unique within one parse; the checker records each node's type under it.
    public var id: Int
    /// UTF-8 offset into the source of the token that best locates this node (an operator,
    /// a name, an opening bracket).
    public var offset: Int
    public var kind: Kind
    /// Height of the tree below and including this node; bounded by `Limits.maxNestingDepth`.
    var depth: Int
    /// Written in parentheses: `(a.b).c` selects field `c` of variable `a.b` even when a variable
    /// `a.b.c` exists, so parentheses end a dotted name.
    var isParenthesized = false

    public indirect enum Kind: Sendable {
        case literal(Value)
        case identifier(String)
        case select(Expr, field: String, mode: SelectMode)
        case call(Call)
        case list([Expr], optionalIndices: [Int])
        case map([MapEntry])
        /// `Name{field: value}`: a protocol-buffer message literal, parsed so the error can be
        /// precise but not supported by this implementation.
        case message(typeName: String, fields: [MapEntry])
        case comprehension(Comprehension)
    }

    public enum SelectMode: Sendable {
        /// `e.f`: the field, or an error when absent.
        case value
        /// `has(e.f)`: whether the field is present.
        case presenceTest
        /// `e.?f`: `optional.of(e.f)` when present, `optional.none()` when not.
        case optional
    }

    public struct Call: Sendable {
        public var function: String
        /// The receiver of a receiver-style call `target.function(args)`.
        public var target: Expr?
        public var args: [Expr]
    }

    public struct MapEntry: Sendable {
        public var key: Expr
        public var value: Expr
        /// `{?key: opt}`: the entry exists only when `opt` holds a value.
        public var isOptional: Bool
        public var offset: Int
    }

    /// An expanded macro. `variable` is bound to each element (list) or key (map) of `range` in
    /// turn, or to the held value for the optional macros.
    public struct Comprehension: Sendable {
        public enum Kind: String, Sendable {
            case all, exists, existsOne = "exists_one", map, filter, optMap, optFlatMap
        }

        public var kind: Kind
        public var range: Expr
        public var variable: String
        /// The predicate (`all`, `exists`, `exists_one`, `filter`) or transform (`map`, `optMap`,
        /// `optFlatMap`).
        public var body: Expr
        /// The filter of the three-argument `map(x, filter, transform)`.
        public var filter: Expr?
    }
}

extension Expr {
    /// Every direct child, in source order.
    var children: [Expr] {
        switch kind {
        case .literal, .identifier: return []
        case .select(let operand, _, _): return [operand]
        case .call(let call): return (call.target.map { [$0] } ?? []) + call.args
        case .list(let elements, _): return elements
        case .map(let entries), .message(_, let entries): return entries.flatMap { [$0.key, $0.value] }
        case .comprehension(let c): return [c.range] + (c.filter.map { [$0] } ?? []) + [c.body]
        }
    }

    /// The dotted name this node spells when it is a chain of plain selections on an
    /// identifier (`a.b.c` → `"a.b.c"`), else nil.
    var qualifiedName: String? {
        switch kind {
        case .identifier(let name): return name
        case .select(let operand, let field, .value):
            guard !operand.isParenthesized else { return nil }
            return operand.qualifiedName.map { "\($0).\(field)" }
        default: return nil
        }
    }
}
