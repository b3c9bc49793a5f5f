import Testing

@Test func SchemasBuilds() { #expect(Bool(true)) }
