import Testing

@testable import Schemas

/// ECMA-262 semantics of the regex engine behind `pattern` and `patternProperties`.
@Suite struct ECMARegexTests {
    @Test(arguments: [
        ("a+", "xaay", true),
        ("^a+$", "xaay", false),
        ("^[A-Z]{3}$", "USD", true),
        ("^[A-Z]{3}$", "USDX", false),
        ("^[A-Z]{3}$", "usd", false),
        (#"^-?[0-9]+(\.[0-9]+)?$"#, "1234.50", true),
        (#"^-?[0-9]+(\.[0-9]+)?$"#, "1234.", false),
        (#"^-?[0-9]+(\.[0-9]+)?$"#, "-0.5", true),
        ("[0-9]{2,}", "a1b22", true),
        ("[0-9]{2,}", "a1b2", false),
        ("^a{2,3}$", "aaaa", false),
        ("^(?:ab|cd)+$", "abcdab", true),
        ("^(a|ab)(c|bcd)(d*)$", "abcd", true),
        (#"^\d+$"#, "১২", false),  // \d is ASCII only
        (#"^\w+$"#, "héllo", false),  // so is \w
        (#"^\p{L}+$"#, "héllo", true),
        (#"^\P{L}+$"#, "123", true),
        (#"^\p{Lu}"#, "Émile", true),
        ("^.$", "😀", true),  // one scalar, not two UTF-16 units
        ("^.$", "\n", false),
        (#"^[^\s]+$"#, "a\u{00A0}b", false),  // NBSP is \s
        (#"\bfoo\b"#, "a foo.", true),
        (#"\bfoo\b"#, "afoo", false),
        (#"(?<=\$)\d+"#, "cost $42", true),
        (#"(?<!\$)\b\d+"#, "$42", false),
        ("^(?=.*[0-9])(?=.*[a-z]).{6,}$", "abc123", true),
        ("^(?!admin$).*$", "admin", false),
        (#"^(\w)\1$"#, "aa", true),
        (#"^(\w)\1$"#, "ab", false),
        (#"^(?<q>['"]).*\k<q>$"#, "'x'", true),
        (#"^(?<q>['"]).*\k<q>$"#, "'x\"", false),
        ("^(a*)*$", "aaab", false),  // empty-iteration check: terminates
        ("^(a*)*$", "aaa", true),
        ("^a*?b", "aab", true),
        (#"^\u0041\x42\u{1F600}$"#, "AB😀", true),
        (#"^\cJ$"#, "\n", true),
        ("^[]$", "a", false),
        ("a{,3}", "a{,3}", true),  // Annex B: not a quantifier, literal braces
        (#"^[\w-]+$"#, "a-b_c", true),
        (#"^[a-c\d]+$"#, "ab3", true),
        // Greedy set repetitions give characters back one at a time, whole scalars.
        ("^a*ab$", "aaab", true),
        ("^[a-z]*[a-z]{2}$", "abc", true),
        ("^[a-z]*[a-z]{2}$", "a", false),
        ("^x[é]*é$", "xéé", true),
        ("^x.*😀y$", "x😀😀y", true),
        (#"^\d+\.\d+$"#, "12.5", true),
        ("a.*c", "xxabcyy", true),
        ("^[0-9]{2,3}$", "1234", false),
        ("^[0-9]{2,3}[0-9]$", "1234", true),
        // Linear patterns (one greedy pass) against their edge cases.
        ("^[a-z]{2}[a-z]$", "abc", true),
        ("^[a-z]{2}[a-z]$", "ab", false),
        ("^é{2}x$", "ééx", true),
        ("^$", "", true),
        ("^$", "a", false),
        ("^[a-z0-9][a-z0-9-]{0,3}$", "a-b-c", false),
        ("^[a-z0-9][a-z0-9-]{0,3}$", "a-b-", true),
        // A variable repetition followed by a literal it cannot take stays one pass.
        (#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"#, "https://example.com/a?b=c", true),
        (#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"#, "https:/example.com", false),
        (#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"#, "https://", false),
        (#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"#, "ht_tp://x", false),
        ("^[a-z]*:[0-9]{0,2}$", "abc:12", true),
        ("^[a-z]*:[0-9]{0,2}$", "abc:123", false),
        ("^[a-z]{1,3}x*y$", "abcxxy", true),
        ("^[a-z]{1,3}x*y$", "abcdy", false),
        // Followed by a literal the repetition can take: backtracking is still needed.
        ("^[a-z]*a$", "bba", true),
        ("^[a-z:]*:x$", "a:b:x", true),
    ])
    func matchesLikeJavaScript(pattern: String, input: String, expected: Bool) throws {
        let regex = try ECMARegex(pattern)
        #expect(regex.matches(input) == expected, "/\(pattern)/.test(\(input.debugDescription))")
    }

    /// Which patterns match in one greedy pass; those that are not must backtrack.
    @Test(arguments: [
        (#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"#, true),  // the catalog's url
        (#"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"#, true),  // and its id
        ("^[a-z]*:[0-9]{0,2}$", true),
        ("^[0-9]*[a]{2}$", true),
        ("^[a-z]*a$", false),
        ("^[a-z:]*:x$", false),
        ("^[a-z]*[0-9]*$", false),
        ("^[a-z]*[ab]$", false),
    ])
    func linearPatternsAreRecognised(pattern: String, linear: Bool) throws {
        #expect(try ECMARegex(pattern).program.isLinear == linear, "/\(pattern)/")
    }

    @Test(arguments: ["(", "a)", "[a", "*a", "a**", #"\"#, "(?<n>a)(?<n>b)", #"\q"#, "[z-a]", #"\p{Script=Greek}"#, #"\2(a)"#])
    func rejectsInvalidPatterns(pattern: String) {
        #expect(throws: RegexSyntaxError.self) { try ECMARegex(pattern) }
    }

    @Test func firstMatchReturnsCaptureGroups() throws {
        let regex = try ECMARegex(#"^(\S+)\s+(.*)$"#)
        let groups = try #require(regex.firstMatch(in: "Ada Lovelace King"))
        #expect(groups.map { $0.map(String.init) } == ["Ada Lovelace King", "Ada", "Lovelace King"])
        #expect(try ECMARegex("(a)|(b)").firstMatch(in: "b")?.map { $0.map(String.init) } == ["b", nil, "b"])
    }

    @Test func catastrophicBacktrackingEndsWithTooComplex() throws {
        let regex = try ECMARegex("^(a+)+$")
        #expect(regex.search(String(repeating: "a", count: 40) + "b") == .tooComplex)
    }
}
