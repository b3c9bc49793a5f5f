import Foundation
import JSON

/// Turns cell text into exact values: whole numbers, decimal numbers, money and
/// booleans. Nothing goes through a binary float.
enum ValueParser {
    /// Why a text is not what was expected.
    struct Failure: Error, Sendable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A whole number, optionally signed; leading zeros are dropped (`007` is `7`).
    static func integer(_ text: String) -> JSONNumber? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let significant = digits.drop { $0 == "0" }
        if significant.isEmpty { return JSONNumber(unchecked: "0") }
        return JSONNumber(unchecked: (negative ? "-" : "") + significant)
    }

    /// A decimal number as JSON writes it: `12`, `-3.5`, `.5` (written `0.5`), `1e3`.
    /// The digits are kept exactly.
    static func number(_ text: String) -> JSONNumber? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        var exponent = ""
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let tail = rest[rest.index(after: e)...]
            var expDigits = tail
            var expSign = ""
            if let s = expDigits.first, s == "-" || s == "+" {
                expSign = s == "-" ? "-" : ""
                expDigits = expDigits.dropFirst()
            }
            guard !expDigits.isEmpty, expDigits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            exponent = "e" + expSign + expDigits
            rest = rest[..<e]
        }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
            whole.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), fraction.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        var integerPart = String(whole.drop { $0 == "0" })
        if integerPart.isEmpty { integerPart = "0" }
        var out = integerPart
        if !fraction.isEmpty { out += "." + fraction }
        out += exponent
        let isZero = integerPart == "0" && fraction.allSatisfy { $0 == "0" }
        return JSONNumber(unchecked: (negative && !isZero ? "-" : "") + out)
    }

    /// The common case of ``money(_:format:)`` without allocating: digits with at most
    /// one `.` between them.
    private static func plainMoney(_ text: String, decimals: Int) -> String? {
        var point = -1
        var count = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard point < 0 else { return nil }
                point = count
            } else if byte < 0x30 || byte > 0x39 {
                return nil
            }
            count += 1
        }
        guard count > 0, point != 0, point != count - 1 else { return nil }
        let bytes = Array(text.utf8)
        let whole = point < 0 ? bytes[...] : bytes[..<point]
        var out = Array(whole.drop { $0 == 0x30 })
        if out.isEmpty { out = [0x30] }
        let fraction = point < 0 ? [] : bytes[(point + 1)...]
        if fraction.isEmpty && decimals == 0 { return String(decoding: out, as: UTF8.self) }
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: fraction)
        for _ in fraction.count..<max(fraction.count, decimals) { out.append(0x30) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`, `t`/`f`, `on`/`off`, in any case.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "t", "yes", "y", "1", "on": return true
        case "false", "f", "no", "n", "0", "off": return false
        default: return nil
        }
    }

    /// A money amount as an exact decimal string with at least `format.decimals`
    /// decimals: `$1,234.5` → `1234.50`, `(12.00)` → `-12.00`, `EUR 1.234,50` (with `,`
    /// as the decimal separator) → `1234.50`, `12.00-` → `-12.00`.
    ///
    /// A currency symbol, code or sign before or after the number (see
    /// ``checkCurrency(_:beforeSymbol:)``) is dropped: the currency is the event's `currency` field. Other letters, two
    /// codes, or two signs (`(-5)`) are refused. Thousands separators must group by
    /// three; more decimals than `format.decimals` are kept, never rounded.
    static func money(_ text: String, format: CSVMapping.MoneyFormat) throws(Failure) -> String {
        if format.decimalSeparator == ".", let plain = plainMoney(text, decimals: format.decimals) { return plain }
        var scalars = Array(text.unicodeScalars)
        var negative = false
        if scalars.first == "(" && scalars.last == ")" {
            negative = true
            scalars = Array(scalars.dropFirst().dropLast())
        }
        let decimal = format.decimalSeparator.unicodeScalars.first!
        let grouping: Set<Unicode.Scalar> =
            decimal == "," ? [".", " ", "\u{A0}", "\u{202F}", "'"] : [",", " ", "\u{A0}", "\u{202F}", "'"]
        let isDigit: (Unicode.Scalar) -> Bool = { $0.value >= 0x30 && $0.value <= 0x39 }
        guard let firstDigit = scalars.firstIndex(where: isDigit) else { throw Failure("it holds no digits") }
        var lastDigit = scalars.lastIndex(where: isDigit)!
        // A decimal separator right before the first digit (`.50`) belongs to the number.
        var coreStart = firstDigit
        if coreStart > 0, scalars[coreStart - 1] == decimal { coreStart -= 1 }
        if lastDigit + 1 < scalars.count, scalars[lastDigit + 1] == decimal {
            lastDigit += 1
            // `5.-` (Swiss and German price tags): no cents, not a minus sign.
            if lastDigit + 1 < scalars.count, scalars[lastDigit + 1] == "-" || scalars[lastDigit + 1] == "\u{2013}" { scalars.remove(at: lastDigit + 1) }
        }
        // The parentheses of `(12.00)` are its sign.
        var signs = negative ? 1 : 0
        var codes: [String] = []
        for part in [scalars[..<coreStart], scalars[(lastDigit + 1)...]] {
            var index = part.startIndex
            while index < part.endIndex {
                let scalar = part[index]
                switch scalar {
                case "-", "\u{2212}":
                    negative = true
                    signs += 1
                case "+": signs += 1
                case " ", "\u{A0}", "\u{202F}": break
                case "\u{A2}":
                    throw Failure("\"¢\" counts cents; write the amount in whole units (0.99 for 99¢)")
                default:
                    if scalar.properties.generalCategory == .currencySymbol { break }
                    guard scalar.properties.isAlphabetic else {
                        throw Failure(
                            "unexpected \"\(scalar)\"; write amounts like 1234.50, $1,234.50, EUR 12.00 or (12.00)")
                    }
                    var end = part[index...].firstIndex { !$0.properties.isAlphabetic } ?? part.endIndex
                    let word = String(String.UnicodeScalarView(part[index..<end]))
                    let symbol = end < part.endIndex && part[end].properties.generalCategory == .currencySymbol ? part[end] : nil
                    try Self.checkCurrency(word, beforeSymbol: symbol)
                    // A sign's abbreviation point (`Fr.`, `Rs.`), or its slash (`S/`).
                    if symbol == nil, end < part.endIndex, part[end] == "." || part[end] == "/" { end += 1 }
                    codes.append(word)
                    index = end
                    continue
                }
                index += 1
            }
        }
        if codes.count > 1 {
            throw Failure("it names two currencies (\(codes.joined(separator: ", "))); give one amount per cell, in one currency")
        }
        if signs > 1 { throw Failure("it has more than one sign") }
        let core = scalars[coreStart...lastDigit]
        let decimalPoints = core.indices.filter { core[$0] == decimal }
        if decimalPoints.count > 1 {
            throw Failure(
                "more than one decimal separator \"\(decimal)\"\(decimal == "." ? "" : "") (the mapping's decimal separator is \"\(decimal)\")"
            )
        }
        let wholePart = decimalPoints.first.map { core[core.startIndex..<$0] } ?? core[...]
        let fractionPart = decimalPoints.first.map { core[($0 + 1)...] } ?? []
        for scalar in fractionPart where !isDigit(scalar) {
            // `1.234,56` read with `.` as the decimal separator: the file writes decimals
            // with a comma (or the other way round).
            let other = decimal == "." ? "," : "."
            let hint =
                grouping.contains(scalar) || String(scalar) == other
                ? "; for amounts like \(decimal == "." ? "1.234,56" : "1,234.56") set `decimal_separator: \"\(other)\"`"
                : ""
            throw Failure("unexpected \"\(scalar)\" after the decimal separator \"\(decimal)\"\(hint)")
        }
        var whole = ""
        var groups: [Int] = [0]
        for scalar in wholePart {
            if isDigit(scalar) {
                whole.unicodeScalars.append(scalar)
                groups[groups.count - 1] += 1
            } else if grouping.contains(scalar) {
                groups.append(0)
            } else {
                throw Failure("unexpected \"\(scalar)\"; write amounts like 1234.50, $1,234.50, EUR 12.00 or (12.00)")
            }
        }
        if groups.count > 1, groups[0] == 0 || groups[0] > 3 || groups.dropFirst().contains(where: { $0 != 3 }) {
            throw Failure(
                "its digits are grouped oddly; thousands separators group by three (\(decimal == "." ? "1,234,567.89" : "1.234.567,89"))\(decimal == "." ? ", or set `decimal_separator: \",\"` for amounts like 1.234,56" : ", or remove `decimal_separator: \",\"` for amounts like 1,234.56")"
            )
        }
        var integerPart = String(whole.drop { $0 == "0" })
        if integerPart.isEmpty { integerPart = "0" }
        var fraction = String(String.UnicodeScalarView(fractionPart))
        while fraction.count < format.decimals { fraction.append("0") }
        let isZero = integerPart == "0" && fraction.allSatisfy { $0 == "0" }
        return (negative && !isZero ? "-" : "") + integerPart + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// Letters beside a money amount are its currency, dropped like a symbol: an ISO 4217
    /// code in any case (`EUR`, `eur`), a currency's sign written in letters (`zł`, `Kč`,
    /// `kr`, `Fr.`), or a country's letters before a dollar sign (`US$`, `R$`, `HK$`).
    /// Anything else is refused, a magnitude above all (`5k`, `1.5M`, `5 M€`, `2 Mio`),
    /// which dropped would change the amount a thousandfold; so is `¢`, which would read
    /// cents as units.
    static func checkCurrency(_ word: String, beforeSymbol symbol: Unicode.Scalar?) throws(Failure) {
        if let symbol {
            if symbol == "$", dollarPrefixes.contains(word) { return }
        } else if isoCurrencyCodes.contains(word.uppercased()) || currencySigns.contains(word) {
            return
        }
        let written = word + (symbol.map { String($0) } ?? "")
        if magnitudes.contains(word.lowercased()) {
            throw Failure(
                "\"\(written)\" has a magnitude (\(word)) that this importer does not multiply out; "
                    + "amounts are read as written, so write 5000 rather than 5k, and 1500000 rather than 1.5M")
        }
        throw Failure(
            "\"\(written)\" is not a currency this importer knows (an ISO code such as EUR, or a sign such as $, zł or kr); "
                + "the currency belongs in its own field, and the amount is read as written")
    }

    /// The ISO 4217 codes in use, from the system's locale data.
    private static let isoCurrencyCodes = Set(Locale.commonISOCurrencyCodes)

    /// Currency signs written in letters, as they are written.
    private static let currencySigns: Set<String> = [
        "zł", "Kč", "kr", "Kr", "kn", "Ft", "lei", "Lei", "лв", "руб", "р", "грн", "Fr", "SFr", "Rs", "Rp", "RM", "R", "Dhs", "Dh", "DH", "TL", "Bs", "S/",
    ]

    /// What goes before a dollar sign to say whose dollar it is.
    private static let dollarPrefixes: Set<String> = ["US", "U", "R", "HK", "C", "CA", "A", "AU", "NZ", "S", "NT", "MX", "Z", "J", "RD", "TT", "EC", "Bds", "BZ"]

    /// Words for thousands, millions and billions beside an amount, in lower case.
    private static let magnitudes: Set<String> = [
        "k", "m", "mm", "b", "bn", "t", "tn", "mn", "mio", "mil", "mill", "mln", "mld", "mrd", "tsd", "thousand", "million", "billion", "lakh", "crore", "cr",
    ]
}
