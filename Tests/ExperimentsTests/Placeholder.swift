import Testing

@Test func ExperimentsBuilds() { #expect(Bool(true)) }
