/// The syntax tree of a regular expression.
indirect enum RegexNode: Sendable {
    case empty
    case characters(CharacterClass)
    /// `.`; matches a newline only with the `s` flag.
    case any(matchesNewline: Bool)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
}

enum RegexAssertion: Sendable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
}

/// Parses RE2 syntax: literals and escapes (`\n`, `\x{263a}`, `\Q...\E`), `.`, classes
/// (`[a-z]`, `[^...]`, `[[:alpha:]]`, `\d \s \w`, `\pL`, `\p{Greek}`), anchors (`^ $ \A \z \b
/// \B`), groups (`(...)`, `(?:...)`, `(?P<name>...)`, `(?<name>...)`), alternation,
/// repetition (`* + ? {n} {n,} {n,m}`, lazy forms) and flags (`(?i)`, `(?m)`, `(?s)`, `(?U)`,
/// scoped `(?i:...)`). Back-references and look-around are not RE2 and are rejected.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var caseInsensitive = false
    private var multiline = false
    private var dotAll = false

    static let maxRepeat = 1000

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws(RegularExpression.SyntaxError) -> RegexNode {
        let node = try parseAlternation()
        guard index == scalars.count else { throw error("unexpected ')'") }
        return node
    }

    private func error(_ message: String) -> RegularExpression.SyntaxError {
        RegularExpression.SyntaxError(message: message)
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func parseAlternation() throws(RegularExpression.SyntaxError) -> RegexNode {
        var branches = [try parseConcatenation()]
        while current == "|" {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(RegularExpression.SyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = current, c != "|", c != ")" {
            if c == "*" || c == "+" || c == "?" || (c == "{" && isCountedRepetition()) {
                throw error("missing argument to repetition operator: \(c)")
            }
            guard let atom = try parseAtom() else { continue }
            items.append(try parseRepetition(atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func parseRepetition(_ atom: RegexNode) throws(RegularExpression.SyntaxError) -> RegexNode {
        var node = atom
        var repeated = false
        while let c = current {
            var range: (Int, Int?)
            switch c {
            case "*": range = (0, nil)
            case "+": range = (1, nil)
            case "?": range = (0, 1)
            case "{" where isCountedRepetition(): range = try parseCount()
            default: return node
            }
            if c != "{" { index += 1 }
            if repeated { throw error("bad repetition operator: \(c)") }
            if current == "?" { index += 1 }  // lazy: same language, same answer for a yes/no match
            if case .assertion = node { continue }
            node = .repetition(node, min: range.0, max: range.1)
            repeated = true
        }
        return node
    }

    private func isCountedRepetition() -> Bool {
        var i = index + 1
        var sawDigit = false
        while i < scalars.count, ("0"..."9").contains(scalars[i]) {
            sawDigit = true
            i += 1
        }
        guard sawDigit else { return false }
        if i < scalars.count, scalars[i] == "," {
            i += 1
            while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
        }
        return i < scalars.count && scalars[i] == "}"
    }

    private mutating func parseCount() throws(RegularExpression.SyntaxError) -> (Int, Int?) {
        index += 1
        let low = number()
        var high: Int? = low
        if current == "," {
            index += 1
            high = current == "}" ? nil : number()
        }
        index += 1  // "}"
        guard low <= RegexParser.maxRepeat, (high ?? 0) <= RegexParser.maxRepeat else {
            throw error("bad repetition operator: counts are limited to \(RegexParser.maxRepeat)")
        }
        if let high, high < low { throw error("bad repetition operator: {\(low),\(high)}") }
        return (low, high)
    }

    private mutating func number() -> Int {
        var value = 0
        while let c = current, ("0"..."9").contains(c) {
            value = min(value * 10 + Int(c.value - 48), 100_000)
            index += 1
        }
        return value
    }

    /// One atom, or nil for a construct that only changes flags (`(?i)`).
    private mutating func parseAtom() throws(RegularExpression.SyntaxError) -> RegexNode? {
        let c = scalars[index]
        index += 1
        switch c {
        case "(": return try parseGroup()
        case "[": return .characters(try parseClass())
        case ".": return .any(matchesNewline: dotAll)
        case "^": return .assertion(multiline ? .beginLine : .beginText)
        case "$": return .assertion(multiline ? .endLine : .endText)
        case "\\": return try parseEscape()
        default: return literal(c.value)
        }
    }

    private func literal(_ value: UInt32) -> RegexNode {
        var set = CharacterClass(ranges: [value...value])
        set.foldCase = caseInsensitive
        return .characters(set)
    }

    private mutating func parseGroup() throws(RegularExpression.SyntaxError) -> RegexNode? {
        let saved = (caseInsensitive, multiline, dotAll)
        if current == "?" {
            index += 1
            if current == "P" || current == "<" {
                if current == "P" { index += 1 }
                guard current == "<" else { throw error("invalid named capture") }
                index += 1
                var sawName = false
                while let c = current, c != ">" {
                    guard c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) else {
                        throw error("invalid named capture")
                    }
                    sawName = true
                    index += 1
                }
                guard sawName, current == ">" else { throw error("invalid named capture") }
                index += 1
            } else {
                var enable = true
                while let c = current, c != ")", c != ":" {
                    switch c {
                    case "i": caseInsensitive = enable
                    case "m": multiline = enable
                    case "s": dotAll = enable
                    case "U": break
                    case "-" where enable: enable = false
                    default: throw error("invalid or unsupported Perl syntax: (?\(c)")
                    }
                    index += 1
                }
                guard let c = current else { throw error("missing closing )") }
                index += 1
                if c == ")" { return nil }  // flags apply to the rest of the enclosing group
            }
        }
        let inner = try parseAlternation()
        guard current == ")" else { throw error("missing closing )") }
        index += 1
        (caseInsensitive, multiline, dotAll) = saved
        return inner
    }

    private mutating func parseEscape() throws(RegularExpression.SyntaxError) -> RegexNode {
        guard let c = current else { throw error("trailing backslash at end of expression") }
        index += 1
        switch c {
        case "A": return .assertion(.beginText)
        case "z": return .assertion(.endText)
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        case "Q":
            var items: [RegexNode] = []
            while index < scalars.count {
                if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "E" {
                    index += 2
                    break
                }
                items.append(literal(scalars[index].value))
                index += 1
            }
            return items.isEmpty ? .empty : .concatenation(items)
        case "d", "D", "s", "S", "w", "W":
            return .characters(CharacterClass.perl(Character(c))!)
        case "p", "P":
            var set = try parseUnicodeClass()
            if c == "P" { set.negated.toggle() }
            set.foldCase = caseInsensitive
            return .characters(set)
        default:
            return literal(try escapedScalar(c))
        }
    }

    /// The code point of a single-character escape (`\n`, `\x41`, `\.`...).
    private mutating func escapedScalar(_ c: Unicode.Scalar) throws(RegularExpression.SyntaxError) -> UInt32 {
        switch c {
        case "a": return 0x07
        case "f": return 0x0C
        case "t": return 0x09
        case "n": return 0x0A
        case "r": return 0x0D
        case "v": return 0x0B
        case "0"..."7":
            var value = c.value - 48
            var count = 1
            while count < 3, let d = current, ("0"..."7").contains(d) {
                value = value * 8 + d.value - 48
                index += 1
                count += 1
            }
            return value
        case "x":
            if current == "{" {
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let d = current, d != "}" {
                    guard let digit = hexValue(d), value <= 0x10FFFF else {
                        throw error("invalid escape sequence: \\x")
                    }
                    value = value * 16 + digit
                    digits += 1
                    index += 1
                }
                guard current == "}", digits > 0, value <= 0x10FFFF else { throw error("invalid escape sequence: \\x") }
                index += 1
                return value
            }
            guard index + 1 < scalars.count, let high = hexValue(scalars[index]), let low = hexValue(scalars[index + 1])
            else {
                throw error("invalid escape sequence: \\x")
            }
            index += 2
            return high * 16 + low
        default:
            guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else {
                throw error("invalid escape sequence: \\\(c)")
            }
            return c.value
        }
    }

    private func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 87
        case "A"..."F": return c.value - 55
        default: return nil
        }
    }

    private mutating func parseUnicodeClass() throws(RegularExpression.SyntaxError) -> CharacterClass {
        var name = ""
        if current == "{" {
            index += 1
            while let c = current, c != "}" {
                name.unicodeScalars.append(c)
                index += 1
            }
            guard current == "}" else { throw error("invalid character class range: missing }") }
            index += 1
        } else if let c = current {
            name.unicodeScalars.append(c)
            index += 1
        }
        var negated = false
        if name.hasPrefix("^") {
            negated = true
            name.removeFirst()
        }
        guard var set = CharacterClass.unicode(name) else { throw error("invalid character class range: \\p{\(name)}") }
        set.negated = negated
        return set
    }

    /// A bracketed class; `index` is just past the `[`.
    private mutating func parseClass() throws(RegularExpression.SyntaxError) -> CharacterClass {
        var set = CharacterClass()
        set.foldCase = caseInsensitive
        if current == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while let c = current, c != "]" || first {
            first = false
            if c == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                if let (ranges, negated) = posixClass() {
                    if negated { set.ranges += CharacterClass.complement(ranges) } else { set.ranges += ranges }
                    continue
                }
            }
            index += 1
            if c == "\\" {
                guard let e = current else { throw error("missing closing ]") }
                if "dDsSwW".unicodeScalars.contains(e) {
                    index += 1
                    set.add(CharacterClass.perl(Character(e))!)
                    continue
                }
                if e == "p" || e == "P" {
                    index += 1
                    var unicode = try parseUnicodeClass()
                    if e == "P" { unicode.negated.toggle() }
                    if unicode.negated, !unicode.categories.isEmpty {
                        set.categories += unicode.categories.map { ($0.categories, !$0.negated) }
                    } else {
                        set.add(unicode)
                    }
                    continue
                }
                index += 1
                let low = try escapedScalar(e)
                try addRange(from: low, to: &set)
                continue
            }
            try addRange(from: c.value, to: &set)
        }
        guard current == "]" else { throw error("missing closing ]") }
        index += 1
        set.normalize()
        return set
    }

    /// Adds `low` or, when followed by `-x`, the range `low-x`.
    private mutating func addRange(from low: UInt32, to set: inout CharacterClass) throws(RegularExpression.SyntaxError)
    {
        guard current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" else {
            set.add(low...low)
            return
        }
        index += 1
        let c = scalars[index]
        index += 1
        var high = c.value
        if c == "\\" {
            guard let e = current else { throw error("missing closing ]") }
            index += 1
            high = try escapedScalar(e)
        }
        guard low <= high else { throw error("invalid character class range") }
        set.add(low...high)
    }

    /// `[:name:]` or `[:^name:]` at `index`.
    private mutating func posixClass() -> ([ClosedRange<UInt32>], Bool)? {
        var i = index + 2
        var negated = false
        if i < scalars.count, scalars[i] == "^" {
            negated = true
            i += 1
        }
        var name = ""
        while i < scalars.count, scalars[i] != ":" {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard i + 1 < scalars.count, scalars[i + 1] == "]", let ranges = CharacterClass.posix(name) else { return nil }
        index = i + 2
        return (ranges, negated)
    }
}
