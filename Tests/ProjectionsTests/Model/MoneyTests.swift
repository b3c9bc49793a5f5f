import Projections
import Testing

@Suite struct MoneyTests {
    @Test func sumsAreExactAndKeepTheLargerScale() throws {
        let a = try #require(Money("0.10"))
        let b = try #require(Money("0.2"))
        #expect((a + b).description == "0.30")
        #expect((try #require(Money("12.00")) + (try #require(Money("3.5")))).description == "15.50")
        var total = Money.zero
        for _ in 0..<1_000_000 { total += a }
        #expect(total.description == "100000.00")
    }

    @Test(arguments: ["", "-", "1.", ".5", "1,5", "1e3", "12a", "0.1234567890123456789"])
    func refusesWhatIsNotAnAmount(_ text: String) {
        #expect(Money(text) == nil)
    }

    @Test func productsAndAveragesRoundHalfToEven() throws {
        #expect(try #require(Money("8000.00")).multiplied(by: try #require(Money("0.75"))).description == "6000.0000")
        #expect(try #require(Money("0.05")).divided(by: 2).description == "0.02")  // 0.025 → 0.02
        #expect(try #require(Money("0.15")).divided(by: 2).description == "0.08")  // 0.075 → 0.08
        #expect(try #require(Money("10")).divided(by: 3, scale: 4).description == "3.3333")
        #expect(try #require(Money("-1.25")).rescaled(to: 1).description == "-1.2")
    }

    @Test func equalValuesAreEqualWhateverTheirScale() throws {
        #expect(Money("1.50") == Money("1.5"))
        #expect(Set([Money("1.50")!, Money("1.5")!]).count == 1)
        #expect(try #require(Money("2")) > (try #require(Money("1.99"))))
    }

    @Test func tallyCountsAndAveragesPerCurrency() throws {
        var tally = MoneyTally()
        tally.add(try #require(Money("10.00")), "USD")
        tally.add(try #require(Money("5.00")), "EUR")
        tally.add(try #require(Money("20.01")), "USD")
        #expect(tally.entries.map(\.currency) == ["EUR", "USD"])
        #expect(tally["USD"]?.count == 2)
        #expect(tally["USD"]?.average?.description == "15.0050")
    }
}
