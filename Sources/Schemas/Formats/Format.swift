/// A `format` the validator can assert, and the check for each.
///
/// Every check works on the string's UTF-8 bytes, allocates nothing, and accepts
/// ASCII only where the grammar is ASCII (a Bengali digit is not a digit in a date).
enum Format: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case date
    case time
    case email
    case uuid
    case ipv4
    case ipv6
    case hostname
    case regex

    /// The format's name as written in a schema.
    var name: String { rawValue }

    /// Whether `string` is valid for this format.
    func accepts(_ string: String) -> Bool {
        func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            switch self {
            case .dateTime: return Self.isDateTime(bytes)
            case .date: return bytes.count == 10 && Self.isFullDate(bytes, from: 0)
            case .time: return Self.isFullTime(bytes, from: 0)
            case .email: return Self.isEmail(bytes)
            case .uuid: return Self.isUUID(bytes)
            case .ipv4: return Self.isIPv4(bytes[...])
            case .ipv6: return Self.isIPv6(bytes[...])
            case .hostname: return Self.isHostname(bytes[...])
            case .regex: return (try? ECMARegex(string)) != nil
            }
        }
        if let result = string.utf8.withContiguousStorageIfAvailable(check) { return result }
        var copy = string
        return copy.withUTF8(check)
    }

    /// The phrase used in messages: `a valid email address`.
    var phrase: String {
        switch self {
        case .dateTime: return "an RFC 3339 date-time such as 2024-05-01T09:30:00Z"
        case .date: return "an RFC 3339 full-date such as 2024-05-01"
        case .time: return "an RFC 3339 full-time such as 09:30:00Z"
        case .email: return "an email address"
        case .uuid: return "a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"
        case .ipv4: return "an IPv4 address"
        case .ipv6: return "an IPv6 address"
        case .hostname: return "a host name"
        case .regex: return "an ECMA-262 regular expression"
        }
    }

    // MARK: - UUID

    /// RFC 9562 text form: 8-4-4-4-12 hex digits, any case, any version and variant.
    static func isUUID(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 36 else { return false }
        for i in 0..<36 {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b[i] == UInt8(ascii: "-") else { return false }
            } else {
                guard isHexDigit(b[i]) else { return false }
            }
        }
        return true
    }

    // MARK: - Character classes

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    @inline(__always)
    static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    @inline(__always)
    static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
}
