import Testing

@Test func ProjectionsBuilds() { #expect(Bool(true)) }
