import EventLog
import JSON
import Projections
import Testing

@Suite struct PayloadTests {
    let payload = Payload(
        Array(
            #"{"amount":"1234.50","count":-42,"flag":true,"nested":{"a":[1,{"b":"}"}]},"ratio":0.25,"tags":["x","y\"z"],"text":"line\nbreak \"q\"","when":"2026-01-02T03:04:05Z"}"#
                .utf8))

    @Test func readsScalarsWithoutParsingTheRest() {
        #expect(payload.money("amount") == Money("1234.50"))
        #expect(payload.int("count") == -42)
        #expect(payload.bool("flag") == true)
        #expect(payload.double("ratio") == 0.25)
        #expect(payload.timestamp("when") == Timestamp(rfc3339: "2026-01-02T03:04:05Z"))
        #expect(payload.string("amount") == "1234.50")
    }

    @Test func unescapesStringsAndParsesNestedValuesOnDemand() {
        #expect(payload.string("text") == "line\nbreak \"q\"")
        #expect(payload.strings("tags") == ["x", "y\"z"])
        #expect(payload.object("nested")?["a"]?[1]?["b"] == "}")
    }

    @Test func escapesBeforeAClosingQuoteDoNotEndTheString() {
        // A value ending in an escaped backslash, a quote escaped inside a value, and a
        // key written with an escape: the index must not stop at the first quote byte.
        let escaped = Payload(
            Array(#"{"path":"C:\\","quote":"say \"hi\", then go","k\u0065y":"v","after":7}"#.utf8))
        #expect(escaped.string("path") == "C:\\")
        #expect(escaped.string("quote") == "say \"hi\", then go")
        #expect(escaped.string("key") == "v")
        #expect(escaped.int("after") == 7)
    }

    @Test func absentOrMistypedFieldsReadAsNil() {
        #expect(payload.string("missing") == nil)
        #expect(payload.string("count") == nil)
        #expect(payload.int("amount") == nil)
        #expect(payload.money("count") == nil)
        #expect(payload.bool("text") == nil)
        #expect(!payload.contains("missing") && payload.contains("nested"))
    }

    @Test(arguments: ["", "[]", "{", #"{"a":}"#, #"{"a":"unterminated}"#, "{\"a\":1,}", "nonsense"])
    func malformedBytesGiveAnEmptyIndexNotATrap(_ text: String) {
        let broken = Payload(Array(text.utf8))
        #expect(broken.string("a") == nil)
        #expect(broken.int("a") == nil)
    }

    @Test func wholeNumbersWrittenWithAFractionOrExponentStillReadAsIntegers() {
        let p = Payload(Array(#"{"a":2.0,"b":2e1,"c":12345678901234567890}"#.utf8))
        #expect(p.int("a") == 2)
        #expect(p.int("b") == 20)
        #expect(p.int("c") == nil)
    }

    /// Quotes and backslashes at every offset of an eight-byte word, and strings longer
    /// than one: the index tests eight bytes at a time, so each position in a word and
    /// the tail after the last whole word must be found.
    @Test func findsQuotesAndEscapesAtEveryOffset() {
        for length in 0..<40 {
            let plain = String(repeating: "a", count: length)
            for escapeAt in [-1] + Array(0..<length) {
                var value = plain
                if escapeAt >= 0 {
                    value = String(plain.prefix(escapeAt)) + "\\\"" + String(plain.dropFirst(escapeAt))
                }
                let text = #"{"k":"\#(value)","after":\#(length)}"#
                let payload = Payload(Array(text.utf8))
                let expected = escapeAt >= 0 ? String(plain.prefix(escapeAt)) + "\"" + String(plain.dropFirst(escapeAt)) : plain
                #expect(payload.string("k") == expected, "length \(length), escape at \(escapeAt)")
                #expect(payload.int("after") == Int64(length))
            }
        }
    }

    /// More top-level members than the index keeps on the stack while indexing.
    @Test func indexesPayloadsWithManyMembers() {
        let fields = (0..<100).map { #""f\#($0)":\#($0)"# }.joined(separator: ",")
        let payload = Payload(Array("{\(fields)}".utf8))
        for i in [0, 23, 24, 25, 99] { #expect(payload.int("f\(i)") == Int64(i)) }
        #expect(payload.int("f100") == nil)
        #expect(payload.bytes == Array("{\(fields)}".utf8))
    }

    /// Bytes read in place (as a scan hands them over) index the same as an array.
    @Test func indexesBytesCopiedInPlace() {
        let text = Array(#"{"a":"x","b":[1,2],"c":{"d":"e"}}"#.utf8)
        let payload = text.withUnsafeBytes { Payload(copying: $0) }
        #expect(payload.string("a") == "x")
        #expect(payload.value("b") == [1, 2])
        #expect(payload.object("c")?["d"] == "e")
        #expect(Payload().object == JSONObject())
    }
}

@Suite struct EventKindTests {
    @Test func everyCatalogTypeIsFoundByItsStoredBytes() {
        for kind in EventKind.allCases where kind != .other {
            let found = Array(kind.rawValue.utf8).withUnsafeBytes { EventKind(typeBytes: $0) }
            #expect(found == kind)
            #expect(EventKind(EventType(kind.rawValue)!) == kind)
        }
    }

    @Test(arguments: ["", "Order", "OrderPlace", "OrderPlacedX", "orderPlaced", "CustomThing"])
    func namesOutsideTheCatalogAreOther(_ name: String) {
        #expect(Array(name.utf8).withUnsafeBytes { EventKind(typeBytes: $0) } == .other)
    }
}
