import Testing

/// `ledgerline expr eval|check`: results printed as JSON, and each kind of mistake its
/// own exit code and one line.
@Suite struct ExprCommandTests {
    /// The smallest int is a result like any other: printed as a decimal string (it is
    /// beyond ±(2^53-1)), alone, in a list and bound from a `--var`. Printing it used to
    /// take `abs` of it, which traps.
    @Test func theSmallestIntPrintsAsAString() async throws {
        for expression in ["-9223372036854775808", "-9223372036854775807 - 1", #"int("-9223372036854775808")"#] {
            let result = try await CLI.run(["expr", "eval", "--", expression])
            #expect(result.status == 0, "\(expression): \(result.stderr)")
            #expect(result.stdout == "\"-9223372036854775808\"\n", "\(expression)")
        }
        let list = try await CLI.run(["expr", "eval", "--", "[-9223372036854775808, 9007199254740991]"])
        #expect(list.stdout == "[\"-9223372036854775808\",9007199254740991]\n")
        let bound = try await CLI.run(["expr", "eval", "[type(x) == int, x + 1]", "--var", "x=-9223372036854775808"])
        #expect(bound.status == 0, "\(bound.stderr)")
        #expect(bound.stdout == "[true,\"-9223372036854775807\"]\n")
    }

    /// A `--var` value is read by the payload parser: where it goes wrong is named by
    /// column or JSON pointer, duplicate keys are refused, and a bare word is taken for a
    /// string without its quotes. All are bad input (65).
    @Test func aBadVarValueSaysWhereAndExits65() async throws {
        let cases: [(String, String)] = [
            (#"x={"a":"#, #"--var x: the value is not valid JSON: column 6: unexpected end of input, expected a value; fix the value at that column"#),
            (#"x={"a":1,"a":2}"#, #"--var x: the value is not valid JSON: column 8: duplicate key "a" in the object; fix the value at that column"#),
            ("x=hello", #"--var x: the value is not valid JSON: column 1: unexpected 'h', expected a value; a string needs double quotes, e.g. --var 'x="hello"'"#),
            (#"x={"a":[1,1e400]}"#, "--var x: 1e400 at /a/1 is beyond the range of a double (about 1.8e308)"),
        ]
        for (binding, line) in cases {
            let result = try await CLI.run(["expr", "eval", "x", "--var", binding])
            #expect(result.status == 65, "\(binding)")
            #expect(result.stdout.isEmpty, "\(binding)")
            #expect(result.stderr == "ledgerline expr: \(line)\n", "\(binding)")
        }
    }

    /// An option that is not name=value, or a variable bound twice, is a usage error
    /// (64); an expression that does not parse, check or evaluate is bad input (65).
    @Test func usageMistakesExit64AndBadExpressionsExit65() async throws {
        let usage: [([String], String)] = [
            (["eval", "x", "--var", "x"], "--var expects name=value, e.g. --var 'limit=5'; got 'x'"),
            (["eval", "x", "--var", "x=1", "--var", "x=2"], "--var x is given twice; give each variable once"),
            (["check", "x", "--decl", "=int"], "--decl expects name=value, e.g. --decl 'limit=int'; got '=int'"),
        ]
        for (arguments, line) in usage {
            let result = try await CLI.run(["expr"] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr == "ledgerline expr: \(line)\n", "\(arguments)")
        }
        let bad: [([String], String)] = [
            (["eval", "1 +"], "expected an expression but found the end of the expression at 1:4"),
            (["eval", "1 / 0"], "division by zero at 1:3"),
            (["check", "x + 1", "--decl", "x=string"], "no matching overload for '+' applied to (string, int) at 1:3"),
        ]
        for (arguments, line) in bad {
            let result = try await CLI.run(["expr"] + arguments)
            #expect(result.status == 65, "\(arguments)")
            #expect(result.stderr.hasPrefix("ledgerline expr: \(line)"), "\(arguments): \(result.stderr)")
        }
    }

    /// 128 nested parentheses are the default limit, and each counts once.
    @Test func nestingIsCountedOncePerParenthesis() async throws {
        let deep = String(repeating: "(", count: 128) + "1" + String(repeating: ")", count: 128)
        let result = try await CLI.run(["expr", "eval", deep])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1\n")
    }
}
