import JSON
import Testing

@testable import Schemas

/// `$id`, `$ref`, `$anchor` and `$dynamicRef` resolution (JSON Schema core §8 and
/// RFC 3986 §5), beyond the cases the conformance subset holds.
@Suite struct ReferenceResolutionTests {
    static let cases: [SchemaCase] = [
        SchemaCase(
            name: "an $id is resolved against the nearest parent $id, through non-$defs applicators",
            schema: ##"""
                {"$id": "http://example.com/a.json",
                 "$defs": {"x": {"$id": "http://example.com/b/c.json", "not": {"$defs": {"y": {"$id": "d.json", "type": "number"}}}}},
                 "allOf": [{"$ref": "http://example.com/b/d.json"}]}
                """##,
            instances: [("1", true), (##""a""##, false)]),
        SchemaCase(
            name: "a $ref resolves against the $id beside it",
            schema: ##"""
                {"$id": "https://example.com/draft2020-12/ref-and-id1/base.json", "$ref": "int.json",
                 "$defs": {"bigint": {"$id": "int.json", "maximum": 10},
                           "smallint": {"$id": "/draft2020-12/ref-and-id1-int.json", "maximum": 2}}}
                """##,
            instances: [("5", true), ("50", false)]),
        SchemaCase(
            name: "absolute-path references",
            schema: ##"""
                {"$id": "http://example.com/ref/absref.json",
                 "$defs": {"a": {"$id": "http://example.com/ref/absref/foobar.json", "type": "number"},
                           "b": {"$id": "http://example.com/absref/foobar.json", "type": "string"}},
                 "$ref": "/absref/foobar.json"}
                """##,
            instances: [(##""a""##, true), ("12", false)]),
        SchemaCase(
            name: "URN base URIs with pointer and anchor fragments",
            schema: ##"""
                {"$id": "urn:uuid:deadbeef-1234-ff00-00ff-4321feebdaed",
                 "properties": {"foo": {"$ref": "urn:uuid:deadbeef-1234-ff00-00ff-4321feebdaed#/$defs/bar"},
                                "baz": {"$ref": "#something"}},
                 "$defs": {"bar": {"type": "string"}, "qux": {"$anchor": "something", "type": "integer"}}}
                """##,
            instances: [(##"{"foo": "x", "baz": 1}"##, true), (##"{"foo": 12}"##, false), (##"{"baz": "x"}"##, false)]),
        SchemaCase(
            name: "file URIs, Windows style",
            schema: ##"{"$id": "file:///c:/folder/file.json", "$defs": {"foo": {"type": "number"}}, "$ref": "#/$defs/foo"}"##,
            instances: [("1", true), (##""a""##, false)]),
        SchemaCase(
            name: "empty and escaped tokens in pointer fragments",
            schema: ##"""
                {"$defs": {"": {"$defs": {"": {"type": "number"}}}, "a/b%c~d\"e": {"type": "string"}},
                 "properties": {"n": {"$ref": "#/$defs//$defs/"}, "s": {"$ref": "#/$defs/a~1b%25c~0d%22e"}}}
                """##,
            instances: [(##"{"n": 1, "s": "x"}"##, true), (##"{"n": "x"}"##, false), (##"{"s": 1}"##, false)]),
        SchemaCase(
            name: "a $ref to an $id inside if",
            schema: ##"{"$ref": "http://example.com/ref/if", "if": {"$id": "http://example.com/ref/if", "type": "integer"}}"##,
            instances: [("12", true), (##""foo""##, false)]),
        SchemaCase(
            name: "the same $anchor name in two resources",
            schema: ##"""
                {"$id": "http://localhost:1234/draft2020-12/foobar",
                 "$defs": {"A": {"$id": "child1", "allOf": [
                    {"$id": "child2", "$anchor": "my_anchor", "type": "number"},
                    {"$anchor": "my_anchor", "type": "string"}]}},
                 "$ref": "child1#my_anchor"}
                """##,
            instances: [(##""a""##, true), ("1", false)]),
        SchemaCase(
            name: "an $anchor inside enum or const is not an identifier",
            schema: ##"""
                {"$defs": {"anchor_in_enum": {"enum": [{"$anchor": "my_anchor", "type": "null"}]},
                           "real": {"$anchor": "my_anchor", "type": "string"},
                           "zzz": {"const": {"$anchor": "my_anchor", "type": "null"}}},
                 "anyOf": [{"$ref": "#/$defs/anchor_in_enum"}, {"$ref": "#my_anchor"}]}
                """##,
            instances: [(##"{"$anchor": "my_anchor", "type": "null"}"##, true), (##""a string""##, true), ("null", false)]),
        SchemaCase(
            name: "recursive references through a tree",
            schema: ##"""
                {"$id": "http://localhost:1234/tree", "type": "object",
                 "properties": {"meta": {"type": "string"}, "nodes": {"type": "array", "items": {"$ref": "node"}}},
                 "required": ["meta", "nodes"],
                 "$defs": {"node": {"$id": "http://localhost:1234/node", "type": "object",
                    "properties": {"value": {"type": "number"}, "subtree": {"$ref": "tree"}}, "required": ["value"]}}}
                """##,
            instances: [
                (##"{"meta": "root", "nodes": [{"value": 1, "subtree": {"meta": "child", "nodes": [{"value": 1.1}]}}]}"##, true),
                (##"{"meta": "root", "nodes": [{"value": 1, "subtree": {"meta": "child", "nodes": [{"value": "x"}]}}]}"##, false),
            ]),
        SchemaCase(
            name: "$dynamicRef resolves to the outermost $dynamicAnchor in scope",
            schema: ##"""
                {"$id": "https://test.example/strict-tree.json", "$dynamicAnchor": "node",
                 "$ref": "tree.json", "unevaluatedProperties": false,
                 "$defs": {"tree": {"$id": "tree.json", "$dynamicAnchor": "node", "type": "object",
                    "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}}
                """##,
            instances: [
                (##"{"children": [{"data": 1}]}"##, true),
                (##"{"children": [{"daat": 1}]}"##, false),
            ]),
        SchemaCase(
            name: "$dynamicRef without a matching $dynamicAnchor bookend acts as $ref",
            schema: ##"""
                {"$id": "https://test.example/root", "type": "array", "items": {"$dynamicRef": "#items"},
                 "$defs": {"foo": {"$anchor": "items", "type": "string"}}}
                """##,
            instances: [(##"["a", "b"]"##, true), (##"["a", 1]"##, false)]),
        SchemaCase(
            name: "relative references inside an embedded resource resolve against its $id",
            schema: ##"""
                {"$id": "http://example.com/schema-relative-uri-defs1.json",
                 "properties": {"foo": {"$id": "schema-relative-uri-defs2.json",
                    "$defs": {"inner": {"properties": {"bar": {"type": "string"}}}}, "$ref": "#/$defs/inner"}},
                 "$ref": "schema-relative-uri-defs2.json"}
                """##,
            instances: [
                (##"{"foo": {"bar": 1}, "bar": "a"}"##, false),
                (##"{"foo": {"bar": "a"}, "bar": 1}"##, false),
                (##"{"foo": {"bar": "a"}, "bar": "a"}"##, true),
            ]),
        SchemaCase(
            name: "$anchor is scoped to its resource when $id and $ref meet",
            schema: ##"""
                {"$id": "https://example.com/draft2020-12/ref-and-id2/base.json", "$ref": "#bigint",
                 "$defs": {"bigint": {"$anchor": "bigint", "maximum": 10},
                           "smallint": {"$id": "https://example.com/draft2020-12/ref-and-id2/", "$anchor": "bigint", "maximum": 2}}}
                """##,
            instances: [("5", true), ("50", false)]),
        SchemaCase(
            name: "URN with a query component as base URI",
            schema: ##"""
                {"$id": "urn:example:foo-bar-baz-qux?+CCResolve:cc=uk",
                 "properties": {"foo": {"$ref": "#/$defs/bar"}}, "$defs": {"bar": {"type": "string"}}}
                """##,
            instances: [(##"{"foo": "bar"}"##, true), (##"{"foo": 12}"##, false)]),
        SchemaCase(
            name: "$ref to boolean schemas",
            schema: ##"{"properties": {"t": {"$ref": "#/$defs/t"}, "f": {"$ref": "#/$defs/f"}}, "$defs": {"t": true, "f": false}}"##,
            instances: [(##"{"t": 1}"##, true), (##"{"f": 1}"##, false)]),
        SchemaCase(
            name: "unevaluatedProperties sees through $ref but not into a sibling's evaluation",
            schema: ##"""
                {"$defs": {"A": {"unevaluatedProperties": false}}, "properties": {"prop1": {"type": "string"}}, "$ref": "#/$defs/A"}
                """##,
            instances: [(##"{"prop1": "match"}"##, false), ("{}", true)]),
        SchemaCase(
            name: "unevaluatedProperties counts properties evaluated by successful anyOf branches only",
            schema: ##"""
                {"type": "object", "properties": {"foo": {"type": "string"}},
                 "anyOf": [{"properties": {"bar": {"const": "bar"}}, "required": ["bar"]},
                           {"properties": {"baz": {"const": "baz"}}, "required": ["baz"]}],
                 "unevaluatedProperties": false}
                """##,
            instances: [
                (##"{"foo": "x", "bar": "bar"}"##, true),
                (##"{"foo": "x", "bar": "bar", "baz": "nope"}"##, false),
                (##"{"foo": "x", "bar": "bar", "baz": "baz"}"##, true),
            ]),
        SchemaCase(
            name: "a valid if without then or else still annotates",
            schema: ##"{"if": {"properties": {"a": true}}, "unevaluatedProperties": false}"##,
            instances: [(##"{"a": 1}"##, true), (##"{"b": 1}"##, false)]),
        SchemaCase(
            name: "unevaluatedItems after prefixItems, contains and if/then",
            schema: ##"""
                {"prefixItems": [{"type": "string"}], "contains": {"const": 7},
                 "if": {"prefixItems": [true, {"const": "x"}]}, "then": {"prefixItems": [true, true]},
                 "unevaluatedItems": false}
                """##,
            instances: [(##"["a", 7]"##, true), (##"["a", "x"]"##, false), (##"["a", "x", 7]"##, true), (##"["a", 7, 8]"##, false)]),
    ]

    @Test(arguments: cases)
    func resolves(_ schemaCase: SchemaCase) throws {
        try schemaCase.check()
    }

    @Test func aReferenceToAnUnloadedDocumentIsRefusedAtCompileTime() {
        #expect {
            try Schema(parsing: ##"{"$ref": "https://example.com/other.json#/$defs/x"}"##)
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .unresolvedReference && error.message.contains("https://example.com/other.json#/$defs/x")
        }
    }

    @Test func documentsCompiledTogetherReferToEachOtherByID() throws {
        let common = try JSONParser.parse(##"{"$id": "https://x.test/common.json", "$defs": {"id": {"type": "string", "minLength": 1}}}"##)
        let event = try JSONParser.parse(##"{"$id": "https://x.test/e.json", "properties": {"id": {"$ref": "common.json#/$defs/id"}}}"##)
        let set = try SchemaSet(documents: [("file:///common.json", common), ("file:///e.json", event)])
        let schema = try #require(set.schema(at: "https://x.test/e.json"))
        #expect(schema.isValid(["id": "a"]))
        #expect(!schema.isValid(["id": ""]))
        #expect(set.schema(at: "file:///common.json")?.uri == "https://x.test/common.json")
    }

    @Test func aRefCycleThatNeverConsumesTheInstanceFailsInsteadOfRecursingForever() throws {
        let schema = try Schema(parsing: ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        #expect(!schema.isValid(1))
        #expect(schema.violations(of: 1).first?.message.contains("recurses") == true)
    }
}
