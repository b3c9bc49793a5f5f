import Foundation
import Testing

@testable import Expressions

@Suite("Regular expressions (RE2 syntax)")
struct RegularExpressionTests {
    @Test(
        "matches() finds the pattern anywhere unless anchored",
        arguments: [
            ("abcd", "bc", true), ("abcd", "^bc", false), ("abcd", "^abcd$", true), ("grey", "gr(a|e)y", true),
            ("banana", "^ba(na)*$", true), ("mañana", "a+ñ+a+", true), ("ab", "^a{2,3}$", false),
            ("aaa", "^a{2,3}$", true),
            ("aaaa", "^a{2,3}$", false), ("a1b2", "^([a-z]\\d)+$", true), ("x_9", "^\\w+$", true), ("a b", "\\s", true),
            ("ABC", "(?i)^abc$", true), ("ABC", "^(?i:a)BC$", true), ("aBC", "^(?i:a)bc$", false),
            ("hello", "^[[:alpha:]]+$", true), ("hello1", "^[[:alpha:]]+$", false), ("αβγ", "^\\p{Greek}+$", true),
            ("Ünïcode", "^\\p{L}+$", true), ("abc", "^\\PL", false), ("a.b", "a\\.b", true), ("axb", "a\\.b", false),
            ("line1\nline2", "^line2$", false), ("line1\nline2", "(?m)^line2$", true), ("a\nb", "a.b", false),
            ("a\nb", "(?s)a.b", true), ("cat dog", "\\bdog\\b", true), ("catdog", "\\bdog\\b", false),
            ("[x]", "\\Q[x]\\E", true), ("tab\there", "\\x{9}", true), ("ÿ", "^[^a-z]$", true), ("", "", true),
            ("anything", "", true), ("2024-05-01", "^\\d{4}-\\d{2}-\\d{2}$", true), ("x", "^(a|b|)x$", true),
        ])
    func matching(text: String, pattern: String, expected: Bool) throws {
        #expect(try RegularExpression(pattern).matches(text) == expected)
    }

    @Test(
        "malformed patterns are rejected with RE2's wording",
        arguments: [
            ("(", "missing closing )"), (")", "unexpected ')'"), ("[a", "missing closing ]"),
            ("*", "missing argument to repetition operator: *"), ("a**", "bad repetition operator: *"),
            ("a{2,1}", "bad repetition operator: {2,1}"),
            ("a{1001}", "bad repetition operator: counts are limited to 1000"),
            ("\\k", "invalid escape sequence: \\k"), ("(?<", "invalid named capture"),
            ("(?z)", "invalid or unsupported Perl syntax: (?z"),
            ("[z-a]", "invalid character class range"), ("\\p{Nope}", "invalid character class range: \\p{Nope}"),
        ])
    func malformedPatterns(pattern: String, message: String) {
        #expect(throws: RegularExpression.SyntaxError.self) { try RegularExpression(pattern) }
        do {
            _ = try RegularExpression(pattern)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("matching time is linear: a pattern that makes backtracking engines explode returns at once")
    func noCatastrophicBacktracking() throws {
        let regex = try RegularExpression("^(a+)+$")
        let text = String(repeating: "a", count: 5_000) + "!"
        let start = ContinuousClock.now
        #expect(!regex.matches(text))
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("an invalid pattern in an expression is an evaluation error, and a check issue when literal")
    func invalidPatternInExpression() {
        #expect(
            evaluationError("'x'.matches(p)", ["p": "("])?.message == "invalid regular expression: missing closing )")
        #expect(!Environment().check("'x'.matches('(')").isValid)
    }
}
