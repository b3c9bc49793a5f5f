/// Parses ECMA-262 pattern syntax (with the `u` flag's Unicode semantics and Annex B's
/// leniency about a stray `{` or `]`) into a ``RegexNode``.
///
/// Supported: alternation, groups (capturing, named, non-capturing), lookahead and
/// lookbehind, greedy and lazy quantifiers, character classes with ranges, the class
/// escapes `\d \D \w \W \s \S \p{..} \P{..}`, `\b \B`, back-references by number
/// and name, and the character escapes `\t \n \v \f \r \0 \cX \xHH \uHHHH \u{H..}`.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var captureCount = 0
    private var captureNames: [String: Int] = [:]
    private let totalCaptures: Int
    private let namedCaptures: [String: Int]

    /// Parses `pattern`, returning the tree and the number of capture groups.
    static func parse(_ pattern: String) throws(RegexSyntaxError) -> (node: RegexNode, captures: Int) {
        var parser = RegexParser(pattern)
        let node = try parser.parseDisjunction()
        if parser.position < parser.scalars.count {
            throw parser.fail("unmatched ')'")
        }
        return (node, parser.captureCount)
    }

    private init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
        // Back-references may point forward, so count groups (and learn names) first.
        var count = 0
        var names: [String: Int] = [:]
        var i = 0
        var inClass = false
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\" {
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
            } else if c == "(" {
                if i + 1 < scalars.count, scalars[i + 1] == "?" {
                    if i + 2 < scalars.count, scalars[i + 2] == "<", i + 3 < scalars.count,
                        scalars[i + 3] != "=", scalars[i + 3] != "!"
                    {
                        count += 1
                        var name = ""
                        var j = i + 3
                        while j < scalars.count, scalars[j] != ">" {
                            name.unicodeScalars.append(scalars[j])
                            j += 1
                        }
                        names[name] = count
                    }
                } else {
                    count += 1
                }
            }
            i += 1
        }
        totalCaptures = count
        namedCaptures = names
    }

    // MARK: - Structure

    private mutating func parseDisjunction() throws(RegexSyntaxError) -> RegexNode {
        var alternatives = [try parseAlternative()]
        while peek() == "|" {
            position += 1
            alternatives.append(try parseAlternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws(RegexSyntaxError) -> RegexNode {
        var terms: [RegexNode] = []
        while let c = peek(), c != "|", c != ")" {
            terms.append(try parseTerm())
        }
        switch terms.count {
        case 0: return .empty
        case 1: return terms[0]
        default: return .concatenation(terms)
        }
    }

    private mutating func parseTerm() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        let atom: RegexNode
        var quantifiable = true
        switch peek()! {
        case "^":
            position += 1
            return .inputStart
        case "$":
            position += 1
            return .inputEnd
        case "(":
            position += 1
            (atom, quantifiable) = try parseGroup()
        case ".":
            position += 1
            atom = .set(.dot)
        case "[":
            position += 1
            atom = .set(try parseClass())
        case "\\":
            position += 1
            if peek() == "b" || peek() == "B" {
                let negated = peek() == "B"
                position += 1
                return .wordBoundary(negated: negated)
            }
            atom = try parseAtomEscape()
        case "*", "+", "?":
            throw fail("nothing to repeat")
        case "{":
            if tryQuantifierBounds() != nil {
                position = start
                throw fail("nothing to repeat")
            }
            position += 1
            atom = .set(ScalarSet("{"))
        default:
            let c = scalars[position]
            position += 1
            atom = .set(ScalarSet(c))
        }
        return try parseQuantifier(after: atom, quantifiable: quantifiable)
    }

    private mutating func parseGroup() throws(RegexSyntaxError) -> (RegexNode, quantifiable: Bool) {
        var capture: Int?
        if peek() == "?" {
            position += 1
            switch peek() {
            case ":":
                position += 1
            case "=", "!":
                let negated = peek() == "!"
                position += 1
                let inner = try parseDisjunction()
                try expect(")")
                return (.lookaround(inner, ahead: true, negated: negated), false)
            case "<":
                position += 1
                if peek() == "=" || peek() == "!" {
                    let negated = peek() == "!"
                    position += 1
                    let inner = try parseDisjunction()
                    try expect(")")
                    return (.lookaround(inner, ahead: false, negated: negated), false)
                }
                var name = ""
                while let c = peek(), c != ">" {
                    guard c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "$" else {
                        throw fail("invalid character in a group name")
                    }
                    name.unicodeScalars.append(c)
                    position += 1
                }
                guard !name.isEmpty, peek() == ">" else { throw fail("invalid group name") }
                position += 1
                captureCount += 1
                guard captureNames[name] == nil else { throw fail("duplicate group name '\(name)'") }
                captureNames[name] = captureCount
                capture = captureCount
            default:
                throw fail("invalid group")
            }
        } else {
            captureCount += 1
            capture = captureCount
        }
        let inner = try parseDisjunction()
        try expect(")")
        return (.group(inner, capture: capture), true)
    }

    private mutating func parseQuantifier(after atom: RegexNode, quantifiable: Bool) throws(RegexSyntaxError) -> RegexNode {
        let min: Int
        let max: Int?
        switch peek() {
        case "*":
            position += 1
            (min, max) = (0, nil)
        case "+":
            position += 1
            (min, max) = (1, nil)
        case "?":
            position += 1
            (min, max) = (0, 1)
        case "{":
            guard let bounds = tryQuantifierBounds() else { return atom }
            (min, max) = bounds
        default:
            return atom
        }
        guard quantifiable else { throw fail("a lookaround cannot be repeated") }
        if let max, max < min { throw fail("numbers out of order in {} quantifier") }
        var greedy = true
        if peek() == "?" {
            position += 1
            greedy = false
        }
        return .quantified(atom, min: min, max: max, greedy: greedy)
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` when one starts here (advancing past it);
    /// otherwise leaves the position alone and returns `nil`.
    private mutating func tryQuantifierBounds() -> (Int, Int?)? {
        let start = position
        guard peek() == "{" else { return nil }
        position += 1
        guard let min = readDecimal() else {
            position = start
            return nil
        }
        var max: Int? = min
        if peek() == "," {
            position += 1
            max = readDecimal()
        }
        guard peek() == "}" else {
            position = start
            return nil
        }
        position += 1
        return (min, max)
    }

    private mutating func readDecimal() -> Int? {
        var value: Int?
        while let c = peek(), let digit = c.asciiDigit {
            value = Swift.min((value ?? 0) * 10 + digit, 1_000_000)
            position += 1
        }
        return value
    }

    // MARK: - Escapes

    private mutating func parseAtomEscape() throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { throw fail("\\ at end of pattern") }
        if let digit = c.asciiDigit, digit > 0 {
            let start = position
            let number = readDecimal()!
            if number <= totalCaptures { return .backreference(number) }
            position = start
            throw fail("back-reference \\\(number) to a group that does not exist")
        }
        if c == "k" {
            position += 1
            try expect("<")
            var name = ""
            while let n = peek(), n != ">" {
                name.unicodeScalars.append(n)
                position += 1
            }
            try expect(">")
            guard let number = namedCaptures[name] else { throw fail("no group named '\(name)'") }
            return .backreference(number)
        }
        if let set = try parseClassEscape() { return .set(set) }
        return .set(ScalarSet(try parseCharacterEscape()))
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}`, or `nil` (position unchanged) for other escapes.
    private mutating func parseClassEscape() throws(RegexSyntaxError) -> ScalarSet? {
        guard let c = peek() else { return nil }
        switch c {
        case "d": position += 1; return .digit
        case "D": position += 1; return ScalarSet.digit.inverted()
        case "w": position += 1; return .word
        case "W": position += 1; return ScalarSet.word.inverted()
        case "s": position += 1; return .space
        case "S": position += 1; return ScalarSet.space.inverted()
        case "p", "P":
            position += 1
            try expect("{")
            var name = ""
            while let n = peek(), n != "}" {
                name.unicodeScalars.append(n)
                position += 1
            }
            try expect("}")
            guard let property = UnicodeProperty(named: name, negated: false) else {
                throw fail("unsupported Unicode property '\(name)'")
            }
            let set = ScalarSet(ranges: [], properties: [property])
            return c == "P" ? set.inverted() : set
        default:
            return nil
        }
    }

    private mutating func parseCharacterEscape() throws(RegexSyntaxError) -> Unicode.Scalar {
        guard let c = peek() else { throw fail("\\ at end of pattern") }
        position += 1
        switch c {
        case "t": return "\t"
        case "n": return "\n"
        case "v": return "\u{0B}"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "0":
            if let next = peek(), next.asciiDigit != nil { throw fail("octal escapes are not allowed") }
            return "\0"
        case "c":
            guard let letter = peek(), letter.isASCII, letter.properties.isAlphabetic else {
                throw fail("\\c must be followed by a letter")
            }
            position += 1
            return Unicode.Scalar(letter.value % 32)!
        case "x":
            guard let value = readHex(count: 2) else { throw fail("\\x must be followed by two hex digits") }
            return Unicode.Scalar(value)!
        case "u":
            if peek() == "{" {
                position += 1
                var value: UInt32 = 0
                var digits = 0
                while let n = peek(), let h = n.hexValue {
                    value = value * 16 + h
                    digits += 1
                    guard value <= 0x10FFFF else { throw fail("\\u{...} beyond U+10FFFF") }
                    position += 1
                }
                guard digits > 0, peek() == "}" else { throw fail("invalid \\u{...} escape") }
                position += 1
                guard let scalar = Unicode.Scalar(value) else { throw fail("\\u{...} names a surrogate") }
                return scalar
            }
            guard let high = readHex(count: 4) else { throw fail("\\u must be followed by four hex digits") }
            if (0xD800..<0xDC00).contains(high), peek() == "\\", position + 1 < scalars.count, scalars[position + 1] == "u" {
                let save = position
                position += 2
                if let low = readHex(count: 4), (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                }
                position = save
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("a lone surrogate cannot be matched") }
            return scalar
        default:
            // Identity escapes: any syntax or other non-alphanumeric character stands for itself.
            if c.isASCII, c.properties.isAlphabetic || c.asciiDigit != nil {
                position -= 1
                throw fail("unknown escape '\\\(c)'")
            }
            return c
        }
    }

    private mutating func readHex(count: Int) -> UInt32? {
        guard position + count <= scalars.count else { return nil }
        var value: UInt32 = 0
        for i in 0..<count {
            guard let h = scalars[position + i].hexValue else { return nil }
            value = value * 16 + h
        }
        position += count
        return value
    }

    // MARK: - Character classes

    private mutating func parseClass() throws(RegexSyntaxError) -> ScalarSet {
        var negated = false
        if peek() == "^" {
            negated = true
            position += 1
        }
        var set = ScalarSet(ranges: [])
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard let c = peek() else { throw fail("unterminated character class") }
            if c == "]" {
                position += 1
                break
            }
            let (lowSet, low) = try parseClassAtom()
            if let lowSet {
                set = set.union(lowSet)
                if peek() == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    throw fail("a class escape cannot start a range")
                }
                continue
            }
            if peek() == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                let (highSet, high) = try parseClassAtom()
                guard highSet == nil, let high else { throw fail("a class escape cannot end a range") }
                guard low!.value <= high.value else { throw fail("range out of order in character class") }
                ranges.append(low!.value...high.value)
            } else {
                ranges.append(low!.value...low!.value)
            }
        }
        set = set.union(ScalarSet(ranges: ranges))
        return negated ? set.inverted() : set
    }

    /// One class atom: either a set (from a class escape) or a single scalar.
    private mutating func parseClassAtom() throws(RegexSyntaxError) -> (ScalarSet?, Unicode.Scalar?) {
        let c = scalars[position]
        position += 1
        guard c == "\\" else { return (nil, c) }
        if let set = try parseClassEscape() { return (set, nil) }
        if peek() == "b" {
            position += 1
            return (nil, "\u{08}")
        }
        if peek() == "-" {
            position += 1
            return (nil, "-")
        }
        return (nil, try parseCharacterEscape())
    }

    // MARK: - Helpers

    private func peek() -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func expect(_ c: Unicode.Scalar) throws(RegexSyntaxError) {
        guard peek() == c else { throw fail(peek() == nil ? "expected '\(c)' before the end of the pattern" : "expected '\(c)'") }
        position += 1
    }

    private func fail(_ reason: String) -> RegexSyntaxError { RegexSyntaxError(reason: reason, offset: position) }
}

extension Unicode.Scalar {
    fileprivate var asciiDigit: Int? { value >= 0x30 && value <= 0x39 ? Int(value - 0x30) : nil }

    fileprivate var hexValue: UInt32? {
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46: return value - 0x41 + 10
        case 0x61...0x66: return value - 0x61 + 10
        default: return nil
        }
    }
}
