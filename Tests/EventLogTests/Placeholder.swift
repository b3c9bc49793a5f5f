import Testing

@Test func EventLogBuilds() { #expect(Bool(true)) }
