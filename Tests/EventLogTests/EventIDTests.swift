import EventLog
import Testing

/// Ids the log generates: UUID version 7, time first, the rest random.
@Suite struct EventIDTests {
    @Test func generatedIdsAreVersionSevenWithTheirMillisecondFirst() throws {
        let milliseconds: UInt64 = 1_764_300_000_123
        let id = EventID.generate(milliseconds: milliseconds)
        #expect(id.high >> 16 == milliseconds)
        #expect((id.high >> 12) & 0xF == 7, "version nibble of \(id)")
        #expect(id.low >> 62 == 0b10, "RFC 9562 variant of \(id)")
        let text = id.description
        #expect(text.count == 36)
        #expect(Array(text)[14] == "7")
        #expect(EventID(text) == id)
    }

    /// Both random words are filled: the 12 random bits of the high word and the 62 of
    /// the low word each take many values over a few thousand ids in one millisecond.
    @Test func everyRandomBitIsRandom() {
        let ids = (0..<4096).map { _ in EventID.generate(milliseconds: 42) }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids.map { $0.high & 0x0FFF }).count > 2000)
        #expect(Set(ids.map(\.low)).count == ids.count)
        // Every random bit of the low word is set in some ids and clear in others.
        let ones = ids.reduce(UInt64(0)) { $0 | $1.low }
        let zeros = ids.reduce(UInt64(0)) { $0 | ~$1.low }
        #expect(ones & 0x3FFF_FFFF_FFFF_FFFF == 0x3FFF_FFFF_FFFF_FFFF)
        #expect(zeros & 0x3FFF_FFFF_FFFF_FFFF == 0x3FFF_FFFF_FFFF_FFFF)
    }

    @Test func idsOfLaterMillisecondsSortLater() {
        let earlier = EventID.generate(milliseconds: 1_000)
        let later = EventID.generate(milliseconds: 1_001)
        #expect(earlier < later)
    }
}
