import JSON
import Testing

@testable import Experiments

@Suite struct ConditionTests {
    /// Cases from GrowthBook's upstream suites beyond the shared subset, and JavaScript
    /// edge cases the SDK's semantics imply: (condition, attributes, expected).
    @Test(arguments: [
        (#"{"age": {"$gt": -10, "$lt": 10, "$gte": -9, "$lte": 9, "$ne": 10}}"#, "{}", true),
        (#"{"country": {"$ne": "de"}}"#, "{}", true),
        (#"{"country": {"$ne": "de"}}"#, #"{"country": null}"#, true),
        (#"{"name": {"$notRegex": "abc"}}"#, "{}", true),
        (#"{"name": {"$notRegexi": "ABC"}}"#, "{}", true),
        (#"{"userAgent": {"$notRegex": "(Mobile|Tablet)"}}"#, #"{"userAgent": "Chrome Desktop Browser"}"#, true),
        (#"{"userAgent": {"$notRegexi": "(mobile|tablet)"}}"#, #"{"userAgent": "Android Mobile Browser"}"#, false),
        (#"{"n": {"$gt": "5", "$lt": "10"}}"#, #"{"n": 8}"#, true),
        (#"{"$or": []}"#, "{}", true),
        (#"{"$and": []}"#, "{}", true),
        (#"{"x": {"$lt": 5}}"#, "{}", true),
        (#"{"x": {"$gte": 5}}"#, "{}", false),
        (#"{"x": {"$lte": 5}}"#, "{}", true),
        (#"{"x": {"$gt": 5}}"#, "{}", false),
        // The JavaScript SDK skips falsy elements in $elemMatch (the Python SDK does not).
        (#"{"x": {"$elemMatch": {"$eq": 0}}}"#, #"{"x": [0]}"#, false),
        (#"{"x": {"$elemMatch": {"$eq": "a"}}}"#, #"{"x": ["", "a"]}"#, true),
        (#"{"x": {"$eq": 5}}"#, #"{"x": "5"}"#, false),
        // A bare number compares after JavaScript's `value * 1` (the Python SDK is strict).
        (#"{"x": 5}"#, #"{"x": "5"}"#, true),
        (#"{"x": {"$eq": true}}"#, #"{"x": 1}"#, false),
        (#"{"x": {"$type": "object"}}"#, #"{"x": {}}"#, true),
        (#"{"x": {"$ini": ["\u0130"]}}"#, #"{"x": "i"}"#, false),
        (#"{"x": {"$ini": ["STRA\u00dfE"]}}"#, #"{"x": "STRASSE"}"#, false),
        (#"{"x": {"$ini": ["\u03a3"]}}"#, #"{"x": "\u03c3"}"#, true),
        (#"{"x": {"$ini": ["\u0410"]}}"#, #"{"x": "\u0430"}"#, true),
        (#"{"tags": ["hello", "world"]}"#, #"{"tags": ["world", "hello"]}"#, false),
        (#"{"tags": {"hello": "world"}}"#, #"{"tags": {}}"#, false),
        (#"{"userId": null}"#, "{}", true),
        (#"{"version": {"$vgt": "1.2.3-5-Foo"}}"#, #"{"version": "1.2.3-5-foo"}"#, true),
        (#"{"version": {"$vgt": "1.2.3-R2"}}"#, #"{"version": "1.2.3-r100"}"#, true),
        (#"{"version": {"$vgt": "9999.0.0"}}"#, #"{"version": "10000.0.0"}"#, true),
        (#"{"version": {"$veq": "1.2.3-4"}}"#, #"{"version": "1.2.3.4"}"#, true),
        (#"{"version": {"$vgt": "1.2.3-a"}}"#, #"{"version": "1.2.3-a.b"}"#, true),
        (
            #"{"$and": [{"foo": 1}, {"bar": 1}], "$or": [{"baz": 1}, {"empty": 1}]}"#,
            #"{"foo": 1, "bar": 1, "baz": 2, "empty": 1}"#, true
        ),
        (#"{"tags.1": "b"}"#, #"{"tags": ["a", "b"]}"#, true),
        (#"{"tags.length": {"$gte": 2}}"#, #"{"tags": ["a", "b"]}"#, true),
        (#"{"id": {"$in": [123]}}"#, #"{"id": 123.0}"#, true),
        (#"{"name": {"$regex": "^hello$"}}"#, #"{"name": "hello"}"#, true),
        (#"{"flag": {"$exists": 0}}"#, #"{"flag": false}"#, false),
    ])
    func followsGrowthBookSemantics(condition: String, attributes: String, expected: Bool) throws {
        let compiled = Condition(try JSONParser.parse(condition))
        #expect(compiled.evaluate(try JSONParser.parse(attributes)) == expected)
    }

    @Test func savedGroupsResolveMembership() throws {
        let condition = Condition(try JSONParser.parse(#"{"id": {"$notInGroup": "vip"}}"#))
        #expect(condition.evaluate(["id": "7"], savedGroups: ["vip": ["7", "9"]]) == false)
        #expect(condition.evaluate(["id": "8"], savedGroups: ["vip": ["7", "9"]]) == true)
    }

    @Test func anInvalidPatternFailsInsteadOfThrowing() throws {
        let condition = Condition(try JSONParser.parse(#"{"name": {"$notRegex": "([a-"}}"#))
        #expect(condition.evaluate(["name": "x"]) == false)
    }
}

@Suite struct JavaScriptSemanticsTests {
    /// `String(x)` in JavaScript, checked against Node for each of these.
    @Test(arguments: [
        (123.0, "123"), (-0.0, "0"), (1.5, "1.5"), (0.1, "0.1"), (1e21, "1e+21"), (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"), (1.2345678901234568e20, "123456789012345680000"), (9007199254740992, "9007199254740992"),
        (1e300, "1e+300"), (-2.5e-10, "-2.5e-10"), (0.000001, "0.000001"),
    ])
    func numbersPrintAsJavaScriptPrintsThem(value: Double, text: String) {
        #expect(JavaScriptNumber.string(value) == text)
    }

    /// `Number(text)` in JavaScript, checked against Node for each of these.
    @Test(arguments: [
        ("", 0.0), (" 12 ", 12), ("0x1A", 26), ("0o17", 15), ("0b101", 5), ("1e3", 1000), (".5", 0.5), ("5.", 5),
        ("-Infinity", -Double.infinity),
    ])
    func textParsesAsJavaScriptParsesIt(text: String, value: Double) {
        #expect(JavaScriptNumber.number(from: text) == value)
    }

    @Test(arguments: ["12px", "-0x10", "NaN", "abc", "1e", "--1"])
    func malformedNumbersAreNaN(text: String) {
        #expect(JavaScriptNumber.number(from: text).isNaN)
    }

    @Test func arraysAndObjectsStringifyAsJavaScriptDoes() throws {
        #expect(try JSONParser.parse(#"["a", null, "b"]"#).javaScriptString == "a,,b")
        #expect(try JSONParser.parse(#"[[1,2],[3]]"#).javaScriptString == "1,2,3")
        #expect(try JSONParser.parse(#"{"a":1}"#).javaScriptString == "[object Object]")
    }

    @Test func stringsCompareByUTF16CodeUnits() {
        // U+FFFF sorts after U+1F600 as UTF-16 (0xFFFF > 0xD83D), unlike by scalar value.
        let bmp = JSONValue.string("\u{FFFF}")
        let astral = JSONValue.string("😀")
        #expect(astral.javaScriptLessThan(bmp) == true)
        #expect(JSONValue.string("Zebra").javaScriptLessThan("abc") == true)
        #expect(JSONValue.string("12px").javaScriptLessThan(5) == nil)
    }
}

@Suite struct ConditionConcurrencyTests {
    /// A compiled condition (and its regular expression) is shared by every assignment
    /// thread; evaluating it concurrently must give the same answers as serially.
    @Test func sharedConditionsEvaluateConcurrently() async throws {
        let condition = Condition(
            try JSONParser.parse(#"{"email": {"$regex": "@(acme|example)\\.com$"}, "age": {"$gte": 18}}"#))
        let results = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var matched = 0
                    for i in 0..<2000 {
                        let domain = (i + worker) % 3 == 0 ? "acme.com" : "other.org"
                        let attributes: JSONValue = [
                            "email": .string("u\(i)@\(domain)"), "age": .number(JSONNumber(i % 40)),
                        ]
                        if condition.evaluate(attributes) { matched += 1 }
                    }
                    return matched
                }
            }
            var all: [Int] = []
            for await count in group { all.append(count) }
            return all
        }
        var expected = 0
        for worker in 0..<8 {
            for i in 0..<2000 where (i + worker) % 3 == 0 && i % 40 >= 18 { expected += 1 }
        }
        #expect(results.count == 8)
        #expect(results.reduce(0, +) == expected)
    }
}
