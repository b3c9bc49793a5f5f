import Testing

@testable import Expressions

@Suite("String functions and the strings extension")
struct StringsTests {
    @Test(
        "string functions count and search by code point",
        arguments: [
            ("size('πέντε')", Value.int(5)),
            ("'ta©o©αT'.indexOf('©', 3)", .int(4)),
            ("'ta©o©αT'.lastIndexOf('©')", .int(4)),
            ("'tacocat'.charAt(7)", .string("")),
            ("'ta©o©αT'.substring(2, 6)", .string("©o©α")),
            ("'Ta©oCαt'.reverse()", .string("tαCo©aT")),
            ("'TacoCÆt'.lowerAscii()", .string("tacocÆt")),
            ("'tacoCαt'.upperAscii()", .string("TACOCαT")),
            ("'o©o©o'.split('©')", .list(["o", "o", "o"])),
            ("'a,b,c'.split(',', 2)", .list(["a", "b,c"])),
            ("'abc'.split('')", .list(["a", "b", "c"])),
            ("'a b'.split(' ', 0)", .list([])),
            ("'aaa'.replace('a', 'b', 2)", .string("bba")),
            ("'ab'.replace('', '-')", .string("-a-b-")),
            ("['x', 'y'].join('-')", .string("x-y")),
            ("'\\u00a0\\u2003 text \\u3000'.trim()", .string("text")),
            ("'\\u200btext'.trim()", .string("\u{200b}text")),
            ("strings.quote('say \"hi\"\\n')", .string("\"say \\\"hi\\\"\\n\"")),
            ("'forté'.endsWith('té') && 'forté'.startsWith('for') && 'forté'.contains('rt')", .bool(true)),
        ])
    func stringFunctions(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(
        "out-of-range indexes name the index",
        arguments: [
            ("'tacocat'.charAt(30)", "index out of range: 30"),
            ("'tacocat'.indexOf('a', 30)", "index out of range: 30"),
            ("'tacocat'.lastIndexOf('a', -1)", "index out of range: -1"),
            ("'tacocat'.substring(-1)", "index out of range: -1"),
            ("'tacocat'.substring(4, 3)", "invalid substring range. start: 4, end: 3"),
            ("['a', 1].join()", "join() needs a list of strings but found a int"),
        ])
    func rangeErrors(source: String, message: String) throws {
        #expect(evaluationError(source)?.message == message)
    }

    @Test(
        "format() supports the cel-go clauses with their rounding and special values",
        arguments: [
            ("'%s and %d'.format(['a', 1])", "a and 1"),
            ("'%.3f'.format([1.2345])", "1.234"),
            ("'%.0f'.format([2.5])", "2"),
            ("'%e'.format([1052.032911275])", "1.052033e+03"),
            ("'%x %X %o %b'.format([255, 255u, 8, 5])", "ff FF 10 101"),
            ("'%x'.format(['Hi'])", "4869"),
            ("'%d'.format([double('NaN')])", "NaN"),
            ("'%f'.format([double('-Infinity')])", "-Infinity"),
            ("'%s'.format([{'b': 1, 'a': [true, null]}])", "{a: [true, null], b: 1}"),
            ("'%s'.format([duration('1h')])", "3600s"),
            ("'100%% sure'.format([])", "100% sure"),
        ])
    func format(source: String, expected: String) throws {
        #expect(try evaluate(source) == .string(expected))
    }

    @Test(
        "format() errors say which clause and which type",
        arguments: [
            ("'%a'.format([1])", "could not parse formatting clause: unrecognized formatting clause \"a\""),
            ("'%d %d'.format([1])", "index 1 out of range"),
            (
                "'%d'.format(['x'])",
                "error during formatting: decimal clause can only be used on integers, was given string"
            ),
            (
                "'%x'.format([1.5])",
                "error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given double"
            ),
            (
                "'%b'.format([null])",
                "error during formatting: only integers and bools can be formatted as binary, was given null_type"
            ),
        ])
    func formatErrors(source: String, message: String) throws {
        #expect(evaluationError(source)?.message == message)
    }

    @Test("conversions refuse what their target cannot hold, without echoing the input")
    func conversions() throws {
        #expect(try evaluate("int('42') + int(3.9) + int(-3.9)") == .int(42))
        #expect(try evaluate("bool('TRUE') && !bool('f')") == .bool(true))
        #expect(
            evaluationError("int('forty-two')")?.message
                == "cannot convert string to int: it is not a base-10 integer in range")
        #expect(evaluationError("uint(-1)")?.message == "int value is out of the range of uint (range error)")
        #expect(evaluationError("int(1e99)")?.code == .overflow)
        #expect(
            evaluationError("string(b'\\xff')")?.message == "bytes are not valid UTF-8 and cannot convert to string")
        #expect(evaluationError("bool('yes')")?.code == .invalidArgument)
    }
}
