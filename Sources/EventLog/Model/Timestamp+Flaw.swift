extension Timestamp {
    /// What makes `text` not an RFC 3339 date-time, in words a person can act on: the
    /// first part that is missing or out of range (`it has no offset; add Z for UTC or
    /// one such as +02:00`, `February 2026 has no day 30`), or `nil` when no part
    /// stands out. Meant for text ``init(rfc3339:)`` refused.
    static func flaw(in text: String) -> String? {
        let b = Array(text.utf8)
        func isDigit(_ i: Int) -> Bool { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
        func number(_ range: Range<Int>) -> Int? {
            range.allSatisfy(isDigit) ? Int(String(decoding: b[range], as: UTF8.self)) : nil
        }
        func byte(_ i: Int, is character: Character) -> Bool { i < b.count && b[i] == character.asciiValue! }
        if b.isEmpty { return "it is empty" }
        if b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return "a bare number is not a time; write a Unix time as a date and time"
        }
        guard let year = number(0..<4), byte(4, is: "-"), let month = number(5..<7), byte(7, is: "-"),
            let day = number(8..<10)
        else { return "it does not start with a date written YYYY-MM-DD" }
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        guard (1...12).contains(month) else { return "month \(month) is out of range" }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...length).contains(day) else { return "\(months[month - 1]) \(year) has no day \(day)" }
        let date = String(decoding: b[0..<10], as: UTF8.self)
        guard b.count > 10 else { return "it has a date but no time; add one and an offset, such as \(date)T00:00:00Z" }
        if byte(10, is: " ") { return "write T, not a space, between the date and the time" }
        guard byte(10, is: "T") || byte(10, is: "t") else { return "expected T and the time after the date" }
        guard let hour = number(11..<13), byte(13, is: ":"), let minute = number(14..<16) else {
            return "expected the time as HH:MM:SS after the T"
        }
        guard byte(16, is: ":"), let second = number(17..<19) else {
            return "the time has no seconds; write it as HH:MM:SS"
        }
        if hour > 23 { return "hour \(hour) is out of range (00 to 23)" }
        if minute > 59 { return "minute \(minute) is out of range (00 to 59)" }
        if second > 60 { return "second \(second) is out of range (00 to 59)" }
        if second == 60 { return "second 60 is a leap second's, which falls at 23:59:60 UTC only" }
        var i = 19
        if byte(i, is: ".") || byte(i, is: ",") {
            guard byte(i, is: "."), isDigit(i + 1) else {
                return "write the fraction of a second as a point and digits"
            }
            i += 1
            while isDigit(i) { i += 1 }
        }
        if i == b.count { return "it has no offset; add Z for UTC or one such as +02:00" }
        if (byte(i, is: "Z") || byte(i, is: "z")) && i + 1 == b.count { return nil }
        guard byte(i, is: "+") || byte(i, is: "-") else {
            return "expected Z or an offset such as +02:00 after the time"
        }
        guard let hours = number(i + 1..<i + 3), byte(i + 3, is: ":"), let minutes = number(i + 4..<i + 6),
            i + 6 == b.count
        else { return "write the offset as +HH:MM or -HH:MM" }
        if hours > 23 || minutes > 59 {
            return "the offset \(String(decoding: b[i...], as: UTF8.self)) is out of range"
        }
        return nil
    }
}
