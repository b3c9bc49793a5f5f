extension Value {
    /// A point in time with nanosecond precision: CEL's `google.protobuf.Timestamp`.
    ///
    /// Valid from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z; arithmetic that leaves
    /// that range is an error. Stored as seconds since the Unix epoch plus nanoseconds in
    /// `0..<1_000_000_000`, so comparison is lexicographic on the pair.
    public struct Timestamp: Sendable, Hashable, Comparable {
        public let seconds: Int64
        public let nanos: Int32

        static let minSeconds: Int64 = -62_135_596_800
        static let maxSeconds: Int64 = 253_402_300_799

        /// A timestamp, or nil outside the valid range. `nanos` may be any value; it is
        /// normalised into `seconds`.
        public init?(seconds: Int64, nanos: Int64 = 0) {
            let (carry, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
            var seconds = seconds.addingReportingOverflow(carry)
            var rest = remainder
            if rest < 0 {
                rest += 1_000_000_000
                seconds = seconds.partialValue.subtractingReportingOverflow(1)
            }
            guard !seconds.overflow, seconds.partialValue >= Self.minSeconds, seconds.partialValue <= Self.maxSeconds
            else { return nil }
            self.seconds = seconds.partialValue
            self.nanos = Int32(rest)
        }

        public static func < (a: Timestamp, b: Timestamp) -> Bool {
            a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos
        }

        /// RFC 3339 in UTC with as many fractional digits as needed: `2009-02-13T23:31:30Z`,
        /// `2009-02-13T23:31:30.123Z`.
        public var rfc3339: String {
            let civil = CivilTime(seconds: seconds)
            var text = "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))"
            text += "T\(pad(civil.hour, 2)):\(pad(civil.minute, 2)):\(pad(civil.second, 2))"
            if nanos != 0 {
                var fraction = pad(Int64(nanos), 9)
                while fraction.hasSuffix("0") { fraction.removeLast() }
                text += "." + fraction
            }
            return text + "Z"
        }

        /// Parses RFC 3339 (`1972-01-01T10:00:20.021-05:00`): a four-digit year, `T` or `t`,
        /// up to nine fractional digits, `Z` or a `±hh:mm` offset. Nil when malformed or out of
        /// range.
        public init?(rfc3339 text: String) {
            let b = Array(text.utf8)
            var i = 0
            func digits(_ n: Int) -> Int64? {
                guard i + n <= b.count else { return nil }
                var v: Int64 = 0
                for k in i..<(i + n) {
                    guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                    v = v * 10 + Int64(b[k] - 0x30)
                }
                i += n
                return v
            }
            func expect(_ c: UInt8) -> Bool {
                guard i < b.count, b[i] == c else { return false }
                i += 1
                return true
            }
            guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
                let day = digits(2), i < b.count, b[i] | 0x20 == UInt8(ascii: "t")
            else { return nil }
            i += 1
            guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
                let second = digits(2)
            else { return nil }
            var nanos: Int64 = 0
            if expect(UInt8(ascii: ".")) {
                var count = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    guard count < 9 else { return nil }
                    nanos = nanos * 10 + Int64(b[i] - 0x30)
                    count += 1
                    i += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<9 { nanos *= 10 }
            }
            var offset: Int64 = 0
            guard i < b.count else { return nil }
            if b[i] | 0x20 == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let h = digits(2), expect(UInt8(ascii: ":")), let m = digits(2), h < 24, m < 60 else {
                    return nil
                }
                offset = sign * (h * 3600 + m * 60)
            } else {
                return nil
            }
            guard i == b.count, (1...12).contains(month), day >= 1, day <= CivilTime.daysIn(month: month, year: year),
                hour < 24, minute < 60, second < 60, year >= 1
            else { return nil }
            let days = CivilTime.days(year: year, month: month, day: day)
            self.init(seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos: nanos)
        }
    }
}

func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
