import Foundation
import Testing

@testable import Expressions

@Suite("Values")
struct ValueTests {
    @Test("JSON converts to CEL values: integers stay ints, other numbers are doubles, objects are maps")
    func fromJSON() throws {
        let value = try Value(jsonText: #"{"n": 5, "x": 1.5, "ok": true, "tags": ["a"], "none": null}"#)
        #expect(
            value
                == .map(
                    MapValue(["n": .int(5), "x": .double(1.5), "ok": .bool(true), "tags": .list(["a"]), "none": .null]))
        )
        #expect(try Value(jsonText: "\"text\"") == .string("text"))
        #expect(throws: ExpressionError.self) { try Value(jsonText: "{oops") }
    }

    @Test("values print as JSON following CEL's mapping, or nil when JSON cannot hold them")
    func toJSON() {
        #expect(Value.map(MapValue(["a": .list([.int(1), .double(2.5), .null])])).jsonText == #"{"a":[1,2.5,null]}"#)
        #expect(Value.int(9_007_199_254_740_993).jsonText == "\"9007199254740993\"")
        #expect(Value.bytes([0xFF]).jsonText == "\"/w==\"")
        #expect(Value.double(.infinity).jsonText == "\"Infinity\"")
        #expect(Value.timestamp(Value.Timestamp(seconds: 0)!).jsonText == "\"1970-01-01T00:00:00Z\"")
        #expect(Value.map(MapValue([(.int(1), .bool(true))])!).jsonText == nil)
        #expect(Value.type(.int).jsonText == nil)
    }

    @Test(
        "values print as CEL literals that read back as the same value",
        arguments: [
            "1", "1u", "2.5", "1e+12", "'a\\nb'", "b'\\xff'", "[1, 'x']", "{'k': true}", "null",
            "timestamp('2009-02-13T23:31:30.5Z')", "duration('90.5s')", "optional.of(1)", "optional.none()", "int",
        ])
    func literalRoundTrip(source: String) throws {
        let value = try evaluate(source)
        #expect(try evaluate(value.literal) == value)
    }

    @Test("string() of a double prints like Go's %g, as cel-go does")
    func doubleText() throws {
        #expect(try evaluate("string(123.456)") == .string("123.456"))
        #expect(try evaluate("string(-4.5e-3)") == .string("-0.0045"))
        #expect(try evaluate("string(1e12)") == .string("1e+12"))
        #expect(try evaluate("string(100000.0)") == .string("100000"))
        #expect(try evaluate("string(1.5e-7)") == .string("1.5e-07"))
    }

    @Test("timestamps parse RFC 3339 with offsets and fractions, and reject what is out of range")
    func timestampParsing() {
        #expect(Value.Timestamp(rfc3339: "1972-01-01T10:00:20.021-05:00")?.rfc3339 == "1972-01-01T15:00:20.021Z")
        #expect(Value.Timestamp(rfc3339: "9999-12-31T23:59:59.999999999Z") != nil)
        #expect(Value.Timestamp(rfc3339: "0000-01-01T00:00:00Z") == nil)
        #expect(Value.Timestamp(rfc3339: "2024-02-30T00:00:00Z") == nil)
        #expect(Value.Timestamp(rfc3339: "2024-01-01 00:00:00Z") == nil)
        #expect(Value.Timestamp(rfc3339: "2024-01-01T00:00:00.1234567891Z") == nil)
    }

    @Test("durations parse Go duration text and stay within int64 nanoseconds")
    func durationParsing() {
        #expect(Value.Duration(parsing: "1h45m47s")?.text == "6347s")
        #expect(Value.Duration(parsing: "-1.5s")?.text == "-1.5s")
        #expect(Value.Duration(parsing: "100ms")?.text == "0.1s")
        #expect(Value.Duration(parsing: "1µs")?.nanoseconds == 1_000)
        #expect(Value.Duration(parsing: "0")?.nanoseconds == 0)
        #expect(Value.Duration(parsing: "320000000000s") == nil)
        #expect(Value.Duration(parsing: "5 days") == nil)
        #expect(Value.Duration(parsing: "1d") == nil)
    }

    @Test("map keys: int and uint of the same number are one key, strings compare by code points")
    func mapKeys() {
        var map = MapValue()
        let inserted = [
            map.insert(.int(2), "a"), map.insert(.uint(2), "b"),
            map.insert(.string("\u{e9}"), "precomposed"), map.insert(.string("e\u{301}"), "decomposed"),
        ]
        #expect(inserted == [true, false, true, true])
        #expect(map.count == 3)
        #expect(map[.uint(2)] == "a")
    }

    @Test("maps keep insertion order and switch to a hash index past eight entries")
    func mapOrderAndIndex() {
        var map = MapValue()
        for i in (0..<20).reversed() { map.insert(.string("k\(i)"), .int(Int64(i))) }
        #expect(map.keys.first == .string("k19"))
        for i in 0..<20 { #expect(map["k\(i)"] == .int(Int64(i))) }
        #expect(map["absent"] == nil)
    }

    @Test("structural equality distinguishes types that CEL equality treats as equal")
    func structuralVersusCELEquality() {
        #expect(Value.int(1) != Value.uint(1))
        #expect(Value.celEquals(.int(1), .uint(1)))
        #expect(Value.double(.nan) == Value.double(.nan))
        #expect(!Value.celEquals(.double(.nan), .double(.nan)))
    }

    @Test("FieldTable finds fields by name and by interned key, and not others")
    func fieldTable() {
        struct Point { var x: Int64; var y: Int64 }
        let table = FieldTable<Point>([("x", { .int($0.x) }), ("y", { .int($0.y) })])
        let point = Point(x: 3, y: 4)
        #expect(table.value(of: "y", in: point) == .int(4))
        #expect(table.value(of: FieldKey("x"), in: point) == .int(3))
        #expect(table.value(of: "z", in: point) == nil)
        #expect(table.value(of: FieldKey("never-declared-anywhere"), in: point) == nil)
        #expect(FieldKey("x") == FieldKey("x"))
    }
}
