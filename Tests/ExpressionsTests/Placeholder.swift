import Testing

@Test func ExpressionsBuilds() { #expect(Bool(true)) }
