/// The parsed form of an ECMA-262 regular expression, before it is compiled to a
/// ``RegexProgram``.
indirect enum RegexNode: Sendable {
    /// Matches the empty string.
    case empty
    /// Matches one Unicode scalar out of a set (a literal is a set of one).
    case set(ScalarSet)
    /// `^`: the start of the input (patterns carry no multiline flag).
    case inputStart
    /// `$`: the end of the input.
    case inputEnd
    /// `\b` (or `\B` when `negated`).
    case wordBoundary(negated: Bool)
    /// `( ... )` with its capture number, or `(?: ... )` with `nil`.
    case group(RegexNode, capture: Int?)
    /// `\1`, `\k<name>`: what capture `number` matched.
    case backreference(Int)
    /// Terms one after the other.
    case concatenation([RegexNode])
    /// `a|b|c`: the first alternative that leads to a match wins.
    case alternation([RegexNode])
    /// A quantified term; `max == nil` means unbounded.
    case quantified(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// `(?=`, `(?!`, `(?<=`, `(?<!`.
    case lookaround(RegexNode, ahead: Bool, negated: Bool)

    /// Whether the node can match the empty string (decides whether a loop over it
    /// needs the ECMA-262 empty-iteration check).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .inputStart, .inputEnd, .wordBoundary, .lookaround, .backreference: return true
        case .set: return false
        case .group(let inner, _): return inner.canMatchEmpty
        case .concatenation(let terms): return terms.allSatisfy(\.canMatchEmpty)
        case .alternation(let choices): return choices.contains(where: \.canMatchEmpty)
        case .quantified(let inner, let min, _, _): return min == 0 || inner.canMatchEmpty
        }
    }
}
