import Foundation

/// How a date or time is written in a file: a strptime-like pattern such as
/// `%Y%m%d`, `%Y-%m-%d %H:%M:%S` or `%m/%d/%Y %I:%M %p`, or one of the named formats
/// `iso8601`, `unix` (seconds since 1970) and `unix_ms` (milliseconds).
///
/// Directives: `%Y` (4-digit year), `%y` (2 digits: 69–99 are 1900s, 00–68 2000s),
/// `%m`, `%d`, `%e`, `%H`, `%I`, `%M`, `%S` (1 or 2 digits), `%f` (fraction of a
/// second), `%p` (AM/PM), `%b`/`%B` (month name, English), `%a`/`%A` (weekday name,
/// checked for form only), `%z` (`Z`, `+02:00`, `+0200`, `+02`), `%Z` (`UTC`/`GMT`),
/// `%j` (day of the year), `%F` (`%Y-%m-%d`), `%T` (`%H:%M:%S`), `%R` (`%H:%M`), `%D`
/// (`%m/%d/%y`), `%%`. A space matches any run of spaces, including none; other
/// characters match themselves.
public struct DateFormat: Sendable {
    /// The format as written in the mapping.
    public let source: String
    private let kind: Kind

    private enum Kind: Sendable, Equatable {
        case pattern([Token])
        case iso8601
        case unixSeconds
        case unixMilliseconds
    }

    private enum Token: Sendable, Equatable {
        case literal(UInt8)
        case spaces
        case year, shortYear, month, monthName, day, dayOfYear, hour, hour12, minute, second, fraction, meridiem,
            offset,
            zoneName, weekdayName
    }

    public static let iso8601 = DateFormat(source: "iso8601", kind: .iso8601)

    private init(source: String, kind: Kind) {
        self.source = source
        self.kind = kind
    }

    /// Parses a format; throws the reason it is not one.
    init(_ source: String) throws(ValueParser.Failure) {
        self.source = source
        switch source {
        case "iso8601", "rfc3339":
            kind = .iso8601
            return
        case "unix":
            kind = .unixSeconds
            return
        case "unix_ms":
            kind = .unixMilliseconds
            return
        default: break
        }
        var tokens: [Token] = []
        var bytes = Array(source.utf8)[...]
        func expand(_ text: String) { bytes = Array(text.utf8)[...] + bytes }
        while let b = bytes.popFirst() {
            if b == 0x20 {
                if tokens.last != .spaces { tokens.append(.spaces) }
                continue
            }
            guard b == 0x25 else {
                tokens.append(.literal(b))
                continue
            }
            guard let directive = bytes.popFirst() else { throw ValueParser.Failure("`\(source)` ends with a lone %") }
            switch directive {
            case UInt8(ascii: "Y"): tokens.append(.year)
            case UInt8(ascii: "y"): tokens.append(.shortYear)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): tokens.append(.monthName)
            case UInt8(ascii: "d"): tokens.append(.day)
            case UInt8(ascii: "e"): tokens += [.spaces, .day]
            case UInt8(ascii: "j"): tokens.append(.dayOfYear)
            case UInt8(ascii: "H"): tokens.append(.hour)
            case UInt8(ascii: "I"): tokens.append(.hour12)
            case UInt8(ascii: "M"): tokens.append(.minute)
            case UInt8(ascii: "S"): tokens.append(.second)
            case UInt8(ascii: "f"): tokens.append(.fraction)
            case UInt8(ascii: "p"): tokens.append(.meridiem)
            case UInt8(ascii: "z"): tokens.append(.offset)
            case UInt8(ascii: "Z"): tokens.append(.zoneName)
            case UInt8(ascii: "a"), UInt8(ascii: "A"): tokens.append(.weekdayName)
            case UInt8(ascii: "F"): expand("%Y-%m-%d")
            case UInt8(ascii: "T"): expand("%H:%M:%S")
            case UInt8(ascii: "R"): expand("%H:%M")
            case UInt8(ascii: "D"): expand("%m/%d/%y")
            case UInt8(ascii: "%"): tokens.append(.literal(0x25))
            default:
                throw ValueParser.Failure(
                    "`\(source)`: unknown directive %\(Character(Unicode.Scalar(directive))); use %Y %y %m %d %e %j %H %I %M %S %f %p %b %a %z %Z %F %T %R %D, or iso8601, unix, unix_ms"
                )
            }
        }
        let has = { (token: Token) in tokens.contains(token) }
        if !has(.year) && !has(.shortYear) { throw ValueParser.Failure("`\(source)` has no year (%Y or %y)") }
        if !has(.dayOfYear) && (!(has(.month) || has(.monthName)) || !has(.day)) {
            throw ValueParser.Failure("`\(source)` needs a month (%m or %b) and a day (%d), or a day of the year (%j)")
        }
        if has(.hour12) != has(.meridiem) { throw ValueParser.Failure("`\(source)`: %I and %p go together") }
        kind = .pattern(tokens)
    }

    /// A date and time read from text, with the offset it was written with, if any.
    public struct Parsed: Sendable, Hashable {
        public var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0
        /// Seconds east of UTC, when the text said.
        public var offset: Int?
        /// Seconds since the epoch, for `unix` formats (already UTC).
        var epochMicroseconds: Int64?

        /// The calendar day as written: `2024-06-30`.
        public var dateText: String {
            if let epochMicroseconds { return String(Timestamp(rawValue: epochMicroseconds).description.prefix(10)) }
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        }

        /// The instant: the text's own offset if it had one, else `zone`'s.
        public func timestamp(in zone: ZoneRule) -> Timestamp {
            if let epochMicroseconds { return Timestamp(rawValue: epochMicroseconds) }
            let local =
                Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)) * 86_400
                + Int64(hour * 3600 + minute * 60 + second)
            let utc = offset.map { local - Int64($0) } ?? zone.utcSeconds(fromLocal: local)
            return Timestamp(rawValue: utc * 1_000_000 + Int64(microsecond))
        }
    }

    /// Reads `text`; throws what does not match.
    func parse(_ text: String) throws(ValueParser.Failure) -> Parsed {
        var bytes = Array(text.utf8)[...]
        switch kind {
        case .unixSeconds, .unixMilliseconds:
            let unit = kind == .unixSeconds ? "seconds" : "milliseconds"
            guard let number = ValueParser.number(text), let value = Double(number.text), value.isFinite else {
                throw ValueParser.Failure("expected a number of \(unit) since 1970")
            }
            // Past these the time is far beyond the year 9999 (which the range check after
            // refuses in its own words), and counting it in microseconds would overflow.
            guard abs(value) < (kind == .unixSeconds ? 1e12 : 1e15) else {
                throw ValueParser.Failure("\(number.text) \(unit) since 1970 is after the year 9999 (or before the year 1); check the column")
            }
            // Whole units are exact; fractions are rounded to the microsecond.
            let micros =
                kind == .unixSeconds
                ? (number.int64Value.map { $0 * 1_000_000 } ?? Int64((value * 1_000_000).rounded()))
                : (number.int64Value.map { $0 * 1000 } ?? Int64((value * 1000).rounded()))
            var parsed = Parsed()
            parsed.epochMicroseconds = micros
            return parsed
        case .iso8601:
            var parsed = Parsed()
            try Self.run(Self.isoDate, on: &bytes, into: &parsed)
            if let separator = bytes.first,
                separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20
            {
                bytes.removeFirst()
                try Self.run([.hour, .literal(0x3A), .minute], on: &bytes, into: &parsed)
                if bytes.first == 0x3A {
                    bytes.removeFirst()
                    try Self.run([.second], on: &bytes, into: &parsed)
                    if bytes.first == 0x2E || bytes.first == 0x2C {
                        bytes.removeFirst()
                        try Self.run([.fraction], on: &bytes, into: &parsed)
                    }
                }
                if !bytes.isEmpty { try Self.run([.offset], on: &bytes, into: &parsed) }
            }
            guard bytes.isEmpty else {
                throw ValueParser.Failure(
                    "unexpected text after the date; ISO 8601 looks like 2024-05-01 or 2024-05-01T09:30:00Z")
            }
            try Self.check(&parsed)
            return parsed
        case .pattern(let tokens):
            var parsed = Parsed()
            try Self.run(tokens, on: &bytes, into: &parsed)
            guard bytes.isEmpty else { throw ValueParser.Failure("unexpected text after the end of the format") }
            try Self.check(&parsed)
            return parsed
        }
    }

    private static let isoDate: [Token] = [.year, .literal(0x2D), .month, .literal(0x2D), .day]

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    private static let fullMonthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]
    private static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    private static func run(_ tokens: [Token], on bytes: inout ArraySlice<UInt8>, into parsed: inout Parsed)
        throws(ValueParser.Failure)
    {
        var pm: Bool?
        var dayOfYear: Int?
        func digits(_ min: Int, _ max: Int, _ what: String) throws(ValueParser.Failure) -> Int {
            var value = 0
            var count = 0
            while count < max, let b = bytes.first, b >= 0x30 && b <= 0x39 {
                value = value * 10 + Int(b - 0x30)
                count += 1
                bytes.removeFirst()
            }
            guard count >= min else {
                throw ValueParser.Failure(
                    "expected \(min == max ? "\(min)" : "\(min) to \(max)") digits for the \(what)")
            }
            return value
        }
        func word() -> String {
            var out = ""
            while let b = bytes.first, (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A {
                out.append(Character(Unicode.Scalar(b | 0x20)))
                bytes.removeFirst()
            }
            return out
        }
        for token in tokens {
            switch token {
            case .literal(let b):
                guard bytes.first == b else {
                    throw ValueParser.Failure(
                        "expected \"\(Character(Unicode.Scalar(b)))\"\(bytes.isEmpty ? " but the text ended" : "")")
                }
                bytes.removeFirst()
            case .spaces: while bytes.first == 0x20 { bytes.removeFirst() }
            case .year: parsed.year = try digits(4, 4, "year")
            case .shortYear:
                let y = try digits(2, 2, "year")
                parsed.year = y < 69 ? 2000 + y : 1900 + y
            case .month: parsed.month = try digits(1, 2, "month")
            case .day: parsed.day = try digits(1, 2, "day")
            case .dayOfYear: dayOfYear = try digits(1, 3, "day of the year")
            case .hour: parsed.hour = try digits(1, 2, "hour")
            case .hour12: parsed.hour = try digits(1, 2, "hour")
            case .minute: parsed.minute = try digits(1, 2, "minute")
            case .second: parsed.second = try digits(1, 2, "second")
            case .fraction:
                var micros = 0
                var count = 0
                while let b = bytes.first, b >= 0x30 && b <= 0x39 {
                    if count < 6 { micros = micros * 10 + Int(b - 0x30) }
                    count += 1
                    bytes.removeFirst()
                }
                guard count > 0 else { throw ValueParser.Failure("expected digits for the fraction of a second") }
                for _ in count..<max(count, 6) { micros *= 10 }
                parsed.microsecond = micros
            case .meridiem:
                switch word() {
                case "am", "a": pm = false
                case "pm", "p": pm = true
                default: throw ValueParser.Failure("expected AM or PM")
                }
            case .monthName:
                let name = word()
                if let i = monthNames.firstIndex(of: name) ?? fullMonthNames.firstIndex(of: name)
                    ?? (name == "sept" ? 8 : nil)
                {
                    parsed.month = i + 1
                } else {
                    throw ValueParser.Failure("expected an English month name such as Jan or January")
                }
            case .weekdayName:
                let name = word()
                guard weekdayNames.contains(where: { $0 == name || $0.prefix(3) == name }) else {
                    throw ValueParser.Failure("expected an English weekday name such as Mon or Monday")
                }
            case .zoneName:
                let name = word()
                guard name == "utc" || name == "gmt" || name == "z" else {
                    throw ValueParser.Failure("expected UTC or GMT (write other zones as offsets with %z)")
                }
                parsed.offset = 0
            case .offset:
                if let b = bytes.first, b == UInt8(ascii: "Z") || b == UInt8(ascii: "z") {
                    bytes.removeFirst()
                    parsed.offset = 0
                    continue
                }
                guard let sign = bytes.first, sign == 0x2B || sign == 0x2D else {
                    throw ValueParser.Failure("expected a UTC offset such as Z, +02:00 or -0500")
                }
                bytes.removeFirst()
                let hours = try digits(2, 2, "offset's hours")
                var minutes = 0
                if bytes.first == 0x3A { bytes.removeFirst() }
                if let b = bytes.first, b >= 0x30 && b <= 0x39 { minutes = try digits(2, 2, "offset's minutes") }
                guard hours < 24, minutes < 60 else { throw ValueParser.Failure("the UTC offset is out of range") }
                parsed.offset = (hours * 3600 + minutes * 60) * (sign == 0x2D ? -1 : 1)
            }
        }
        if let pm {
            guard (1...12).contains(parsed.hour) else {
                throw ValueParser.Failure("hour \(parsed.hour) is out of range for a 12-hour clock")
            }
            parsed.hour = parsed.hour % 12 + (pm ? 12 : 0)
        }
        if let dayOfYear {
            let days = Timestamp.days(fromCivil: Int64(parsed.year), 1, 1) + Int64(dayOfYear) - 1
            let (y, m, d) = Timestamp.civil(fromDays: days)
            guard dayOfYear >= 1, y == parsed.year else {
                throw ValueParser.Failure("day \(dayOfYear) is not in \(parsed.year)")
            }
            parsed.month = Int(m)
            parsed.day = Int(d)
        }
    }

    private static func check(_ parsed: inout Parsed) throws(ValueParser.Failure) {
        guard (1...12).contains(parsed.month) else {
            throw ValueParser.Failure("month \(parsed.month) is out of range")
        }
        let days = Timestamp.daysInMonth(Int64(parsed.year), Int64(parsed.month))
        guard parsed.day >= 1, parsed.day <= days else {
            throw ValueParser.Failure(
                "\(fullMonthNames[parsed.month - 1].capitalized) \(parsed.year) has no day \(parsed.day)")
        }
        guard parsed.hour < 24 else { throw ValueParser.Failure("hour \(parsed.hour) is out of range") }
        guard parsed.minute < 60 else { throw ValueParser.Failure("minute \(parsed.minute) is out of range") }
        guard parsed.second < 60 else { throw ValueParser.Failure("second \(parsed.second) is out of range") }
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
