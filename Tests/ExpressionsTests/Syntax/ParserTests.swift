import Testing

@testable import Expressions

@Suite("Parser")
struct ParserTests {
    @Test(
        "operators follow CEL precedence and associativity",
        arguments: [
            ("1 + 2 * 3", Value.int(7)),
            ("(1 + 2) * 3", .int(9)),
            ("10 - 4 - 3", .int(3)),
            ("2 * 3 % 4", .int(2)),
            ("true || false && false", .bool(true)),
            ("1 < 2 == true", .bool(true)),
            ("false ? 1 : true ? 2 : 3", .int(2)),
            ("!!true", .bool(true)),
            ("--5", .int(5)),
            ("-2 * -3", .int(6)),
            ("1 in [1] && 2 in [2]", .bool(true)),
        ])
    func operatorPrecedence(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(
        "literals of every form evaluate to their values",
        arguments: [
            ("0x1F", Value.int(31)),
            ("0x1Fu", .uint(31)),
            ("18446744073709551615u", .uint(.max)),
            ("-9223372036854775808", .int(.min)),
            (".5", .double(0.5)),
            ("1e3", .double(1000)),
            ("2.5e-1", .double(0.25)),
            ("'a\\tb'", .string("a\tb")),
            ("\"\\u00e9\\U0001F431\"", .string("é🐱")),
            ("'\\x41\\101'", .string("AA")),
            ("r'a\\nb'", .string("a\\nb")),
            ("'''two\nlines'''", .string("two\nlines")),
            ("\"\"\"say \"hi\" \"\"\"", .string("say \"hi\" ")),
            ("b'\\xff\\000'", .bytes([0xFF, 0x00])),
            ("b'ÿ'", .bytes([0xC3, 0xBF])),
            ("null", .null),
            ("[1, 2,]", .list([.int(1), .int(2)])),
            ("{'a': 1,}", .map(MapValue(["a": .int(1)]))),
        ])
    func literals(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("comments and all CEL whitespace are ignored")
    func commentsAndWhitespace() throws {
        #expect(try evaluate("1 + // one\n\t2\r\n\u{0C}") == .int(3))
    }

    @Test("a syntax error names line and column and draws a caret under the position")
    func syntaxErrorHasCaret() throws {
        let error = try #require(parseError("customer.plan == 'pro' &&\n  deal.amount >> 5"))
        #expect(error.code == .syntax)
        #expect(error.location?.line == 2)
        #expect(error.location?.column == 16)
        #expect(
            error.description
                == "expected an expression but found '>' at 2:16\n |   deal.amount >> 5\n | ...............^")
        #expect(error.summary == "expected an expression but found '>' at 2:16")
    }

    @Test(
        "every class of malformed source gets a message saying what is wrong",
        arguments: [
            ("1 +", "expected an expression but found the end of the expression"),
            ("(1 + 2", "expected ')' but found the end of the expression"),
            ("[1, 2", "expected ',' or ']' in the list but found the end of the expression"),
            ("{'a' 1}", "expected ':' between a map key and its value but found '1'"),
            ("a = 1", "unexpected '='; use '==' to compare"),
            ("a & b", "unexpected '&'; use '&&' for logical and"),
            ("a | b", "unexpected '|'; use '||' for logical or"),
            ("'open", "string literal is not closed; add the closing quote"),
            ("'line\nbreak'", "line break inside a quoted string; use '\\n' or a triple-quoted string"),
            ("'\\q'", "invalid escape sequence '\\q'"),
            ("'\\x4'", "escape sequence needs 2 hexadecimal digits"),
            ("'\\uD800'", "escape names an invalid Unicode code point"),
            ("b'\\u00ff'", "'\\u' escapes are only valid in strings, not bytes; use '\\x' or octal"),
            ("'\\477'", "octal escape needs three digits, '\\000' to '\\377'"),
            ("9223372036854775808", "integer literal is larger than 2^63-1; add a 'u' suffix for an unsigned integer"),
            ("18446744073709551616u", "unsigned integer literal is larger than 2^64-1"),
            ("99999999999999999999999", "integer literal does not fit in 64 bits"),
            ("if", "'if' is a reserved word and cannot be used as a name"),
            ("x.true", "expected a field or function name after '.' but found 'true'"),
            ("`a`", "a back-quoted name is only valid after '.', as in x.`content-type`"),
            ("x.`a+b`", "a back-quoted name may hold only letters, digits, '_', '.', '-', '/' and spaces"),
            ("has(x)", "has() takes a field selection, as in has(customer.email)"),
            ("[1].all(1, true)", "the first argument of all() must be a variable name, as in list.all(x, ...)"),
            ("1 2", "expected an operator or the end of the expression but found '2'"),
            ("#", "unexpected character '#'"),
        ])
    func malformedSourceMessages(source: String, message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.code == .syntax)
        #expect(error.message == message)
        #expect(error.location != nil)
    }

    @Test("reserved words are allowed as field and method names after a dot")
    func reservedWordsAsSelectors() throws {
        #expect(try evaluate("{'if': 1}.if") == .int(1))
        #expect(try evaluate("{'content-type': 'json'}.`content-type`") == .string("json"))
    }

    @Test("source longer than the limit is rejected before lexing, naming the limit")
    func sourceLengthLimit() throws {
        let error = try #require(
            parseError(String(repeating: "1+", count: 20) + "1", limits: Limits(maxSourceLength: 10)))
        #expect(error.code == .limitExceeded)
        #expect(
            error.message
                == "expression is 41 bytes long, more than the limit of 10; split the condition or raise Limits.maxSourceLength"
        )
    }

    @Test("nesting deeper than the limit is rejected at the position where it exceeds it")
    func nestingLimit() throws {
        let deep = String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)
        let error = try #require(parseError(deep, limits: Limits(maxNestingDepth: 32)))
        #expect(error.code == .limitExceeded)
        #expect(error.message.hasPrefix("expression nests deeper than the limit of 32 levels (each parenthesis"))
        #expect(error.location?.offset == 33, "inside the 33rd parenthesis, past the limit")
        #expect(try evaluate(deep) == .int(1))
    }

    /// Each bracket is one level, as the limit says: 128 nested parentheses, lists or
    /// calls parse under the default limit of 128 and 129 do not. (Each used to count
    /// twice, so 64 parentheses were refused.)
    @Test("every kind of bracket opens exactly one level")
    func bracketsCountOnce() throws {
        func nested(_ open: String, _ close: String, _ count: Int) -> String {
            String(repeating: open, count: count) + "1" + String(repeating: close, count: count)
        }
        #expect(try evaluate(nested("(", ")", 128)) == .int(1))
        #expect(parseError(nested("(", ")", 129))?.message.hasPrefix("expression nests deeper than the limit of 128 levels") == true)
        #expect(try evaluate(nested("int(", ")", 127)) == .int(1))
        #expect(try evaluate(nested("[", "][0]", 60)) == .int(1))
        #expect(try evaluate(nested("{'k': ", "}['k']", 60)) == .int(1))
    }

    @Test("long operator chains count against the nesting limit but && and || chains are balanced")
    func chainDepth() throws {
        let additions = (0..<200).map(String.init).joined(separator: " + ")
        let error = try #require(parseError(additions))
        #expect(error.code == .limitExceeded)
        #expect(
            error.message
                == "expression is deeper than the limit of 128 levels (each operator, call, selection, list and map adds one, so a + b + c is 3 deep); "
                + "split it or raise Limits.maxNestingDepth")
        #expect(try evaluate(Array(repeating: "1", count: 128).joined(separator: " + ")) == .int(128))
        let conjunction = Array(repeating: "true", count: 1000).joined(separator: " && ")
        #expect(try evaluate(conjunction) == .bool(true))
    }

    @Test("the CEL minimums parse: 32 nested parentheses, 32-term chains, 32 arguments")
    func specificationMinimums() throws {
        #expect(try evaluate(String(repeating: "(", count: 32) + "7" + String(repeating: ")", count: 32)) == .int(7))
        #expect(try evaluate(Array(repeating: "1", count: 32).joined(separator: " + ")) == .int(32))
        #expect(try evaluate("[" + Array(repeating: "0", count: 32).joined(separator: ",") + "].size()") == .int(32))
    }

    @Test("macros expand only in their own shape; other calls with those names stay calls")
    func macroShapes() throws {
        #expect(try evaluate("[1, 2].map(x, x * 10)") == .list([.int(10), .int(20)]))
        #expect(try evaluate("[1, 2, 3].map(x, x > 1, x * 10)") == .list([.int(20), .int(30)]))
        #expect(evaluationError("[1].map(x)")?.code == .unboundFunction)
    }
}
