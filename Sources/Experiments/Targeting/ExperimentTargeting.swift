import Expressions
import JSON

/// An experiment's targeting expression, compiled once: who is eligible, decided from the
/// customer view.
///
/// The expression is CEL over one variable, `customer`: the attributes a
/// ``CustomerProfileProvider`` returns (read field by field, see ``JSONObjectView``). It
/// must evaluate to a bool; anything else, and any evaluation error (a field the customer
/// does not have), leaves the customer out with the reason in ``TargetingOutcome/failed(_:)``.
///
/// Cost: compiling parses and checks once; evaluating reads only the fields the expression
/// names.
public struct ExperimentTargeting: Sendable {
    /// The expression as written; `nil` targets everyone.
    public let expression: String?
    let program: Program?

    /// The declarations targeting expressions are checked against: `customer`, of any shape.
    static let environment = Environment().declaring("customer", .dyn)

    /// Compiles `expression`.
    ///
    /// - Throws: ``ExperimentsError/Code/invalidDefinition`` on field `targeting` with the
    ///   expression's own message and position.
    public init(_ expression: String?) throws(ExperimentsError) {
        self.expression = expression
        guard let expression else {
            program = nil
            return
        }
        do {
            program = try Self.environment.compile(expression)
        } catch {
            throw ExperimentsError(.invalidDefinition, error.summary, field: "targeting", cause: error)
        }
    }

    /// Why `expression` does not compile, or `nil` when it does: what lint reports.
    public static func problem(in expression: String) -> String? {
        environment.check(expression).issues.first?.summary
    }

    /// Whether the customer with these attributes is eligible.
    public func evaluate(_ attributes: JSONObject) -> TargetingOutcome {
        guard let program else { return .everyone }
        do {
            let result = try program.evaluate(["customer": .lazy(JSONObjectView(attributes, typeName: "Customer"))])
            guard let decided = result.asBool else { return .failed("the expression gave a non-bool value") }
            return decided ? .matched : .notMatched
        } catch {
            return .failed(error.summary)
        }
    }
}
