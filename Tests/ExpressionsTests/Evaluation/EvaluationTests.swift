import Testing

@testable import Expressions

@Suite("Evaluation")
struct EvaluationTests {
    @Test(
        "int and uint arithmetic that leaves the type's range is an error, never a wrap",
        arguments: [
            "9223372036854775807 + 1", "-9223372036854775808 - 1", "-(-9223372036854775808)",
            "-9223372036854775808 / -1", "-9223372036854775808 % -1", "5000000000 * 5000000000",
            "18446744073709551615u + 1u", "0u - 1u", "5000000000u * 5000000000u",
        ])
    func integerOverflow(source: String) throws {
        let error = try #require(evaluationError(source))
        #expect(error.code == .overflow)
        #expect(error.message.hasSuffix("overflows its type"))
    }

    @Test("division and modulus by zero are errors for integers and infinity for doubles")
    func divisionByZero() throws {
        #expect(evaluationError("1 / 0")?.message == "division by zero")
        #expect(evaluationError("1u % 0u")?.message == "modulus by zero")
        #expect(try evaluate("1.0 / 0.0") == .double(.infinity))
    }

    @Test(
        "&& and || absorb an error or a non-bool when the other side decides, in either order",
        arguments: [
            ("1 / 0 > 1 && false", Value.bool(false)),
            ("false && 1 / 0 > 1", .bool(false)),
            ("1 / 0 > 1 || true", .bool(true)),
            ("true || 1 / 0 > 1", .bool(true)),
            ("'text' && false", .bool(false)),
            ("missing || true", .bool(true)),
            ("f_unknown() && false", .bool(false)),
            ("[1, 'a'].all(x, x == 2)", .bool(false)),
            ("[1, 0].exists(x, 4 / x == 4)", .bool(true)),
        ])
    func errorAbsorption(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("without a deciding side the first error surfaces with its own location")
    func errorNotAbsorbed() throws {
        let error = try #require(evaluationError("true && 1 / 0 > 1"))
        #expect(error.message == "division by zero")
        #expect(error.location?.column == 11)
        #expect(evaluationError("'a' || false")?.code == .noMatchingOverload)
    }

    @Test("an unbound variable is an error only when evaluation reaches it")
    func unboundVariable() throws {
        let error = try #require(evaluationError("customer.plan == 'pro'"))
        #expect(error.code == .unboundVariable)
        #expect(error.message == "undeclared reference to 'customer': the variable is not bound")
        #expect(try evaluate("true || customer.plan == 'pro'") == .bool(true))
    }

    @Test("an unknown function is an error only when evaluation reaches it")
    func unboundFunction() throws {
        #expect(evaluationError("f_unknown(1)")?.message == "unbound function 'f_unknown': no such function is defined")
        #expect(
            evaluationError("'a'.indexOf('a', 0, 1)")?.message
                == "no matching overload for 'indexOf' called as a method with 3 argument(s)")
    }

    @Test("heterogeneous numbers compare by value; other mixed types are unequal, not errors")
    func heterogeneousEquality() throws {
        #expect(try evaluate("1 == 1u && 1u == 1.0 && 2.0 > 1u && -1 < 0u") == .bool(true))
        #expect(try evaluate("1 == '1'") == .bool(false))
        #expect(try evaluate("[1, 2] == [1.0, 2u]") == .bool(true))
        #expect(try evaluate("0.0 / 0.0 == 0.0 / 0.0") == .bool(false))
        #expect(evaluationError("1 < 'a'")?.message == "no matching overload for '<' applied to (int, string)")
    }

    @Test("strings compare by code points without Unicode normalization")
    func stringsCompareByCodePoints() throws {
        #expect(try evaluate("'\\u00e9' == 'e\\u0301'") == .bool(false))
        #expect(try evaluate("{'\\u00e9': 1}[?'e\\u0301'].hasValue()") == .bool(false))
        #expect(try evaluate("'a' < 'b' && 'B' < 'a' && 'z' < '\\u00e9'") == .bool(true))
    }

    @Test("a qualified name resolves to the longest bound prefix")
    func qualifiedNames() throws {
        let both: [String: Value] = ["a.b.c": .string("whole"), "a.b": .map(MapValue(["c": .string("field")]))]
        #expect(try evaluate("a.b.c", both) == .string("whole"))
        #expect(try evaluate("a.b.c", ["a.b": .map(MapValue(["c": .string("field")]))]) == .string("field"))
        #expect(try evaluate("(a.b).c", both) == .string("field"))
    }

    @Test("a lazy object is read field by field: untouched fields are never resolved")
    func lazyObjectReadsOnlyWhatIsUsed() throws {
        let view = CountingView()
        let result = try evaluate("v.plan == 'pro' || v.expensive == 1", ["v": .lazy(view)])
        #expect(result == .bool(true))
        #expect(view.reads.value == ["plan"])
    }

    @Test("a lazy object supports selection, has(), in, indexing, size, iteration and equality")
    func lazyObjectBehavesLikeAMap() throws {
        let v = Value.lazy(CountingView())
        #expect(
            try evaluate("has(v.plan) && !has(v.missing) && 'plan' in v && v['plan'] == 'pro'", ["v": v]) == .bool(true)
        )
        #expect(try evaluate("size(v) == 2 && v.all(k, k in ['plan', 'expensive'])", ["v": v]) == .bool(true))
        #expect(try evaluate("v == {'plan': 'pro', 'expensive': 42}", ["v": v]) == .bool(true))
        #expect(try evaluate("type(v) == type(v) && string(type(v)) == 'View'", ["v": v]) == .bool(true))
        #expect(evaluationError("v.missing", ["v": v])?.message == "no such key 'missing'")
    }

    @Test("a resolver supplies variables on demand and is asked once per evaluation")
    func resolverIsAskedOnce() throws {
        let resolver = CountingResolver()
        let program = try Environment().compileUnchecked("x + x + x")
        #expect(try program.evaluate(Activation(resolver: resolver)) == .int(21))
        #expect(resolver.asked.value == 1)
    }

    @Test("comprehensions that exceed the cost budget stop with a message naming the limit")
    func costBudget() throws {
        let limits = Limits(maxCost: 1_000)
        let error = try #require(
            evaluationError(
                "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].all(a, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].all(b, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].all(c, true)))",
                limits: limits))
        #expect(error.code == .costExceeded)
        #expect(error.message.hasPrefix("evaluation exceeded its cost budget of 1000"))
        #expect(error.message.hasSuffix("raise Limits.maxCost"))
    }

    @Test("exponential list growth is bounded by the cost budget")
    func costBoundsGrowth() throws {
        var source = "[s]"
        for _ in 0..<30 { source += ".map(a, a + a)" }  // doubles the string 30 times
        #expect(evaluationError(source, ["s": "ab"], limits: Limits(maxCost: 100_000))?.code == .costExceeded)
        #expect(evaluationError("'ab' + 'cd'", limits: Limits(maxCost: 2))?.code == .costExceeded)
    }

    @Test("the cost budget is not absorbed by && or ||")
    func costNotAbsorbed() throws {
        let expensive = "[0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, true))"
        #expect(evaluationError("\(expensive) || true", limits: Limits(maxCost: 50))?.code == .costExceeded)
    }

    @Test("evaluation is repeatable: one program, many activations, same answers")
    func compileOnceEvaluateMany() throws {
        let program = try Environment().declaring("n", .int).compile("n % 2 == 0 ? 'even' : 'odd'")
        for n in 0..<100 {
            #expect(try program.evaluate(["n": .int(Int64(n))]) == .string(n % 2 == 0 ? "even" : "odd"))
        }
    }

    @Test("a program lists the variables it reads, so callers can bind only those")
    func referencedVariables() throws {
        let program = try Environment().declaring("customer", .dyn).declaring("deal", .dyn)
            .compile("customer.plan == 'pro' && [1].all(x, x > 0)")
        #expect(program.referencedVariables == ["customer"])
    }

    @Test("message literals are refused at compile time with a pointer to map literals")
    func messageLiteralsUnsupported() throws {
        let error = try #require(evaluationError("Account{id: 1}"))
        #expect(error.code == .unsupported)
        #expect(error.message.hasSuffix("use a map literal such as {'field': value}"))
    }

    @Test("map literals reject repeated and invalid keys when evaluated")
    func mapLiteralKeys() throws {
        #expect(
            evaluationError("{1: 'a', 1u: 'b'}")?.message
                == "map literal repeats a key (Failed with repeated key); each key may appear once")
        #expect(evaluationError("{1.5: 'a'}")?.message.hasPrefix("a double cannot be a map key") == true)
    }

    @Test("list indexes accept int, uint and integral doubles and report the list size when out of range")
    func listIndexing() throws {
        #expect(try evaluate("[7, 8][1u] + [7, 8][dyn(0.0)]") == .int(15))
        #expect(evaluationError("[7, 8][2]")?.message == "index 2 out of range for a list of size 2")
        #expect(evaluationError("[7, 8][dyn(0.5)]")?.code == .invalidArgument)
    }
}

final class CountingView: LazyObject, @unchecked Sendable {
    let reads = Locked<[String]>([])
    var typeName: String { "View" }
    var fieldNames: [String] { ["plan", "expensive"] }
    func field(_ name: String) -> Value? {
        reads.mutate { $0.append(name) }
        switch name {
        case "plan": return "pro"
        case "expensive": return 42
        default: return nil
        }
    }
}

final class CountingResolver: VariableResolver, @unchecked Sendable {
    let asked = Locked(0)
    func value(for name: String) -> Value? {
        asked.mutate { $0 += 1 }
        return name == "x" ? .int(7) : nil
    }
}
