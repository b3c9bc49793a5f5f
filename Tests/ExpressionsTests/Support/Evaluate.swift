@testable import Expressions

/// Compiles without checking and evaluates, the way most behaviour tests want it.
func evaluate(_ source: String, _ variables: [String: Value] = [:], limits: Limits = .default) throws -> Value {
    try Environment(limits: limits).compileUnchecked(source).evaluate(variables)
}

/// The error evaluating (or compiling) the expression raises, or nil when it succeeds.
func evaluationError(_ source: String, _ variables: [String: Value] = [:], limits: Limits = .default)
    -> ExpressionError?
{
    do {
        _ = try evaluate(source, variables, limits: limits)
        return nil
    } catch let error as ExpressionError {
        return error
    } catch {
        return nil
    }
}

/// The syntax (or limit) error parsing raises, or nil.
func parseError(_ source: String, limits: Limits = .default) -> ExpressionError? {
    do {
        _ = try Environment(limits: limits).parse(source)
        return nil
    } catch {
        return error
    }
}
