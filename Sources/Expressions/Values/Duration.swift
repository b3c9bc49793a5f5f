extension Value {
    /// A signed span of time with nanosecond precision: CEL's `google.protobuf.Duration`.
    ///
    /// The language definition limits durations to one int64 count of nanoseconds, about ±292
    /// years; arithmetic or parsing that leaves the range is an error.
    public struct Duration: Sendable, Hashable, Comparable {
        /// The whole duration in nanoseconds.
        public let nanoseconds: Int64

        /// A duration of `nanoseconds` in total, or nil outside the valid range.
        public init?(totalNanoseconds: Int128) {
            guard let nanoseconds = Int64(exactly: totalNanoseconds) else { return nil }
            self.nanoseconds = nanoseconds
        }

        public init?(seconds: Int64, nanos: Int64 = 0) {
            self.init(totalNanoseconds: Int128(seconds) * 1_000_000_000 + Int128(nanos))
        }

        /// Whole seconds, truncated toward zero.
        public var seconds: Int64 { nanoseconds / 1_000_000_000 }
        /// The nanoseconds beyond `seconds`, with the same sign.
        public var nanos: Int32 { Int32(nanoseconds % 1_000_000_000) }
        public var totalNanoseconds: Int128 { Int128(nanoseconds) }

        public static func < (a: Duration, b: Duration) -> Bool { a.nanoseconds < b.nanoseconds }

        /// Seconds with as many fractional digits as needed: `1000000s`, `1.5s`, `-0.000000001s`.
        public var text: String {
            let negative = seconds < 0 || nanos < 0
            var result = negative ? "-" : ""
            result += String(seconds.magnitude)
            if nanos != 0 {
                var fraction = pad(Int64(nanos.magnitude), 9)
                while fraction.hasSuffix("0") { fraction.removeLast() }
                result += "." + fraction
            }
            return result + "s"
        }

        /// Parses Go-style duration text: an optional sign, then one or more decimal numbers each
        /// with a unit `h`, `m`, `s`, `ms`, `us` (or `µs`) or `ns`: `1h30m`, `-1.5s`, `100ms`.
        /// Nil when malformed or out of range.
        public init?(parsing text: String) {
            var scalars = Array(text.unicodeScalars)
            var negative = false
            if let first = scalars.first, first == "-" || first == "+" {
                negative = first == "-"
                scalars.removeFirst()
            }
            if scalars == ["0"] {
                self.init(totalNanoseconds: 0)
                return
            }
            guard !scalars.isEmpty else { return nil }
            var total: Int128 = 0
            var i = 0
            func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
            while i < scalars.count {
                var whole: Int128 = 0
                var fraction: Int128 = 0
                var fractionScale: Int128 = 1
                var sawDigit = false
                while i < scalars.count, isDigit(scalars[i]) {
                    whole = whole * 10 + Int128(scalars[i].value - 48)
                    guard whole < Int128(1) << 80 else { return nil }
                    sawDigit = true
                    i += 1
                }
                if i < scalars.count, scalars[i] == "." {
                    i += 1
                    while i < scalars.count, isDigit(scalars[i]) {
                        if fractionScale < 1_000_000_000_000_000_000 {
                            fraction = fraction * 10 + Int128(scalars[i].value - 48)
                            fractionScale *= 10
                        }
                        sawDigit = true
                        i += 1
                    }
                }
                guard sawDigit else { return nil }
                var unit = ""
                while i < scalars.count, !isDigit(scalars[i]), scalars[i] != "." {
                    unit.unicodeScalars.append(scalars[i])
                    i += 1
                }
                let nanosPerUnit: Int128
                switch unit {
                case "ns": nanosPerUnit = 1
                case "us", "µs", "μs": nanosPerUnit = 1_000
                case "ms": nanosPerUnit = 1_000_000
                case "s": nanosPerUnit = 1_000_000_000
                case "m": nanosPerUnit = 60_000_000_000
                case "h": nanosPerUnit = 3_600_000_000_000
                default: return nil
                }
                total += whole * nanosPerUnit + fraction * nanosPerUnit / fractionScale
                guard total < Int128(1) << 100 else { return nil }
            }
            self.init(totalNanoseconds: negative ? -total : total)
        }
    }
}
