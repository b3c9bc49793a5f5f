import Testing

@testable import Expressions

@Suite("Checker")
struct CheckerTests {
    /// The environment rules will be checked against, in miniature.
    static let environment = Environment()
        .declaring(
            "event", .object("Event", fields: ["type": .string, "occurredAt": .timestamp, "data": .map(.string, .dyn)])
        )
        .declaring(
            "customer",
            .object(
                "Customer",
                fields: [
                    "name": .string, "email": .string, "unsubscribed": .bool, "tags": .list(.string),
                    "scores": .map(.string, .double), "orders": .int,
                ])
        )
        .declaring("deal", .object("Deal", fields: ["stage": .string, "amount": .double, "owner": .string]))
        .declaring("now", .timestamp)

    @Test(
        "well-typed rule conditions check and report their type",
        arguments: [
            ("event.data.to == 'demo_done' && customer.scores.lead >= 0.6 && !customer.unsubscribed", ExprType.bool),
            ("deal.stage in ['won', 'lost']", .bool),
            ("customer.tags.exists(t, t.startsWith('vip'))", .bool),
            ("now - event.occurredAt > duration('72h')", .bool),
            ("customer.scores.map(k, customer.scores[k])", .list(.double)),
            ("has(customer.email) ? customer.email : 'unknown'", .string),
            ("customer.?email.orValue('none')", .string),
            ("event.data.amount", .dyn),
            ("[1, 'mixed']", .list(.dyn)),
            ("{'a': 1}", .map(.string, .int)),
            ("type(1) == int", .bool),
            ("deal.amount > 1000", .bool),
        ])
    func wellTypedConditions(source: String, type: ExprType) {
        let result = Self.environment.check(source)
        #expect(result.issues.map(\.summary) == [])
        #expect(result.type == type)
    }

    @Test(
        "mistakes are reported with the position and what is wrong",
        arguments: [
            (
                "customer.nmae == 'Ada'",
                "'Customer' has no field 'nmae'; its fields are: email, name, orders, scores, tags, unsubscribed at 1:9"
            ),
            (
                "custmer.name == 'Ada'",
                "undeclared reference to 'custmer'; declare the variable or check the spelling at 1:1"
            ),
            ("customer.scores.lead >= 'high'", "no matching overload for '>=' applied to (double, string) at 1:22"),
            ("customer.name == 3", "no matching overload for '==' applied to (string, int) at 1:15"),
            ("deal.amount + 1u", "no matching overload for '+' applied to (double, uint) at 1:13"),
            ("customer.name.size(1)", "'size' cannot be called as a method with 1 argument(s) at 1:15"),
            (
                "customer.name.startswith('A')",
                "undeclared function 'startswith'; check the spelling or the list of supported functions at 1:15"
            ),
            ("customer.tags.all(t, t)", "the predicate of all() must be a bool, not string at 1:22"),
            ("customer.orders.exists(x, true)", "exists() needs a list or a map to iterate, not int at 1:17"),
            ("customer.name.matches('(')", "invalid regular expression: missing closing ) at 1:23"),
            ("customer.orders.plan", "type 'int' does not support field selection; cannot select 'plan' at 1:16"),
            ("{[1]: 2}", "map keys must be bool, int, uint or string, not list(int) at 1:2"),
        ])
    func mistakesAreReported(source: String, issue: String) {
        let result = Self.environment.check(source)
        #expect(result.issues.map(\.summary) == [issue])
        #expect(result.type == nil)
    }

    @Test("every issue in an expression is reported, not just the first")
    func allIssuesReported() {
        let result = Self.environment.check("customer.nmae == 'x' || deal.stag == 'won'")
        #expect(result.issues.count == 2)
        #expect(result.issues.allSatisfy { $0.code == .check })
    }

    @Test("a syntax error is the single issue when parsing fails")
    func syntaxErrorIsTheIssue() {
        let result = Self.environment.check("customer.name ==")
        #expect(result.issues.map(\.code) == [.syntax])
    }

    @Test("dyn data is trusted: checks that depend on it are left to run time")
    func dynIsTrusted() {
        #expect(Self.environment.check("event.data.amount > 100 && event.data.tags.exists(t, t == 'x')").isValid)
        #expect(Environment().declaring("x", .dyn).check("x.a.b[1] + 2").isValid)
    }

    @Test("open objects accept undeclared fields as dyn")
    func openObjects() {
        let env = Environment().declaring("payload", .object("Payload", fields: ["kind": .string], open: true))
        #expect(env.check("payload.anything == 1 && payload.kind == 'a'").isValid)
    }

    @Test("compile refuses an expression that does not check, with the first issue")
    func compileRequiresCheck() throws {
        #expect(throws: ExpressionError.self) { try Self.environment.compile("customer.nmae") }
        #expect(try Self.environment.compile("deal.amount > 10").resultType == .bool)
    }

    @Test("type names parse in the declaration syntax the CLI accepts")
    func typeNames() {
        #expect(ExprType(parsing: "map(string, list(double))") == .map(.string, .list(.double)))
        #expect(ExprType(parsing: "optional_type(int)") == .optional(.int))
        #expect(ExprType(parsing: "timestamp") == .timestamp)
        #expect(ExprType(parsing: "map(string") == nil)
        #expect(ExprType(parsing: "strin") == nil)
    }
}
