import Testing

@testable import EventLog

/// Cell text to exact values: money, numbers, booleans, dates and times.
@Suite struct ValueParserTests {
    @Test(arguments: [
        ("11.77", "11.77"), ("12", "12.00"), ("0", "0.00"), ("007.5", "7.50"), ("$1,234.50", "1234.50"),
        ("USD 1,234,567.891", "1234567.891"), ("(12.00)", "-12.00"), ("-$3", "-3.00"), ("12.00-", "-12.00"),
        ("€ 9.99", "9.99"), ("1 234.5", "1234.50"), (".5", "0.50"), ("-0.00", "0.00"),
        ("99999999999999999999.01", "99999999999999999999.01"), ("US$ 5", "5.00"), ("HK$1,000", "1000.00"),
        ("5 EUR", "5.00"), ("$5 USD", "5.00"),
        // Signs written in letters, and ISO codes in any case, are currencies too.
        ("5 zł", "5.00"), ("1,234.56 kr", "1234.56"), ("Kč 5", "5.00"), ("Fr. 5", "5.00"), ("SFr. 5", "5.00"), ("5 руб", "5.00"),
        ("eur 5", "5.00"), ("Rs. 1,000", "1000.00"), ("R 10", "10.00"),
        // A price tag's `.-` is no cents, not a minus sign.
        ("CHF 5.-", "5.00"), ("5.– CHF", "5.00"), ("-5.-", "-5.00"),
    ])
    func moneyIsReadExactly(text: String, expected: String) throws {
        #expect(try ValueParser.money(text, format: CSVMapping.MoneyFormat()) == expected)
    }

    @Test func moneyWithADecimalCommaIsReadExactly() throws {
        var format = CSVMapping.MoneyFormat()
        format.decimalSeparator = ","
        #expect(try ValueParser.money("1.234,5", format: format) == "1234.50")
        #expect(try ValueParser.money("EUR 12,00", format: format) == "12.00")
        #expect(try ValueParser.money("12", format: format) == "12.00")
    }

    @Test func moneyKeepsTheDecimalsAskedFor() throws {
        var format = CSVMapping.MoneyFormat()
        format.decimals = 0
        #expect(try ValueParser.money("1200", format: format) == "1200")
        format.decimals = 3
        #expect(try ValueParser.money("1.5", format: format) == "1.500")
    }

    @Test(arguments: [
        ("abc", "no digits"), ("12,3,4", "grouped oddly"), ("1.2.3", "more than one decimal separator"),
        ("12 apples", "\"apples\" is not a currency this importer knows"), ("--5", "more than one sign"), ("1,5", "grouped oddly"),
        // Magnitudes are not currencies: dropping them read 5k as 5.00.
        ("5k", "\"k\" has a magnitude (k)"), ("1.5M", "\"M\" has a magnitude"), ("1.5bn", "\"bn\""),
        ("2 mil", "\"mil\" has a magnitude"), ("EUR 5 USD", "it names two currencies (EUR, USD)"),
        ("(-5)", "more than one sign"),
        // A magnitude before a symbol, or as three capitals, is no currency either.
        ("5 M€", "\"M€\" has a magnitude (M)"), ("5 K€", "\"K€\" has a magnitude"), ("1.5 M$", "\"M$\" has a magnitude"),
        ("5 MIO", "\"MIO\" has a magnitude"), ("5 TSD", "\"TSD\" has a magnitude"), ("$5 MLN", "\"MLN\" has a magnitude"),
        ("5 XYZ", "\"XYZ\" is not a currency this importer knows"), ("99¢", "\"¢\" counts cents"),
        ("1.234,56", "set `decimal_separator: \",\"`"), ("€1.200,50", "set `decimal_separator: \",\"`"),
    ])
    func badMoneyIsRefusedWithAReason(text: String, reason: String) {
        #expect {
            try ValueParser.money(text, format: CSVMapping.MoneyFormat())
        } throws: { error in
            (error as? ValueParser.Failure)?.reason.contains(reason) == true
        }
    }

    @Test func integersAndNumbersKeepTheirDigits() {
        #expect(ValueParser.integer("00042")?.text == "42")
        #expect(ValueParser.integer("-0")?.text == "0")
        #expect(ValueParser.integer("+7")?.text == "7")
        #expect(ValueParser.integer("4.0") == nil)
        #expect(ValueParser.integer("") == nil)
        #expect(ValueParser.number("-36.4")?.text == "-36.4")
        #expect(ValueParser.number(".5")?.text == "0.5")
        #expect(ValueParser.number("1.2e3")?.text == "1.2e3")
        #expect(ValueParser.number("0.1")?.text == "0.1")
        #expect(ValueParser.number("1,5") == nil)
        #expect(ValueParser.number("e5") == nil)
    }

    @Test func booleansReadTheUsualSpellings() {
        for text in ["true", "Yes", "Y", "1", "on", "T"] { #expect(ValueParser.boolean(text) == true) }
        for text in ["false", "no", "N", "0", "OFF", "f"] { #expect(ValueParser.boolean(text) == false) }
        #expect(ValueParser.boolean("maybe") == nil)
    }

    @Test(arguments: [
        ("%Y%m%d", "19970101", "1997-01-01T00:00:00Z"),
        ("%Y-%m-%d %H:%M:%S", "2024-05-01 09:30:15", "2024-05-01T09:30:15Z"),
        ("%m/%d/%Y", "1/5/2024", "2024-01-05T00:00:00Z"),
        ("%d.%m.%y", "31.12.99", "1999-12-31T00:00:00Z"),
        ("%d %b %Y %I:%M %p", "07 Mar 2024 12:05 AM", "2024-03-07T00:05:00Z"),
        ("%B %e, %Y", "March  7, 2024", "2024-03-07T00:00:00Z"),
        ("%Y-%m-%dT%H:%M:%S%z", "2024-05-01T11:30:00+02:00", "2024-05-01T09:30:00Z"),
        ("%F %T.%f", "2024-05-01 09:30:00.25", "2024-05-01T09:30:00.250Z"),
        ("%Y-%j", "2024-060", "2024-02-29T00:00:00Z"),
        ("%a, %d %b %Y %T %Z", "Wed, 01 May 2024 09:30:00 GMT", "2024-05-01T09:30:00Z"),
        ("iso8601", "2024-05-01", "2024-05-01T00:00:00Z"),
        ("iso8601", "2024-05-01 09:30", "2024-05-01T09:30:00Z"),
        ("iso8601", "2024-05-01T09:30:00.123-05:00", "2024-05-01T14:30:00.123Z"),
        ("unix", "1714555800", "2024-05-01T09:30:00Z"),
        ("unix_ms", "1714555800250", "2024-05-01T09:30:00.250Z"),
        // The last millisecond of 9999 has 15 digits; more than 14 used to be refused.
        ("unix_ms", "253402300799999", "9999-12-31T23:59:59.999Z"), ("unix", "253402300799", "9999-12-31T23:59:59Z"),
    ])
    func datesAndTimesAreReadAsFormatted(format: String, text: String, expected: String) throws {
        let parsed = try DateFormat(format).parse(text)
        #expect(parsed.timestamp(in: .utc).description == expected)
    }

    @Test func timesWithoutAnOffsetAreReadInTheMappingsZone() throws {
        let format = try DateFormat("%Y-%m-%d %H:%M")
        let berlin = try #require(ZoneRule("Europe/Berlin"))
        #expect(try format.parse("2024-01-15 09:00").timestamp(in: berlin).description == "2024-01-15T08:00:00Z")
        #expect(try format.parse("2024-07-15 09:00").timestamp(in: berlin).description == "2024-07-15T07:00:00Z")
        #expect(
            try format.parse("2024-07-15 09:00").timestamp(in: #require(ZoneRule("-05:00"))).description
                == "2024-07-15T14:00:00Z")
        #expect(try format.parse("2024-07-15 09:00").dateText == "2024-07-15")
    }

    /// New York moved its clocks from 02:00 to 03:00 on 2026-03-08 and from 02:00 back
    /// to 01:00 on 2026-11-01: the offset before each change applies.
    @Test(arguments: [
        ("2026-03-08 02:30", "2026-03-08T07:30:00Z"),  // in the gap: 03:30 EDT, not 01:30 EST
        ("2026-03-08 01:59", "2026-03-08T06:59:00Z"), ("2026-03-08 03:00", "2026-03-08T07:00:00Z"),
        ("2026-11-01 01:30", "2026-11-01T05:30:00Z"),  // in the overlap: the earlier, EDT
        ("2026-11-01 02:00", "2026-11-01T07:00:00Z"), ("2026-03-07 10:00", "2026-03-07T15:00:00Z"),
        ("2026-03-08 20:00", "2026-03-09T00:00:00Z"),
    ])
    func timesInADaylightSavingGapOrOverlapTakeTheOffsetBeforeTheChange(text: String, expected: String) throws {
        let newYork = try #require(ZoneRule("America/New_York"))
        #expect(try DateFormat("%Y-%m-%d %H:%M").parse(text).timestamp(in: newYork).description == expected)
    }

    @Test(arguments: [
        ("%Y-%m-%d", "2024-02-30", "has no day 30"), ("%Y-%m-%d", "2024-13-01", "month 13"),
        ("%Y%m%d", "199701", "expected 1 to 2 digits for the day"),
        ("%Y-%m-%d", "24-01-01", "expected 4 digits for the year"),
        ("%Y-%m-%d", "2024-01-01 junk", "unexpected text"), ("%H:%M %Y-%m-%d", "25:00 2024-01-01", "hour 25"),
        ("%d %b %Y", "01 Foo 2024", "month name"),
        ("unix_ms", "1e16", "1e16 milliseconds since 1970 is after the year 9999"), ("unix", "x", "expected a number of seconds"),
    ])
    func badDatesAreRefusedWithAReason(format: String, text: String, reason: String) throws {
        let parser = try DateFormat(format)
        #expect {
            try parser.parse(text)
        } throws: { error in
            (error as? ValueParser.Failure)?.reason.contains(reason) == true
        }
    }

    @Test func badFormatsAreRefused() {
        #expect(throws: ValueParser.Failure.self) { try DateFormat("%Y-%q") }
        #expect(throws: ValueParser.Failure.self) { try DateFormat("%m/%d") }
        #expect(throws: ValueParser.Failure.self) { try DateFormat("%Y-%m-%d %I:%M") }
    }
}
