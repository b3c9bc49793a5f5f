/// A Unicode property named by `\p{...}` in a pattern: a general category (`L`,
/// `Letter`, `Lu`, `Uppercase_Letter`, ...) or one of the binary properties the
/// standard library exposes (`Alphabetic`, `White_Space`, `Emoji`, ...).
///
/// Scripts (`\p{Script=Greek}`) are not in the standard library's tables and are
/// rejected with a clear message when a pattern is compiled.
struct UnicodeProperty: Sendable {
    enum Test: Sendable {
        case categories(Set<Unicode.GeneralCategory>)
        case binary(@Sendable (Unicode.Scalar.Properties) -> Bool)
        case any
        case ascii
        case assigned
    }

    var test: Test
    var negated: Bool

    init(test: Test, negated: Bool) {
        self.test = test
        self.negated = negated
    }

    func matches(_ scalar: Unicode.Scalar) -> Bool {
        let result: Bool
        switch test {
        case .categories(let set): result = set.contains(scalar.properties.generalCategory)
        case .binary(let predicate): result = predicate(scalar.properties)
        case .any: result = true
        case .ascii: result = scalar.isASCII
        case .assigned: result = scalar.properties.generalCategory != .unassigned
        }
        return result != negated
    }

    func inverted() -> UnicodeProperty { UnicodeProperty(test: test, negated: !negated) }

    /// Parses the text between the braces of `\p{...}`; `nil` for unknown names.
    init?(named name: String, negated: Bool) {
        self.negated = negated
        var key = name
        if let equals = name.firstIndex(of: "=") {
            let property = name[..<equals]
            guard property == "General_Category" || property == "gc" else { return nil }
            key = String(name[name.index(after: equals)...])
        }
        if let categories = Self.generalCategories[key] {
            test = .categories(categories)
            return
        }
        switch key {
        case "Any": test = .any
        case "ASCII": test = .ascii
        case "Assigned": test = .assigned
        case "Alphabetic", "Alpha": test = .binary { $0.isAlphabetic }
        case "White_Space", "space": test = .binary { $0.isWhitespace }
        case "Uppercase", "Upper": test = .binary { $0.isUppercase }
        case "Lowercase", "Lower": test = .binary { $0.isLowercase }
        case "Emoji": test = .binary { $0.isEmoji }
        case "Emoji_Presentation", "EPres": test = .binary { $0.isEmojiPresentation }
        case "Ideographic", "Ideo": test = .binary { $0.isIdeographic }
        case "Hex_Digit", "Hex": test = .binary { $0.isHexDigit }
        case "ASCII_Hex_Digit", "AHex": test = .binary { $0.isASCIIHexDigit }
        case "Noncharacter_Code_Point", "NChar": test = .binary { $0.isNoncharacterCodePoint }
        case "Math": test = .binary { $0.isMath }
        case "Dash": test = .binary { $0.isDash }
        default: return nil
        }
    }

    private static let generalCategories: [String: Set<Unicode.GeneralCategory>] = {
        typealias C = Unicode.GeneralCategory
        let groups: [([String], [C])] = [
            (["Lu", "Uppercase_Letter"], [.uppercaseLetter]),
            (["Ll", "Lowercase_Letter"], [.lowercaseLetter]),
            (["Lt", "Titlecase_Letter"], [.titlecaseLetter]),
            (["LC", "Cased_Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]),
            (["Lm", "Modifier_Letter"], [.modifierLetter]),
            (["Lo", "Other_Letter"], [.otherLetter]),
            (["L", "Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]),
            (["Mn", "Nonspacing_Mark"], [.nonspacingMark]),
            (["Mc", "Spacing_Mark"], [.spacingMark]),
            (["Me", "Enclosing_Mark"], [.enclosingMark]),
            (["M", "Mark", "Combining_Mark"], [.nonspacingMark, .spacingMark, .enclosingMark]),
            (["Nd", "Decimal_Number", "digit"], [.decimalNumber]),
            (["Nl", "Letter_Number"], [.letterNumber]),
            (["No", "Other_Number"], [.otherNumber]),
            (["N", "Number"], [.decimalNumber, .letterNumber, .otherNumber]),
            (["Pc", "Connector_Punctuation"], [.connectorPunctuation]),
            (["Pd", "Dash_Punctuation"], [.dashPunctuation]),
            (["Ps", "Open_Punctuation"], [.openPunctuation]),
            (["Pe", "Close_Punctuation"], [.closePunctuation]),
            (["Pi", "Initial_Punctuation"], [.initialPunctuation]),
            (["Pf", "Final_Punctuation"], [.finalPunctuation]),
            (["Po", "Other_Punctuation"], [.otherPunctuation]),
            (["P", "Punctuation", "punct"], [
                .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation,
            ]),
            (["Sm", "Math_Symbol"], [.mathSymbol]),
            (["Sc", "Currency_Symbol"], [.currencySymbol]),
            (["Sk", "Modifier_Symbol"], [.modifierSymbol]),
            (["So", "Other_Symbol"], [.otherSymbol]),
            (["S", "Symbol"], [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]),
            (["Zs", "Space_Separator"], [.spaceSeparator]),
            (["Zl", "Line_Separator"], [.lineSeparator]),
            (["Zp", "Paragraph_Separator"], [.paragraphSeparator]),
            (["Z", "Separator"], [.spaceSeparator, .lineSeparator, .paragraphSeparator]),
            (["Cc", "Control", "cntrl"], [.control]),
            (["Cf", "Format"], [.format]),
            (["Cs", "Surrogate"], [.surrogate]),
            (["Co", "Private_Use"], [.privateUse]),
            (["Cn", "Unassigned"], [.unassigned]),
            (["C", "Other"], [.control, .format, .surrogate, .privateUse, .unassigned]),
        ]
        var table: [String: Set<C>] = [:]
        for (names, categories) in groups {
            for name in names { table[name] = Set(categories) }
        }
        return table
    }()
}
