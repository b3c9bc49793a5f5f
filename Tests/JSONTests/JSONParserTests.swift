import Testing
@testable import JSON

@Suite struct JSONParserTests {
    @Test func objectsAreCanonicalisedBySortingKeysAndDroppingWhitespace() throws {
        let value = try JSONParser.parse(#" { "b" : [1, 2.50, -0.1e3] , "a":"x\u00e9\n", "é": null, "Z": true } "#)
        #expect(value.description == #"{"Z":true,"a":"xé\n","b":[1,2.50,-0.1e3],"é":null}"#)
    }

    @Test func canonicalBytesRoundTrip() throws {
        let text = #"{"a":[{"b":"\"\\\/\b\f\r\t\u0001"}],"n":12345678901234567890123}"#
        let once = JSONWriter.canonicalString(try JSONParser.parse(text))
        let twice = JSONWriter.canonicalString(try JSONParser.parse(once))
        #expect(once == twice)
        #expect(once.contains(#""\"\\/\b\f\r\t\u0001""#))
    }

    /// Canonical bytes are written into room reserved up front and written again with
    /// more when they do not fit; the writer's string escaping is the same code.
    @Test func canonicalBytesOutgrowTheRoomReservedAndMatchTheWriter() throws {
        let control = String(repeating: "\u{01}", count: 100)
        let value: JSONValue = ["b": .string(control), "a": [1, "x\"y", nil, true]]
        let expected = #"{"a":[1,"x\"y",null,true],"b":""# + String(repeating: #"\u0001"#, count: 100) + #""}"#
        for room in [0, 1, 16, 64, 4096] {
            #expect(String(decoding: JSONWriter.canonicalBytes(value, reservingCapacity: room), as: UTF8.self) == expected)
        }
        var writer = JSONWriter(reservingCapacity: 1)
        writer.writeRaw("[")
        writer.write(value)
        writer.writeRaw(",")
        writer.writeString(control)
        writer.writeRaw("]")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[" + expected + ",\"" + String(repeating: #"\u0001"#, count: 100) + "\"]")
        #expect(JSONWriter.prettyString(["k": [1, 2]]) == "{\n  \"k\": [\n    1,\n    2\n  ]\n}")
    }

    /// Keys are compared by their bytes once decoded, escapes or not: `é` precomposed
    /// and `e` + U+0301 are two keys (Swift's `String ==` would call them one), while
    /// `é` written plainly and as `\u00e9` are the same key twice.
    @Test func escapedKeysAreComparedByTheirDecodedBytes() throws {
        let object = try #require(try JSONParser.parse(#"{"e\u0301":2,"\u00e9":1}"#).objectValue)
        #expect(object.count == 2)
        #expect(object.keys.map { Array($0.utf8) } == [[0x65, 0xCC, 0x81], [0xC3, 0xA9]])
        #expect(object["\u{E9}"] == 1)
        #expect(object["e\u{301}"] == 2)
        #expect(JSONWriter.canonicalString(.object(object)) == "{\"e\u{301}\":2,\"\u{E9}\":1}")
        #expect {
            try JSONParser.parse(#"{"é":1,"\u00e9":2}"#)
        } throws: { error in
            (error as? JSONParseError)?.reason == "duplicate key \"é\" in the object"
        }
    }

    @Test func surrogatePairsDecodeToOneScalar() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        (#"{"a":1,}"#, "expected a string key"),
        (#"[1,2,]"#, "expected a value"),
        (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
        (#""\udc00""#, "lone low surrogate"),
        (#""\ud800x""#, "must be followed by a low surrogate"),
        ("01", "leading zero"),
        ("1.", "after the decimal point"),
        ("[1] 2", "after the JSON value"),
        ("\"a\u{01}\"", "control character"),
        (#""\q""#, "invalid escape"),
        ("tru", "expected true"),
        ("{\"a\" 1}", "expected ':'"),
        ("", "unexpected end of input"),
    ])
    func malformedInputIsRejectedWithAReason(input: String, reason: String) {
        #expect {
            try JSONParser.parse(input)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains(reason) == true
        }
    }

    /// Objects small and large, in the worst order for sorting, come out in byte order,
    /// and a repeated key is found wherever it sits, at its second occurrence.
    @Test(arguments: [3, 24, 25, 300])
    func objectsOfAnySizeSortAndRefuseRepeatedKeys(count: Int) throws {
        // Keys in descending order, the worst case for sorting in place; "k10" sorts
        // before "k9" by bytes, so the order is not numeric.
        let keys = (0..<count).reversed().map { "k\($0)" }
        let text = "{" + keys.map { "\"\($0)\":\"v\($0)\"" }.joined(separator: ",") + "}"
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.keys == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(object["k0"] == "vk0")

        for repeated in [keys.first!, keys[keys.count / 2], keys.last!] {
            let withRepeat = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + ",\"\(repeated)\":1}"
            do {
                _ = try JSONParser.parse(withRepeat)
                Issue.record("a repeated \(repeated) in \(count) members was accepted")
            } catch {
                #expect(error.reason == "duplicate key \"\(repeated)\" in the object")
                // The column is that of the second occurrence, the last member.
                #expect(error.offset == withRepeat.utf8.count - "\"\(repeated)\":1}".utf8.count)
            }
        }
    }

    /// Strings are scanned eight bytes at a time until something stops the scan: a
    /// quote, an escape, a control character or invalid UTF-8 must be found wherever
    /// it falls in a word, and non-ASCII text must be kept whole.
    @Test(arguments: 0..<20)
    func whatEndsAFastStringScanIsFoundAtEveryOffset(offset: Int) throws {
        let lead = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 11)
        #expect(try JSONParser.parse("\"" + lead + "\"") == .string(lead))
        #expect(try JSONParser.parse("\"" + lead + #"\n"# + tail + "\"") == .string(lead + "\n" + tail))
        #expect(try JSONParser.parse("\"" + lead + "é" + tail + "\"") == .string(lead + "é" + tail))
        #expect(try JSONParser.parse("[\"" + lead + "\",\"" + tail + "\"]") == [.string(lead), .string(tail)])
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"" + lead + "\u{01}" + tail + "\"") }
        var invalid = Array(("\"" + lead).utf8)
        invalid.append(0xFF)
        invalid.append(contentsOf: (tail + "\"").utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(invalid) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"" + lead + tail) }
    }

    @Test func invalidUTF8IsRejected() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func errorsReportLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 7)
            #expect(error.description == "line 3, column 7: expected ':' after the object key \"b\"")
        }
    }

    @Test func nestingBeyondTheLimitIsRefused() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect { try JSONParser.parse(deep) } throws: { ($0 as? JSONParseError)?.reason.contains("nesting") == true }
        #expect(throws: Never.self) { try JSONParser.parse(deep, maxDepth: 400) }
    }
}

@Suite struct JSONNumberTests {
    @Test(arguments: [("1", "1.0"), ("1", "1e0"), ("100", "1E2"), ("0", "-0"), ("0.5", "5e-1"), ("12.3400", "1.234e1")])
    func equalValuesWrittenDifferentlyAreEqual(a: String, b: String) throws {
        let x = try #require(JSONNumber(a))
        let y = try #require(JSONNumber(b))
        #expect(x == y)
        #expect(x.hashValue == y.hashValue)
    }

    @Test func orderingIsExactBeyondDoublePrecision() throws {
        let a = try #require(JSONNumber("9007199254740993"))
        let b = try #require(JSONNumber("9007199254740992"))
        #expect(b < a)
        #expect(a != b)
        #expect(try #require(JSONNumber("-2")) < #require(JSONNumber("-1.5")))
        #expect(try #require(JSONNumber("0.001")) < #require(JSONNumber("0.01")))
    }

    @Test func integerness() throws {
        #expect(try #require(JSONNumber("1.0")).isInteger)
        #expect(try #require(JSONNumber("1e3")).int64Value == 1000)
        #expect(try #require(JSONNumber("1.5")).isInteger == false)
        #expect(try #require(JSONNumber("-9223372036854775808")).int64Value == Int64.min)
        #expect(try #require(JSONNumber("9223372036854775808")).int64Value == nil)
        #expect(try #require(JSONNumber("9223372036854775808")).uint64Value == 9_223_372_036_854_775_808)
        #expect(try #require(JSONNumber("1.8446744073709551615e19")).uint64Value == UInt64.max)
        #expect(try #require(JSONNumber("18446744073709551616")).uint64Value == nil)
        #expect(try #require(JSONNumber("3.0")).uint64Value == 3)
        #expect(try #require(JSONNumber("-0")).uint64Value == 0)
        #expect(try #require(JSONNumber("-1")).uint64Value == nil)
        #expect(try #require(JSONNumber("2.5")).uint64Value == nil)
        #expect(try #require(JSONNumber("0e5")).int64Value == 0)
        #expect(JSONNumber("1.") == nil)
        #expect(JSONNumber("+1") == nil)
    }
}

@Suite struct JSONPointerTests {
    @Test func escapesRoundTrip() throws {
        let pointer = try #require(JSONPointer(parsing: "/a~1b/c~0d/0"))
        #expect(pointer.tokens == ["a/b", "c~d", "0"])
        #expect(pointer.description == "/a~1b/c~0d/0")
        let doc: JSONValue = ["a/b": ["c~d": [42]]]
        #expect(doc[pointer] == 42)
        #expect(JSONPointer(parsing: "a") == nil)
        #expect(JSONPointer(parsing: "/~2") == nil)
    }
}
