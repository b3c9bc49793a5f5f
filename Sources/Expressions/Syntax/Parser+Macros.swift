/// Macro expansion: calls that look like functions but have their own evaluation rules.
///
/// | written                         | becomes                                   |
/// |---------------------------------|-------------------------------------------|
/// | `has(e.f)`                      | presence test of `f` on `e`               |
/// | `e.all(x, p)`                   | `.comprehension(.all)`                    |
/// | `e.exists(x, p)`                | `.comprehension(.exists)`                 |
/// | `e.exists_one(x, p)`            | `.comprehension(.existsOne)`              |
/// | `e.map(x, t)`, `e.map(x, p, t)` | `.comprehension(.map)` (with filter `p`)  |
/// | `e.filter(x, p)`                | `.comprehension(.filter)`                 |
/// | `o.optMap(x, t)`                | `.comprehension(.optMap)`                 |
/// | `o.optFlatMap(x, t)`            | `.comprehension(.optFlatMap)`             |
///
/// A call with the macro's name but another shape (say `e.map(x)`) stays an ordinary call, as
/// in cel-go; a malformed macro (`has(x)`, `e.all(1, p)`) is a syntax error.
extension Parser {
    mutating func globalCall(_ name: String, args: [Expr], at offset: Int) throws(ExpressionError) -> Expr {
        if expandMacros, name == "has", args.count == 1 {
            guard case .select(let operand, let field, .value) = args[0].kind else {
                throw source.error(
                    .syntax, "has() takes a field selection, as in has(customer.email)", at: args[0].offset)
            }
            return try node(.select(operand, field: field, mode: .presenceTest), at: offset)
        }
        return try node(.call(Expr.Call(function: name, target: nil, args: args)), at: offset)
    }

    mutating func receiverCall(_ name: String, target: Expr, args: [Expr], at offset: Int) throws(ExpressionError)
        -> Expr
    {
        guard expandMacros, let kind = macroKind(name, argumentCount: args.count) else {
            return try node(.call(Expr.Call(function: name, target: target, args: args)), at: offset)
        }
        guard case .identifier(let variable) = args[0].kind else {
            throw source.error(
                .syntax, "the first argument of \(name)() must be a variable name, as in list.\(name)(x, ...)",
                at: args[0].offset)
        }
        let comprehension = Expr.Comprehension(
            kind: kind, range: target, variable: variable, body: args[args.count - 1],
            filter: args.count == 3 ? args[1] : nil)
        return try node(.comprehension(comprehension), at: offset)
    }

    private func macroKind(_ name: String, argumentCount: Int) -> Expr.Comprehension.Kind? {
        switch (name, argumentCount) {
        case ("all", 2): return .all
        case ("exists", 2): return .exists
        case ("exists_one", 2): return .existsOne
        case ("map", 2), ("map", 3): return .map
        case ("filter", 2): return .filter
        case ("optMap", 2): return .optMap
        case ("optFlatMap", 2): return .optFlatMap
        default: return nil
        }
    }
}
