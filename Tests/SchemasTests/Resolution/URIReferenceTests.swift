import Testing

@testable import Schemas

/// RFC 3986 §5.4's reference resolution examples, against base `http://a/b/c/d;p?q`.
@Suite struct URIReferenceTests {
    static let base = URIReference(parsing: "http://a/b/c/d;p?q")

    @Test(arguments: [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"), ("..", "http://a/b/"), ("../", "http://a/b/"), ("../g", "http://a/b/g"),
        ("../..", "http://a/"), ("../../", "http://a/"), ("../../g", "http://a/g"),
        // Abnormal examples (§5.4.2).
        ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"), ("/./g", "http://a/g"), ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"),
    ])
    func resolvesLikeRFC3986(reference: String, expected: String) {
        #expect(URIReference(parsing: reference).resolved(against: Self.base).description == expected)
    }

    @Test func fragmentsAndURNs() {
        let urn = URIReference(parsing: "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed")
        #expect(URIReference(parsing: "#/$defs/a").resolved(against: urn).description == "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#/$defs/a")
        #expect(URIReference(parsing: "https://x.test/a.json#").withoutFragment.description == "https://x.test/a.json")
        #expect(SchemaCompiler.percentDecoded("a%25b%22c") == "a%b\"c")
        #expect(SchemaCompiler.percentDecoded("%zz") == nil)
    }
}
