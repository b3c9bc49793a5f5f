import Testing
@testable import Expressions

@Test func smoke() throws {
    let env = Environment()
    for (src, _) in [("1 + 2 * 3", 7), ("[1,2,3].map(x, x * 2)", 0), ("'abc'.matches('^a.c$')", 0),
                     ("{'a': 1}.a", 0), ("timestamp('2009-02-13T23:31:30Z').getDayOfYear()", 0),
                     ("-9223372036854775808", 0), ("'%.3f'.format([1.2345])", 0), ("1 / 0 > 2 || true", 0),
                     ("optional.of({'c': {}}).c.missing.orValue('d')", 0), ("string(1e12)", 0), ("[1, 'a'] == [1, 'a']", 0)] {
        do {
            let p = try env.compileUnchecked(src)
            print(src, "=>", try p.evaluate())
        } catch { print(src, "error:", error) }
        let c = env.check(src)
        print("  check:", c.type.map { "\($0)" } ?? "-", c.issues.map(\.summary))
    }
}
