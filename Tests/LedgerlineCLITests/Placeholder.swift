import Testing

@Test func LedgerlineCLIBuilds() { #expect(Bool(true)) }
