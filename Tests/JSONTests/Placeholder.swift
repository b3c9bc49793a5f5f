import Testing

@Test func JSONBuilds() { #expect(Bool(true)) }
