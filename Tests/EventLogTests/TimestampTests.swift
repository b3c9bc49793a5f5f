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

    /// The log takes UTC years 0000 to 9999, what RFC 3339 can write back; an offset
    /// that carries a time past either end is refused, and the refusal says why.
    @Test func timesOutsideTheYearsAnExportCanHoldAreRefused() {
        #expect(Timestamp(rfc3339: "0000-01-01T00:00:00Z") == Timestamp.writableRange.lowerBound)
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59.999999Z") == Timestamp.writableRange.upperBound)
        #expect(Timestamp.writableRange.upperBound.description == "9999-12-31T23:59:59.999999Z")
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59-01:00") == nil)
        #expect(Timestamp(rfc3339: "0000-01-01T00:00:00+01:00") == nil)
        #expect(
            Timestamp.refusal(of: "9999-12-31T23:59:59-01:00", named: "occurredAt")
                == #"occurredAt "9999-12-31T23:59:59-01:00" is 10000-01-01T00:59:59Z in UTC, outside the years 0000–9999 that an RFC 3339 timestamp, and so an export, can hold; give a time within them"#)
        #expect(Timestamp.refusal(of: "yesterday", named: "occurredAt") == #"occurredAt is not an RFC 3339 timestamp like 2026-11-25T14:03:00Z: "yesterday"; it does not start with a date written YYYY-MM-DD"#)
    }

    /// A refused time says which part is wrong and how to write it.
    @Test(arguments: [
        ("2026-01-01", "it has a date but no time; add one and an offset, such as 2026-01-01T00:00:00Z"),
        ("2026-01-01T10:00:00", "it has no offset; add Z for UTC or one such as +02:00"),
        ("2026-01-01 10:00:00Z", "write T, not a space, between the date and the time"),
        ("2026-02-30T00:00:00Z", "February 2026 has no day 30"), ("2026-13-01T00:00:00Z", "month 13 is out of range"),
        ("2026-01-01T24:00:00Z", "hour 24 is out of range (00 to 23)"),
        ("2026-01-01T10:00Z", "the time has no seconds; write it as HH:MM:SS"),
        ("2026-01-01T10:00:00+0200", "write the offset as +HH:MM or -HH:MM"),
        ("2026-01-01T10:00:00+24:00", "the offset +24:00 is out of range"),
        ("1712345678", "a bare number is not a time; write a Unix time as a date and time"), ("", "it is empty"),
    ])
    func aRefusedTimeSaysWhichPartIsWrong(text: String, flaw: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(Timestamp.refusal(of: text, named: "--occurred-at").hasSuffix("\"\(text)\"; \(flaw)"))
    }
}
