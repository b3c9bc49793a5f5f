/// A regular expression with ECMA-262 semantics, as JSON Schema's `pattern`,
/// `patternProperties` and the `regex` format require.
///
/// Patterns are not anchored: `pattern: "a+"` accepts `"xaay"`. Matching works on
/// Unicode scalars (the `u` flag's semantics), so `.` matches one emoji, not half a
/// surrogate pair. Compile once, then match many times from any thread.
///
/// Cost: compiling parses and unrolls the pattern (microseconds); matching a typical
/// anchored schema pattern such as `^[A-Z]{3}$` is a few dozen nanoseconds and
/// allocates nothing.
final class ECMARegex: Sendable, CustomStringConvertible {
    /// The pattern's source text.
    let pattern: String
    let program: RegexCode
    /// The number of capture groups.
    let captureCount: Int

    init(_ pattern: String) throws(RegexSyntaxError) {
        self.pattern = pattern
        let (node, captures) = try RegexParser.parse(pattern)
        captureCount = captures
        program = RegexCode(try RegexProgram(node, captures: captures))
    }

    var description: String { pattern }

    /// Whether the pattern matches anywhere in `string`; ``RegexMachine/Outcome/tooComplex``
    /// when the step budget ran out first.
    func search(_ string: String) -> RegexMachine.Outcome {
        let program = self.program
        func run(_ bytes: UnsafeBufferPointer<UInt8>) -> RegexMachine.Outcome {
            if program.isLinear { return program.matchLinear(bytes) ? .match : .noMatch }
            return RegexMachine.withScratch { scratch in
                var machine = RegexMachine(input: bytes, program: program, captures: false, scratch: scratch)
                return machine.search(program)
            }
        }
        // Native strings expose their bytes directly; only bridged ones need a copy.
        if let outcome = string.utf8.withContiguousStorageIfAvailable(run) { return outcome }
        var copy = string
        return copy.withUTF8(run)
    }

    /// Whether the pattern matches anywhere in `string` (a budget overrun counts as no match).
    func matches(_ string: String) -> Bool { search(string) == .match }

    /// The leftmost match: the whole match first, then each group (`nil` when the group
    /// did not take part). `nil` when there is no match.
    func firstMatch(in string: String) -> [Substring?]? {
        var text = string
        let program = self.program
        let slots: [Int]? = text.withUTF8 { bytes in
            RegexMachine.withScratch { scratch in
                var machine = RegexMachine(input: bytes, program: program, captures: true, scratch: scratch)
                return machine.search(program) == .match ? machine.captureSlots : nil
            }
        }
        guard let slots else { return nil }
        let utf8 = string.utf8
        return (0...captureCount).map { group in
            let from = slots[2 * group]
            let to = slots[2 * group + 1]
            guard from >= 0, to >= from else { return nil }
            return Substring(string[utf8.index(utf8.startIndex, offsetBy: from)..<utf8.index(utf8.startIndex, offsetBy: to)])
        }
    }
}
