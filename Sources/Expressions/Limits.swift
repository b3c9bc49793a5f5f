/// Bounds that keep a hostile or careless expression harmless.
///
/// CEL always terminates, but an expression can still be expensive: nested comprehensions
/// multiply, `map` can double a list at every step, and deep nesting costs stack. Each limit is
/// checked where it is cheapest: source length before lexing, nesting while parsing, cost while
/// evaluating. Exceeding one produces an `ExpressionError` with code `.limitExceeded` (source
/// and nesting) or `.costExceeded` (evaluation) whose message names the limit and how to raise it.
public struct Limits: Sendable, Hashable {
    /// Longest accepted source, in UTF-8 bytes.
    public var maxSourceLength: Int
    /// Deepest accepted syntax tree: parentheses, literals, calls and operator chains all count
    /// one level per node on the path from the root. The CEL specification asks for at least 32.
    public var maxNestingDepth: Int
    /// Evaluation budget per `Program.evaluate` call. One unit is charged per comprehension
    /// iteration and per element or byte produced by list, map and string construction, so the
    /// budget bounds both time and memory. Plain comparisons and field reads are free.
    public var maxCost: Int

    public init(maxSourceLength: Int = 16_384, maxNestingDepth: Int = 128, maxCost: Int = 1_000_000) {
        self.maxSourceLength = maxSourceLength
        self.maxNestingDepth = maxNestingDepth
        self.maxCost = maxCost
    }

    /// 16 KiB of source, 128 levels of nesting, a cost budget of one million.
    public static let `default` = Limits()
}
