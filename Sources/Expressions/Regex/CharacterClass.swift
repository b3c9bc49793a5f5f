/// A set of code points: ranges plus Unicode general categories (and scripts approximated by
/// their main blocks), optionally negated and case-folded.
struct CharacterClass: Sendable {
    /// Sorted, merged ranges of code points.
    var ranges: [ClosedRange<UInt32>] = []
    /// Unicode categories (`\pL`, `\p{Lu}`), each possibly negated (`\PL`).
    var categories: [(categories: Set<Unicode.GeneralCategory>, negated: Bool)] = []
    var negated = false
    var foldCase = false

    static let maxScalar: UInt32 = 0x10FFFF

    mutating func add(_ range: ClosedRange<UInt32>) { ranges.append(range) }

    mutating func add(_ other: CharacterClass) {
        if other.negated {
            ranges += CharacterClass.complement(other.ranges)
        } else {
            ranges += other.ranges
        }
        categories += other.categories
    }

    /// Sorts and merges the ranges; call once before matching.
    mutating func normalize() {
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        ranges = merged
    }

    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var sorted = CharacterClass(ranges: ranges)
        sorted.normalize()
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in sorted.ranges {
            if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
            if range.upperBound == maxScalar { return out }
        }
        if next <= maxScalar { out.append(next...maxScalar) }
        return out
    }

    func matches(_ c: UInt32) -> Bool {
        var hit = contains(c)
        if !hit, foldCase, let scalar = Unicode.Scalar(c) {
            for variant in CharacterClass.caseVariants(scalar) where contains(variant) {
                hit = true
                break
            }
        }
        return hit != negated
    }

    private func contains(_ c: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = ranges[mid]
            if c < range.lowerBound {
                high = mid - 1
            } else if c > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        guard !categories.isEmpty, let scalar = Unicode.Scalar(c) else { return false }
        let category = scalar.properties.generalCategory
        for entry in categories where entry.categories.contains(category) != entry.negated { return true }
        return false
    }

    /// The simple lower- and upper-case forms of a scalar (one scalar each), for `(?i)`.
    static func caseVariants(_ scalar: Unicode.Scalar) -> [UInt32] {
        if scalar.isASCII {
            let v = scalar.value
            if v >= 0x41, v <= 0x5A { return [v + 32] }
            if v >= 0x61, v <= 0x7A { return [v - 32] }
            return []
        }
        var out: [UInt32] = []
        for mapping in [
            scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping, scalar.properties.titlecaseMapping,
        ] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let first = scalars.first, first != scalar { out.append(first.value) }
        }
        return out
    }

    // MARK: - Named classes

    static func perl(_ letter: Character) -> CharacterClass? {
        var result = CharacterClass()
        switch letter.lowercased() {
        case "d": result.ranges = [0x30...0x39]
        case "s": result.ranges = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        case "w": result.ranges = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        default: return nil
        }
        result.negated = letter.isUppercase
        return result
    }

    static func posix(_ name: String) -> [ClosedRange<UInt32>]? {
        switch name {
        case "alnum": return [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
        case "alpha": return [0x41...0x5A, 0x61...0x7A]
        case "ascii": return [0x00...0x7F]
        case "blank": return [0x09...0x09, 0x20...0x20]
        case "cntrl": return [0x00...0x1F, 0x7F...0x7F]
        case "digit": return [0x30...0x39]
        case "graph": return [0x21...0x7E]
        case "lower": return [0x61...0x7A]
        case "print": return [0x20...0x7E]
        case "punct": return [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
        case "space": return [0x09...0x0D, 0x20...0x20]
        case "upper": return [0x41...0x5A]
        case "word": return [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        case "xdigit": return [0x30...0x39, 0x41...0x46, 0x61...0x66]
        default: return nil
        }
    }

    /// `\p{Name}`: a general category (`L`, `Lu`, `Nd`...), `Any`, or a script approximated by
    /// its principal Unicode blocks.
    static func unicode(_ name: String) -> CharacterClass? {
        var result = CharacterClass()
        if name == "Any" {
            result.ranges = [0...maxScalar]
            return result
        }
        if let categories = generalCategories[name] {
            result.categories = [(categories, false)]
            return result
        }
        if let blocks = scripts[name] {
            result.ranges = blocks
            return result
        }
        return nil
    }

    private static let generalCategories: [String: Set<Unicode.GeneralCategory>] = {
        let letters: [String: Unicode.GeneralCategory] = [
            "Lu": .uppercaseLetter, "Ll": .lowercaseLetter, "Lt": .titlecaseLetter, "Lm": .modifierLetter,
            "Lo": .otherLetter, "Mn": .nonspacingMark, "Mc": .spacingMark, "Me": .enclosingMark,
            "Nd": .decimalNumber, "Nl": .letterNumber, "No": .otherNumber, "Pc": .connectorPunctuation,
            "Pd": .dashPunctuation, "Ps": .openPunctuation, "Pe": .closePunctuation, "Pi": .initialPunctuation,
            "Pf": .finalPunctuation, "Po": .otherPunctuation, "Sm": .mathSymbol, "Sc": .currencySymbol,
            "Sk": .modifierSymbol, "So": .otherSymbol, "Zs": .spaceSeparator, "Zl": .lineSeparator,
            "Zp": .paragraphSeparator, "Cc": .control, "Cf": .format, "Cs": .surrogate, "Co": .privateUse,
            "Cn": .unassigned,
        ]
        var table: [String: Set<Unicode.GeneralCategory>] = [:]
        for (name, category) in letters {
            table[name] = [category]
            table[String(name.first!), default: []].insert(category)
        }
        return table
    }()

    private static let scripts: [String: [ClosedRange<UInt32>]] = [
        "Latin": [
            0x41...0x5A, 0x61...0x7A, 0xAA...0xAA, 0xBA...0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F, 0x1E00...0x1EFF,
        ],
        "Greek": [
            0x370...0x373, 0x375...0x377, 0x37A...0x37D, 0x37F...0x37F, 0x384...0x384, 0x386...0x386, 0x388...0x3E1,
            0x3F0...0x3FF, 0x1F00...0x1FFF,
        ],
        "Cyrillic": [0x400...0x52F, 0x1C80...0x1C88, 0x2DE0...0x2DFF, 0xA640...0xA69F],
        "Armenian": [0x531...0x58F],
        "Hebrew": [0x591...0x5F4, 0xFB1D...0xFB4F],
        "Arabic": [0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF],
        "Devanagari": [0x900...0x97F],
        "Thai": [0xE01...0xE5B],
        "Georgian": [0x10A0...0x10FF],
        "Hangul": [0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF],
        "Hiragana": [0x3041...0x309F],
        "Katakana": [0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9D],
        "Han": [
            0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
            0x20000...0x3134F,
        ],
    ]
}
