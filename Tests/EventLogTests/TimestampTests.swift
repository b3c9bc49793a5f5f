import EventLog
import Testing

/// RFC 3339 timestamps as `occurredAt` takes them: offsets, either case of `T` and `Z`,
/// fractions cut to microseconds, and leap seconds only where UTC has them.
@Suite struct TimestampTests {
    private func micros(_ text: String) -> Int64? { Timestamp(rfc3339: text)?.microseconds }

    @Test func offsetsCaseAndFractionsReadAsTheSameInstant() {
        let base = micros("2026-11-27T08:00:00Z")
        #expect(base != nil)
        #expect(micros("2026-11-27T10:00:00+02:00") == base)
        #expect(micros("2026-11-27t08:00:00z") == base)
        #expect(micros("2026-11-27T03:30:00-04:30") == base)
        #expect(micros("2026-11-27T08:00:00.123456789Z") == base.map { $0 + 123_456 })
        #expect(micros("2026-11-27T08:00:00.5Z") == base.map { $0 + 500_000 })
    }

    @Test(arguments: [
        "2026-02-30T10:00:00Z", "2026-11-27 10:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:00:00",
        "2026-11-27T10:00:00.Z", "2026-11-27T10:00:00+2:00", "2026-11-27T10:60:00Z", "2026-11-27T10:00:61Z",
    ])
    func malformedTimestampsAreRefused(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    /// A leap second (second 60) exists only at 23:59:60 UTC; it reads as the last
    /// microsecond of 23:59:59, so it sorts after that second and before the next day.
    @Test func aLeapSecondReadsAsTheLastMicrosecondOfItsMinute() throws {
        let leap = try #require(micros("2016-12-31T23:59:60Z"))
        let before = try #require(micros("2016-12-31T23:59:59.999998Z"))
        let after = try #require(micros("2017-01-01T00:00:00Z"))
        #expect(leap == before + 1)
        #expect(leap < after)
        #expect(micros("2016-12-31T23:59:60.5Z") == leap)
        // The same instant written in another offset.
        #expect(micros("2016-12-31T15:59:60-08:00") == leap)
        #expect(micros("2017-01-01T01:29:60+01:30") == leap)
        // Not at 23:59 UTC: no leap second there.
        #expect(micros("2016-12-31T22:59:60Z") == nil)
        #expect(micros("2016-12-31T23:59:60+01:00") == nil)
        #expect(micros("2016-12-31T23:58:60Z") == nil)
    }
}
